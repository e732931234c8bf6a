package dev.switchboard.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.it.DatabaseOutageIT.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM to the packaged app during two paced streams from the simulator: readiness goes down and new calls get a
 * 503 in their protocol at once; the stream that ends within {@code switchboard.shutdown.grace-period} (6 s here)
 * ends normally, the one that would run on gets the protocol's error event when the period is over; both
 * generations are in the database after the exit, and the exit code is 0. Prints the timings.
 */
class GracefulShutdownIT {

    private static final Duration GRACE = Duration.ofSeconds(6);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void inFlightStreamsFinishOrGetAnErrorEventAndTheBuffersAreFlushed(@TempDir Path dir) throws Exception {
        int simPort = AppProcess.freePort();
        Path profiles = dir.resolve("sim.yaml");
        // ten tokens a second: max_tokens sets how long a stream runs
        Files.writeString(profiles, "\"*\": {ttftMs: 100, ttftSpread: 0, tokensPerSecond: 10, outputTokens: 5000, "
                + "outputTokensSpread: 0}\n");
        Map<String, String> settings = new HashMap<>(Map.of(
                "switchboard.sim.enabled", "true",
                "switchboard.sim.port", Integer.toString(simPort),
                "switchboard.sim.profiles", profiles.toString(),
                "switchboard.provider.openai.base-url", "http://127.0.0.1:" + simPort + "/v1",
                "switchboard.provider.openai.api-key", "sim-key-1",
                "switchboard.shutdown.grace-period", GRACE.toSeconds() + "s",
                "switchboard.probe.enabled", "false",
                "switchboard.proxy.total-timeout", "5m"));
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(true).setPort(AppProcess.freePort()).start();
        try (AppProcess app = AppProcess.start(dir.resolve("app.log"), pg.getJdbcUrl("postgres", "postgres"),
                settings).awaitReady()) {
            CompletableFuture<HttpResponse<String>> shortStream = stream(app, 40);   // ~4 s
            CompletableFuture<HttpResponse<String>> longStream = stream(app, 3000);  // ~5 min
            awaitTrue(Duration.ofSeconds(30), () -> app.get("/q/health/ready").body()
                    .matches("(?s).*\"inFlight\"\\s*:\\s*2\\b.*"),
                    "both streams in flight");

            long signalled = System.nanoTime();
            app.process.destroy(); // SIGTERM
            awaitTrue(Duration.ofSeconds(5), () -> app.get("/q/health/ready").statusCode() == 503,
                    "readiness down");
            double readinessDownMs = (System.nanoTime() - signalled) / 1e6;
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(app.uri("/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .header("authorization", "Bearer " + AppProcess.MASTER_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(body(5))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("retry-after")).isPresent();
            assertThat(refused.body()).contains("\"error\"").contains("\"code\":\"shutting_down\"")
                    .contains("shutting down");

            HttpResponse<String> finished = shortStream.get(30, TimeUnit.SECONDS);
            double shortEndMs = (System.nanoTime() - signalled) / 1e6;
            HttpResponse<String> cut = longStream.get(30, TimeUnit.SECONDS);
            double longEndMs = (System.nanoTime() - signalled) / 1e6;
            assertThat(app.process.waitFor(30, TimeUnit.SECONDS)).as("the app exits").isTrue();
            double exitMs = (System.nanoTime() - signalled) / 1e6;
            int exit = app.process.exitValue();
            System.out.printf("GracefulShutdownIT: grace %ds; readiness down %.0f ms after SIGTERM; short stream "
                            + "ended normally at %.0f ms; long stream got its error event at %.0f ms; exit %d at %.0f ms%n",
                    GRACE.toSeconds(), readinessDownMs, shortEndMs, longEndMs, exit, exitMs);

            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(finished.body()).contains("\"finish_reason\":\"length\"").endsWith("data: [DONE]\n\n")
                    .doesNotContain("shutting_down");
            assertThat(cut.statusCode()).isEqualTo(200);
            assertThat(cut.body()).contains("\"code\":\"shutting_down\"").contains("grace period");
            assertThat(longEndMs).as("cut at the end of the grace period")
                    .isGreaterThanOrEqualTo(GRACE.toMillis() - 500.0).isLessThan(GRACE.toMillis() + 5_000.0);
            assertThat(exit).isZero();

            String log = app.logText();
            assertThat(log).contains("2 proxy calls in flight").contains("ending 1 call still running with an error event")
                    .doesNotContain("\tat ");
            // the background reads stop with the drain: none of them meets the pool the shutdown closed
            assertThat(log.lines().filter(l -> l.contains(" WARN ") && !l.contains("grace period")))
                    .as("warnings while stopping").isEmpty();
            try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
                 PreparedStatement ps = c.prepareStatement("select id, status from generations where id = ? or id = ?")) {
                ps.setString(1, generationId(finished));
                ps.setString(2, generationId(cut));
                Map<String, String> status = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        status.put(rs.getString(1), rs.getString(2));
                    }
                }
                assertThat(status).containsEntry(generationId(finished), "ok").containsEntry(generationId(cut), "error");
            }
        } finally {
            pg.close();
        }
    }

    private CompletableFuture<HttpResponse<String>> stream(AppProcess app, int maxTokens) {
        return http.sendAsync(HttpRequest.newBuilder(app.uri("/v1/chat/completions"))
                .header("content-type", "application/json").header("authorization", "Bearer " + AppProcess.MASTER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body(maxTokens))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String body(int maxTokens) {
        return "{\"model\":\"openai/gpt-4.1\",\"stream\":true,\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story\"}]}";
    }

    private static String generationId(HttpResponse<String> r) {
        return r.headers().firstValue("x-switchboard-generation-id").orElseThrow();
    }
}
