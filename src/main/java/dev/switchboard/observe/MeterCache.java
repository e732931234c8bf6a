package dev.switchboard.observe;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Meters by their label values, built once. Registering a meter with Micrometer on every request would build and
 * sort its id each time; a lookup here is one hash of a small record. The keys are bounded by what builds them
 * (catalog slugs, key ids, fixed sets), so the map is too.
 */
final class MeterCache<K, M> {

    private final ConcurrentHashMap<K, M> meters = new ConcurrentHashMap<>();
    private final Function<K, M> build;

    MeterCache(Function<K, M> build) {
        this.build = build;
    }

    M get(K key) {
        M meter = meters.get(key);
        return meter != null ? meter : meters.computeIfAbsent(key, build);
    }
}
