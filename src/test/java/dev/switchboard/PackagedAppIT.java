package dev.switchboard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged app as a newcomer runs it ({@code java -jar target/quarkus-app/quarkus-run.jar}): no datasource
 * configured, so it starts its embedded PostgreSQL, serves the shipped catalog, and keeps its data across a restart.
 * And an operator's bad catalog file stops it with a message naming the file, the entry and the problem.
 */
class PackagedAppIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void runsOnTheEmbeddedDatabaseAndKeepsItsDataAcrossARestart(@TempDir Path dir) throws Exception {
        int dbPort = freePort();
        int httpPort = freePort();
        Path log1 = dir.resolve("first.log");
        Process first = start(dir, dbPort, httpPort, null, log1);
        try {
            awaitReady(first, httpPort, log1);
            String page = get(httpPort, "/models");
            Matcher count = Pattern.compile("<strong>(\\d+)</strong> models").matcher(page);
            assertThat(count.find()).as("result count on /models").isTrue();
            assertThat(Integer.parseInt(count.group(1))).isGreaterThanOrEqualTo(40);
            assertThat(page).contains("anthropic/claude-sonnet-4");
            assertThat(Files.readString(log1)).contains("embedded PostgreSQL").contains("Successfully applied");
            // No keys anywhere: demo mode, every provider simulated by the built-in upstream.
            assertThat(Files.readString(log1)).contains("Demo mode");
            assertThat(page).contains("Demo mode.");
            assertThat(get(httpPort, "/api/v1/models/anthropic/claude-sonnet-4/endpoints"))
                    .contains("\"status\":\"simulated\"").doesNotContain("not configured");

            // The proxy answers at once, open in demo mode (no key), through the simulated providers.
            HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort
                    + "/v1/chat/completions")).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"anthropic/claude-sonnet-4\","
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            assertThat(chat.body()).contains("\"provider\":").contains("\"cost\":");
            assertThat(Files.readString(log1)).contains("proxy is open");

            // A second instance on the same data directory stops at once with one line saying what to change.
            Path clashLog = dir.resolve("clash.log");
            Process clash = start(dir, freePort(), freePort(), null, clashLog);
            assertThat(clash.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("stops by itself").isTrue();
            assertThat(clash.exitValue()).isEqualTo(1);
            assertThat(Files.readString(clashLog)).contains("Switchboard cannot start")
                    .contains(dir.resolve("pg").toString()).contains("switchboard.embedded-db.dir")
                    .doesNotContain("\tat ").doesNotContain("Exception");

            // Keys are created from the command line, on the same (running) embedded database.
            Path keysLog = dir.resolve("keys.log");
            Process keys = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dswitchboard.embedded-db.dir=" + dir.resolve("pg"), "-Dswitchboard.embedded-db.port=" + dbPort,
                    "-jar", System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar"), "keys", "create", "ci")
                    .redirectErrorStream(true).redirectOutput(keysLog.toFile()).start();
            assertThat(keys.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(keys.exitValue()).as(Files.readString(keysLog)).isZero();
            assertThat(Files.readString(keysLog)).containsPattern("\\n  sb-[A-Za-z0-9_-]{43}\\n")
                    .contains("not shown again");
        } finally {
            stop(first);
        }
        assertThat(Files.exists(dir.resolve("pg").resolve("PG_VERSION"))).isTrue();

        Path log2 = dir.resolve("second.log");
        Process second = start(dir, dbPort, httpPort, null, log2);
        try {
            awaitReady(second, httpPort, log2);
            // Same data directory: the schema is already there, nothing is initialised or migrated again.
            assertThat(Files.readString(log2)).contains("No migration necessary");
            assertThat(get(httpPort, "/models/anthropic/claude-sonnet-4")).contains("anthropic/claude-sonnet-4:amazon-bedrock");
        } finally {
            stop(second);
        }
    }

    @Test
    void aBadOperatorCatalogStopsStartUpNamingFileEntryAndProblem(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("operator-models.yaml");
        Files.writeString(bad, """
                models:
                  - slug: anthropic/claude-sonnet-4
                    endpoints:
                      - provider: amazon-bedrock
                        pricing: {input: -3}
                """);
        Path log = dir.resolve("bad.log");
        Process app = start(dir, freePort(), freePort(), bad, log);
        try {
            assertThat(app.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the app stops by itself").isTrue();
            assertThat(app.exitValue()).isNotZero();
            assertThat(Files.readString(log)).contains(bad.toString())
                    .contains("model 'anthropic/claude-sonnet-4', endpoint 'amazon-bedrock'")
                    .contains("'pricing.input' must not be negative")
                    .doesNotContain("\tat ").doesNotContain("Failed to start application");
        } finally {
            stop(app);
        }
    }

    private Process start(Path dir, int dbPort, int httpPort, Path operatorCatalog, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + httpPort,
                "-Dswitchboard.embedded-db.dir=" + dir.resolve("pg"),
                "-Dswitchboard.embedded-db.port=" + dbPort));
        if (operatorCatalog != null) {
            command.add("-Dswitchboard.catalog.files=" + operatorCatalog);
        }
        command.addAll(List.of("-jar", System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("QUARKUS_DATASOURCE_JDBC_URL");
        return builder.start();
    }

    private void awaitReady(Process app, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new AssertionError("the app exited with " + app.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            // Polling a process we do not control; the wait ends as soon as it answers.
            app.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("the app was not ready within " + START_TIMEOUT + ":\n" + Files.readString(log));
    }

    private String get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    private static void stop(Process app) throws InterruptedException {
        if (app.isAlive()) {
            app.destroy(); // SIGTERM: Quarkus shuts down and the embedded PostgreSQL with it
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly().waitFor();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
