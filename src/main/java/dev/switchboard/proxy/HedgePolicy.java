package dev.switchboard.proxy;

import dev.switchboard.api.HedgeRequest;
import dev.switchboard.stats.Distribution;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether, and after how long, a second candidate may race the first: the request's {@code provider.hedge}
 * wins over its model's {@code switchboard.hedge.models} entry, side effects and {@code switchboard.hedge.enabled=false}
 * over both. The models' entries are read once at start-up, and a malformed one stops the start-up with its name:
 * a hedge setting that silently did nothing would be found only on the bill.
 */
@Singleton
public class HedgePolicy {

    /** No hedge for this attempt. */
    public static final long NEVER = -1;

    @Inject
    HedgeConfig config;

    private Map<String, HedgeRequest> models = Map.of();

    @PostConstruct
    void init() {
        Map<String, HedgeRequest> parsed = new HashMap<>();
        config.models().forEach((model, entry) -> parsed.put(model, modelEntry(model, entry.afterMs().isPresent()
                ? entry.afterMs().getAsInt() : null, entry.after().orElse(null))));
        models = Map.copyOf(parsed);
    }

    /** One {@code switchboard.hedge.models."<model>"} entry as a request would have asked it. */
    static HedgeRequest modelEntry(String model, Integer afterMs, String after) {
        String prefix = "switchboard.hedge.models.\"" + model + "\"";
        if (afterMs != null && after != null) {
            throw new IllegalStateException(prefix + " sets both after-ms and after; set one.");
        }
        if (afterMs != null) {
            if (afterMs < 0) {
                throw new IllegalStateException(prefix + ".after-ms must be 0 or more milliseconds; got " + afterMs);
            }
            return new HedgeRequest(HedgeRequest.Mode.FIXED, afterMs, null);
        }
        if (after != null) {
            if (!after.strip().toLowerCase(Locale.ROOT).equals("p90")) {
                throw new IllegalStateException(prefix + ".after must be p90; got \"" + after + "\"");
            }
            return new HedgeRequest(HedgeRequest.Mode.P90, null, null);
        }
        throw new IllegalStateException(prefix + " needs after-ms (milliseconds) or after=p90.");
    }

    /**
     * Milliseconds after an attempt at an endpoint of {@code model} went out at which a hedge goes out if it has
     * produced nothing yet; {@link #NEVER} for no hedge.
     *
     * @param ttft the endpoint's TTFT over the routing window
     */
    long thresholdMs(HedgeRequest asked, String model, Distribution ttft, boolean stream) {
        if (!config.enabled()) {
            return NEVER;
        }
        HedgeRequest effective = asked.mode() == HedgeRequest.Mode.NOT_GIVEN
                ? models.getOrDefault(model, asked) : asked;
        return threshold(effective, ttft, stream, config.minSamples(), config.fallbackAfterMs());
    }

    /** The threshold of an effective request: fixed, the live p90 when it is known, else {@code fallbackMs}. */
    static long threshold(HedgeRequest effective, Distribution ttft, boolean stream, int minSamples, int fallbackMs) {
        return switch (effective.mode()) {
            case NOT_GIVEN, OFF -> NEVER;
            case FIXED -> effective.afterMs();
            // TTFT is measured on streams: a whole answer takes the decode time too, so its p90 is unknown
            case P90 -> stream && ttft.count() >= Math.max(1, minSamples) && ttft.p90() != null
                    ? Math.round(ttft.p90()) : fallbackMs;
        };
    }
}
