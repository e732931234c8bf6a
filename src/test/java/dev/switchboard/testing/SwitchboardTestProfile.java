package dev.switchboard.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/**
 * The one test profile of the suite, so Quarkus boots once: the real PostgreSQL of {@link PostgresTestResource}
 * and an operator catalog file over the shipped one (the way an operator adds entries), with one fake
 * "test-lab" provider whose endpoints tests use for stats without touching the shipped models' numbers, and the
 * simulated upstream started inside the app. A key for anthropic keeps demo mode (auto) off, and a master key
 * ({@link #MASTER_KEY}) guards the proxy and the admin pages.
 */
public class SwitchboardTestProfile implements QuarkusTestProfile {

    public static final String MASTER_KEY = "sb-test-master-key";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("switchboard.catalog.files", TestCatalog.operatorFile().toString(),
                "switchboard.provider.anthropic.api-key", "sk-ant-test-not-a-real-key",
                // the simulated upstream runs inside the app, on a free port, as the upstream of wiring tests
                "switchboard.sim.enabled", "true",
                "switchboard.sim.seed", "7",
                "switchboard.auth.master-key", MASTER_KEY);
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PostgresTestResource.class));
    }
}
