package dev.switchboard.providers;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.CapturedLogs;
import dev.switchboard.testing.FixtureFiles;
import dev.switchboard.testing.SimProfileOverrides;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.AdminKeysPage;
import dev.switchboard.usage.ApiKeyService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11: the secrets the running app holds (the master key, a gateway key, the provider keys of the profile,
 * route-bedrock's AWS secret key and session token, route-vertex's service-account private key) are planted, calls
 * that succeed and fail are made (among them one that fails over from a provider whose 401 quotes the key it was
 * given, through a signed Bedrock call that fails, to Vertex), then every place a secret could surface is scanned
 * for each value and its base64 and URL-encoded forms: the log of the run, portal pages, JSON answers, error
 * bodies, /q/metrics and every text-like column of every table.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class PlantedSecretsTest {

    /** Provider keys the shared profile configures (see SwitchboardTestProfile). */
    static final String ROUTE_KEY = "sim-key-1";
    static final String ANTHROPIC_KEY = "sk-ant-test-not-a-real-key";

    static CapturedLogs logs;
    /** route-echo's upstream: refuses every call with a 401 that quotes the presented key, as some hosts do. */
    static HttpServer echo;
    static final List<String> echoed = new CopyOnWriteArrayList<>();

    @Inject
    SimulatorLauncher simulator;

    @Inject
    ApiKeyService keys;

    @Inject
    DataSource dataSource;

    @Inject
    EndpointHealth health;

    @BeforeAll
    static void attach() {
        logs = CapturedLogs.attach();
        // the test's own HTTP client logs the requests it sends (keys included) at debug: that is not the app's log
        java.util.logging.Logger.getLogger("org.apache.http").setLevel(java.util.logging.Level.INFO);
        try {
            echo = HttpServer.create(new InetSocketAddress("127.0.0.1", SwitchboardTestProfile.ECHO_PORT), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        echo.createContext("/", exchange -> {
            String presented = String.valueOf(exchange.getRequestHeaders().getFirst("authorization"))
                    .replaceFirst("^Bearer ", "");
            echoed.add(presented);
            byte[] body = ("{\"error\":{\"message\":\"Incorrect API key provided: " + presented + ". You can find "
                    + "your API key in your dashboard.\",\"type\":\"invalid_request_error\",\"param\":null,"
                    + "\"code\":\"invalid_api_key\"}}").getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        echo.start();
    }

    @AfterAll
    static void detach() {
        logs.detach();
        echo.stop(0);
    }

    /** The secrets route-bedrock, route-vertex and route-echo are configured with (see SwitchboardTestProfile). */
    static List<String> cloudSecrets() {
        List<String> secrets = new ArrayList<>(List.of(SwitchboardTestProfile.BEDROCK_SECRET,
                SwitchboardTestProfile.BEDROCK_SESSION_TOKEN, SwitchboardTestProfile.ECHO_KEY));
        // the private key is PEM lines of base64: a line of it anywhere is a leak, whatever escaping is around it
        String pem = FixtureFiles.tree(SwitchboardTestProfile.VERTEX_KEY_JSON).path("private_key").asText();
        List<String> lines = pem.lines().filter(l -> !l.startsWith("-----") && l.length() >= 40).toList();
        assertThat(lines).as("the service account's private key lines").hasSizeGreaterThan(10);
        secrets.add(lines.getFirst());
        secrets.add(lines.get(lines.size() / 2));
        secrets.add(lines.get(lines.size() - 2));
        return secrets;
    }

    @Test
    void noPlantedSecretSurfacesAnywhere() throws Exception {
        String gatewayKey = keys.create("planted-secrets").key();
        Map<String, String> planted = new LinkedHashMap<>();
        List<String> secrets = new ArrayList<>(List.of(SwitchboardTestProfile.MASTER_KEY, gatewayKey, ROUTE_KEY,
                ANTHROPIC_KEY));
        secrets.addAll(cloudSecrets());
        for (String secret : secrets) {
            planted.put(secret, secret);
            planted.put(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)), secret);
            planted.put(URLEncoder.encode(secret, StandardCharsets.UTF_8), secret);
        }
        Map<String, String> scanned = new LinkedHashMap<>(); // place -> text

        // calls that succeed, stream, and fail (bad key, bad request, unknown model), in both protocols
        List<String> generations = new ArrayList<>();
        for (String model : List.of(TestCatalog.SOLO, TestCatalog.TRIO, TestCatalog.SPARE)) {
            for (boolean stream : List.of(false, true)) {
                Response r = given().header("Authorization", "Bearer " + gatewayKey).contentType("application/json")
                        .body("{\"model\":\"" + model + "\",\"stream\":" + stream
                                + ",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .post("/v1/chat/completions");
                scanned.put("chat " + model + " stream=" + stream, r.asString() + r.headers());
                Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(r.asString());
                if (id.find()) {
                    generations.add(id.group(1));
                }
            }
            Response m = given().header("x-api-key", gatewayKey).header("anthropic-version", "2023-06-01")
                    .contentType("application/json")
                    .body("{\"model\":\"" + model + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/messages");
            scanned.put("messages " + model, m.asString() + m.headers());
        }
        // one fail-over over every credential kind: route-echo's 401 quotes its key, route-bedrock (SigV4 with a
        // session token) answers 500, route-vertex (a token from the service-account key) serves
        try (SimProfileOverrides profiles = new SimProfileOverrides(simulator.server().runtime().profiles())) {
            profiles.put("secrets-br", SimProfile.builder().ttftMs(2).tokensPerSecond(4000).outputTokens(8)
                    .serverErrorRate(1).build());
            profiles.put("secrets-vx", SimProfile.builder().ttftMs(2).tokensPerSecond(4000).outputTokens(8).build());
            String order = ",\"provider\":{\"order\":[\"" + TestCatalog.ROUTE_ECHO + "\",\""
                    + TestCatalog.ROUTE_BEDROCK + "\",\"" + TestCatalog.ROUTE_VERTEX + "\"],\"allow_fallbacks\":true}";
            long bedrockFailures = simulator.server().runtime().counters().get("secrets-br").errors().serverError();
            for (boolean stream : List.of(false, true)) {
                health.reset(); // each call meets all three afresh, no circuit open or cooling down
                Response r = given().header("Authorization", "Bearer " + gatewayKey).contentType("application/json")
                        .body("{\"model\":\"" + TestCatalog.SECRETS + "\",\"stream\":" + stream + order
                                + ",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .post("/v1/chat/completions");
                assertThat(r.statusCode()).as("fail-over to route-vertex: " + r.asString()).isEqualTo(200);
                assertThat(r.header("x-switchboard-provider")).isEqualTo(TestCatalog.ROUTE_VERTEX);
                scanned.put("failover stream=" + stream, r.asString() + r.headers());
                generations.add(r.header("x-switchboard-generation-id"));
            }
            health.reset();
            Response m = given().header("x-api-key", gatewayKey).header("anthropic-version", "2023-06-01")
                    .contentType("application/json").body("{\"model\":\"" + TestCatalog.SECRETS + "\"" + order
                            + ",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/messages");
            assertThat(m.statusCode()).as(m.asString()).isEqualTo(200);
            scanned.put("failover messages", m.asString() + m.headers());
            assertThat(simulator.server().runtime().counters().get("secrets-br").errors().serverError()
                    - bedrockFailures).as("signed Bedrock calls the simulator authenticated, then failed").isEqualTo(3);
            // alone, route-echo's refusal is the caller's answer
            for (boolean stream : List.of(false, true)) {
                health.reset();
                Response r = given().header("Authorization", "Bearer " + gatewayKey).contentType("application/json")
                        .body("{\"model\":\"" + TestCatalog.SECRETS_ECHO + "\",\"stream\":" + stream
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .post("/v1/chat/completions");
                scanned.put("echo stream=" + stream, r.asString() + r.headers());
                assertThat(r.asString()).as("the refusal reaches the caller").contains("route-echo");
            }
            health.reset();
            Response e = given().header("x-api-key", gatewayKey).header("anthropic-version", "2023-06-01")
                    .contentType("application/json").body("{\"model\":\"" + TestCatalog.SECRETS_ECHO
                            + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/messages");
            assertThat(e.statusCode()).isGreaterThanOrEqualTo(400);
            scanned.put("echo messages", e.asString() + e.headers());
        } finally {
            health.reset();
        }
        assertThat(echoed).as("route-echo was sent its key and quoted it back").isNotEmpty()
                .allMatch(SwitchboardTestProfile.ECHO_KEY::equals);

        String[][] failing = {
            {"Bearer " + SwitchboardTestProfile.MASTER_KEY + "x", "{\"model\":\"" + TestCatalog.SOLO + "\",\"messages\":[]}"},
            {"Bearer " + gatewayKey + "-wrong", "{}"},
            {"Bearer " + ROUTE_KEY, "{\"model\":\"" + TestCatalog.SOLO + "\"}"},
            {"Bearer " + gatewayKey, "{\"model\":\"nope/unknown\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
            {"Bearer " + gatewayKey, "{\"model\":\"" + TestCatalog.SOLO + "\",\"messages\":\"" + ROUTE_KEY + "\"}"},
            {"Bearer " + gatewayKey, "not json " + gatewayKey},
        };
        for (int i = 0; i < failing.length; i++) {
            Response r = given().header("Authorization", failing[i][0]).contentType("application/json")
                    .body(failing[i][1]).post("/v1/chat/completions");
            assertThat(r.statusCode()).as("failing call " + i).isGreaterThanOrEqualTo(400);
            scanned.put("error " + i, r.asString() + r.headers());
        }

        // pages, JSON answers, metrics
        Response login = given().redirects().follow(false).formParam("master_key", SwitchboardTestProfile.MASTER_KEY)
                .post("/admin/keys/login");
        scanned.put("login", login.asString() + login.headers());
        String session = login.getCookie(AdminKeysPage.COOKIE);
        assertThat(session).isNotBlank();
        scanned.put("/admin/keys", given().cookie(AdminKeysPage.COOKIE, session).get("/admin/keys").asString());
        for (String path : List.of("/", "/models", "/models/" + TestCatalog.SOLO, "/models/" + TestCatalog.TRIO,
                "/providers/" + TestCatalog.ROUTE_OPENAI, "/providers/" + TestCatalog.ROUTE_ANTHROPIC,
                "/providers/" + TestCatalog.ROUTE_BACKUP, "/providers/" + TestCatalog.ROUTE_BEDROCK,
                "/providers/" + TestCatalog.ROUTE_VERTEX, "/providers/" + TestCatalog.ROUTE_ECHO,
                "/models/" + TestCatalog.SECRETS, "/api/v1/models/" + TestCatalog.SECRETS + "/endpoints",
                "/providers/anthropic", "/api/v1/models",
                "/api/v1/models/" + TestCatalog.SOLO + "/endpoints", "/q/metrics", "/q/health")) {
            Response r = given().get(path);
            scanned.put(path + " " + r.statusCode(), r.asString());
        }
        assertThat(generations).as("generation ids from the successful calls").isNotEmpty();
        for (String id : generations) {
            Response r = given().header("Authorization", "Bearer " + gatewayKey).queryParam("id", id)
                    .get("/api/v1/generation");
            scanned.put("/api/v1/generation " + id, r.asString());
        }

        // every text-like column of every table
        scanned.put("database", database());
        scanned.put("log", String.join("\n", logs.lines()));

        // self-check: the scanner finds a value written to a scanned place
        String canary = "canary-" + gatewayKey.substring(3, 12);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("create temporary table planted_canary (v text)");
            s.execute("insert into planted_canary values ('" + canary + "')");
            assertThat(database(c)).contains(canary);
        }
        assertThat(findings(Map.of("x", "a " + Base64.getEncoder().encodeToString(gatewayKey.getBytes()) + " b"), planted))
                .as("the scanner finds a base64 form").hasSize(1);

        assertThat(findings(scanned, planted)).as("planted secrets found").isEmpty();
        assertThat(scanned.get("database")).as("the database was read").contains("planted-secrets");
        assertThat(scanned.get("log")).as("the log was captured").isNotEmpty();
    }

    private static List<String> findings(Map<String, String> scanned, Map<String, String> planted) {
        List<String> found = new ArrayList<>();
        scanned.forEach((place, text) -> planted.forEach((form, secret) -> {
            if (text != null && text.contains(form)) {
                int at = text.indexOf(form);
                found.add(place + ": form of " + secret.substring(0, 6) + "... near \""
                        + text.substring(Math.max(0, at - 80), Math.min(text.length(), at)) + "\"");
            }
        }));
        return found;
    }

    private String database() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            return database(c);
        }
    }

    private static String database(Connection c) throws Exception {
        List<String[]> columns = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select table_schema, table_name, column_name from information_schema.columns where table_schema "
                        + "not in ('pg_catalog', 'information_schema') and data_type in ('text', 'character varying', "
                        + "'character', 'json', 'jsonb', 'bytea', 'ARRAY', 'USER-DEFINED')")) {
            while (rs.next()) {
                columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        StringBuilder all = new StringBuilder();
        for (String[] col : columns) {
            String sql = "select \"" + col[2] + "\"::text from \"" + col[0] + "\".\"" + col[1] + "\"";
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    all.append(rs.getString(1)).append('\n');
                }
            }
        }
        return all.toString();
    }
}
