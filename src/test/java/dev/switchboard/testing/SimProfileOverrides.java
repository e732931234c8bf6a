package dev.switchboard.testing;

import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimProfiles;

import java.util.HashMap;
import java.util.Map;

/**
 * Simulator profiles set for a test and put back as they were on close, so that a test's fast or faulty upstreams
 * do not leak into the next test of the same Quarkus boot.
 */
public final class SimProfileOverrides implements AutoCloseable {

    private final SimProfiles profiles;
    private final Map<String, SimProfile> before = new HashMap<>();

    public SimProfileOverrides(SimProfiles profiles) {
        this.profiles = profiles;
    }

    /** Gives upstream model {@code model} the profile {@code profile} until close. */
    public SimProfileOverrides put(String model, SimProfile profile) {
        if (!before.containsKey(model)) {
            before.put(model, profiles.snapshot().models().get(model));
        }
        profiles.put(model, profile);
        return this;
    }

    @Override
    public void close() {
        before.forEach((model, profile) -> {
            if (profile == null) {
                profiles.remove(model);
            } else {
                profiles.put(model, profile);
            }
        });
    }
}
