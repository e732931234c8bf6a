package dev.switchboard.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/**
 * The app as a newcomer first runs it: no provider credentials, demo mode on, every provider backed by the in-app
 * simulated upstream. A second Quarkus boot; test classes are grouped by profile, so it happens once.
 */
public class DemoTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("switchboard.catalog.files", TestCatalog.operatorFile().toString(),
                "switchboard.demo", "on",
                "switchboard.sim.seed", "11",
                // tests call ProbeJob.runOnce with many probes at once (it is never scheduled in tests)
                "switchboard.probe.max-concurrency", "32");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PostgresTestResource.class));
    }
}
