package dev.switchboard.testing;

import dev.switchboard.sim.SimServiceAccount;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one test profile of the suite, so Quarkus boots once: the real PostgreSQL of {@link PostgresTestResource}
 * and an operator catalog file over the shipped one (the way an operator adds entries), with one fake
 * "test-lab" provider whose endpoints tests use for stats without touching the shipped models' numbers, and the
 * simulated upstream started inside the app. A key for anthropic keeps demo mode (auto) off.
 */
public class SwitchboardTestProfile implements QuarkusTestProfile {

    /** The in-app simulator's port, fixed before boot so the route-lab providers' base URLs can name it. */
    public static final int SIM_PORT = freePort();
    public static final String SIM_URL = "http://127.0.0.1:" + SIM_PORT;
    /** The canary behind canary-lab (OutboundTargetsTest starts it; refused connections elsewhere). */
    public static final int CANARY_PORT = freePort();
    public static final String MASTER_KEY = "sb-test-master-key-0123456789";
    /** route-bedrock's AWS credentials, which the in-app simulator verifies SigV4 signatures against. */
    public static final String BEDROCK_KEY_ID = "AKIDROUTELABBEDROCK1";
    public static final String BEDROCK_SECRET = "routelab/Bedrock/Secret/Access/Key/7f3a9c";
    public static final String BEDROCK_SESSION_TOKEN = "IQoJb3JpZ2luX2VjRouteLabSessionToken4d2e8b";
    /** route-vertex's service account, made for this run; its key file is route-vertex's credentials-file. */
    public static final SimServiceAccount VERTEX_ACCOUNT = SimServiceAccount.generate(
            "routelab@routelab-project.iam.gserviceaccount.com");
    public static final String VERTEX_KEY_JSON = VERTEX_ACCOUNT.toKeyJson(SIM_URL + "/token", "routelab-project");
    public static final Path VERTEX_KEY_FILE = keyFile(VERTEX_KEY_JSON);
    /** route-echo's key, and the port of the loopback fake behind it (started by the test that calls it). */
    public static final String ECHO_KEY = "sk-echo-planted-9c4e1a7b2d5f8e3a6c0b";
    public static final int ECHO_PORT = freePort();

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(Map.of(
                "switchboard.catalog.files", TestCatalog.operatorFiles(),
                "switchboard.provider.anthropic.api-key", "sk-ant-test-not-a-real-key",
                // the simulated upstream runs inside the app as the upstream of wiring and proxy tests
                "switchboard.sim.enabled", "true",
                "switchboard.sim.port", Integer.toString(SIM_PORT),
                "switchboard.sim.seed", "7",
                "switchboard.auth.master-key", MASTER_KEY));
        for (String slug : new String[] {TestCatalog.ROUTE_OPENAI, TestCatalog.ROUTE_BACKUP}) {
            config.put("switchboard.provider." + slug + ".base-url", SIM_URL + "/v1");
            config.put("switchboard.provider." + slug + ".api-key", "sim-key-1");
        }
        config.put("switchboard.provider." + TestCatalog.ROUTE_ANTHROPIC + ".base-url", SIM_URL);
        config.put("switchboard.provider." + TestCatalog.ROUTE_ANTHROPIC + ".api-key", "sim-key-1");
        config.put("switchboard.provider." + TestCatalog.ROUTE_BEDROCK + ".base-url", SIM_URL);
        config.put("switchboard.provider." + TestCatalog.ROUTE_BEDROCK + ".access-key-id", BEDROCK_KEY_ID);
        config.put("switchboard.provider." + TestCatalog.ROUTE_BEDROCK + ".secret-access-key", BEDROCK_SECRET);
        config.put("switchboard.provider." + TestCatalog.ROUTE_BEDROCK + ".session-token", BEDROCK_SESSION_TOKEN);
        config.put("switchboard.sim.aws-keys", BEDROCK_KEY_ID + ":" + BEDROCK_SECRET);
        config.put("switchboard.provider." + TestCatalog.ROUTE_VERTEX + ".base-url", SIM_URL);
        config.put("switchboard.provider." + TestCatalog.ROUTE_VERTEX + ".credentials-file", VERTEX_KEY_FILE.toString());
        config.put("switchboard.sim.google-service-accounts", VERTEX_KEY_FILE.toString());
        config.put("switchboard.provider." + TestCatalog.ROUTE_ECHO + ".base-url", "http://127.0.0.1:" + ECHO_PORT
                + "/v1");
        config.put("switchboard.provider." + TestCatalog.ROUTE_ECHO + ".api-key", ECHO_KEY);
        // the outbound-targets test: one provider of each kind on the simulator, and canary-lab on the canary
        for (String slug : new String[] {TestCatalog.OUTBOUND_OPENAI, TestCatalog.CANARY_PROVIDER}) {
            config.put("switchboard.provider." + slug + ".api-key", "sim-key-1");
        }
        config.put("switchboard.provider." + TestCatalog.OUTBOUND_OPENAI + ".base-url", SIM_URL + "/v1");
        config.put("switchboard.provider." + TestCatalog.CANARY_PROVIDER + ".base-url",
                "http://127.0.0.1:" + CANARY_PORT + "/v1");
        for (String slug : new String[] {TestCatalog.OUTBOUND_ANTHROPIC, TestCatalog.OUTBOUND_GEMINI,
                TestCatalog.OUTBOUND_BEDROCK}) {
            config.put("switchboard.provider." + slug + ".base-url", SIM_URL);
            config.put("switchboard.provider." + slug + ".api-key", "sim-key-1");
        }
        // fault tests wait on these, so they are short; the simulator answers healthy calls in well under them
        config.put("switchboard.proxy.first-token-timeout", "3s");
        config.put("switchboard.proxy.idle-timeout", "3s");
        config.put("switchboard.proxy.total-timeout", "20s");
        config.put("switchboard.proxy.keep-alive-interval", "300ms");
        // routelab/hedge-auto is hedged by its model setting (HedgedRequestsTest)
        config.put("switchboard.hedge.models.\"" + TestCatalog.HEDGE_AUTO + "\".after-ms", "150");
        // an open circuit half-opens after a second, so a test can watch it recover
        config.put("switchboard.routing.circuit.open-duration", "1s");
        return config;
    }

    private static Path keyFile(String json) {
        try {
            Path file = Files.createTempFile("routelab-vertex-key", ".json");
            Files.writeString(file, json);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PostgresTestResource.class));
    }
}
