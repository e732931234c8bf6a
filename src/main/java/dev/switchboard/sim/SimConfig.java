package dev.switchboard.sim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link SimServer} starts with. Profiles are keyed by the upstream model id a request names (the OpenAI
 * {@code model}, the Azure deployment, the Anthropic {@code model}); any other model gets {@code defaultProfile}.
 *
 * @param host interface to bind
 * @param seed seeds every random choice: the same seed and the same requests per model give the same outcomes,
 *        TTFTs and texts
 * @param defaultProfile the profile of models without one of their own
 * @param profiles per model id
 * @param apiKeys the keys the OpenAI and Anthropic protocols accept
 */
public record SimConfig(String host, long seed, SimProfile defaultProfile, Map<String, SimProfile> profiles,
        Set<String> apiKeys) {

    /** The key accepted when none is configured; it is public on purpose, the simulator guards nothing. */
    public static final String DEFAULT_API_KEY = "sim-key-1";

    public SimConfig {
        profiles = Map.copyOf(profiles);
        apiKeys = Set.copyOf(apiKeys);
        if (apiKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one API key is needed");
        }
    }

    public static SimConfig defaults() {
        return new SimConfig("127.0.0.1", 42L, SimProfile.DEFAULT, Map.of(), Set.of(DEFAULT_API_KEY));
    }

    public SimConfig withHost(String host) {
        return new SimConfig(host, seed, defaultProfile, profiles, apiKeys);
    }

    public SimConfig withSeed(long seed) {
        return new SimConfig(host, seed, defaultProfile, profiles, apiKeys);
    }

    public SimConfig withDefaultProfile(SimProfile profile) {
        return new SimConfig(host, seed, profile, profiles, apiKeys);
    }

    public SimConfig withProfile(String model, SimProfile profile) {
        Map<String, SimProfile> copy = new LinkedHashMap<>(profiles);
        copy.put(model, profile);
        return new SimConfig(host, seed, defaultProfile, copy, apiKeys);
    }

    public SimConfig withProfiles(SimProfiles.Snapshot snapshot) {
        Map<String, SimProfile> copy = new LinkedHashMap<>(profiles);
        copy.putAll(snapshot.models());
        return new SimConfig(host, seed, snapshot.defaultProfile(), copy, apiKeys);
    }

    public SimConfig withApiKeys(Set<String> keys) {
        return new SimConfig(host, seed, defaultProfile, profiles, keys);
    }
}
