package dev.switchboard.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.switchboard.it.DatabaseOutageIT.awaitTrue;
import static dev.switchboard.it.DatabaseOutageIT.postgres;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code database} readiness check through an outage, on the packaged app with a generation buffer of
 * {@value #BUFFER} rows: ready and "buffering" while the buffer holds the calls' generations, still ready
 * but "dropping" once it is full and the next one is lost (the drop counted), ready and "up" again when the database is back. The proxy
 * answers every call throughout.
 */
class DatabaseReadinessIT {

    private static final int BUFFER = 5;
    private static final String BODY = "{\"model\":\"anthropic/claude-sonnet-4\",\"max_tokens\":8,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void readinessStaysUpThroughAnOutageAndSaysWhenTheBuffersDrop(@TempDir Path dir) throws Exception {
        int dbPort = AppProcess.freePort();
        EmbeddedPostgres pg = postgres(dir.resolve("pg"), dbPort);
        try (AppProcess app = AppProcess.start(dir.resolve("app.log"), pg.getJdbcUrl("postgres", "postgres"),
                Map.of("switchboard.generations.buffer-size", Integer.toString(BUFFER),
                        "switchboard.buffers.recheck-interval", "1s",
                        "switchboard.probe.enabled", "false")).awaitReady()) {
            assertThat(database(app)).isEqualTo("200 up");
            assertThat(call(app)).isEqualTo(200);
            awaitTrue(Duration.ofSeconds(10), () -> app.metric("switchboard_buffer_written_total", "generations") == 1,
                    "the call before the outage written");

            pg.close();
            assertThat(call(app)).isEqualTo(200);
            awaitTrue(Duration.ofSeconds(20), () -> database(app).equals("200 buffering"),
                    "ready and buffering once a flush failed: " + database(app));
            for (int i = 1; i < BUFFER; i++) {
                assertThat(call(app)).isEqualTo(200);
            }
            // BUFFER generations are held and the next is dropped: the state says so, the replica stays in rotation
            awaitTrue(Duration.ofSeconds(10), () -> database(app).equals("200 dropping"),
                    "still ready but dropping once the buffer is full: " + database(app));
            JsonNode check = check(app.get("/q/health/ready").body(), "database");
            assertThat(check.path("data").path("generationsQueued").asInt()).isEqualTo(BUFFER);
            assertThat(check.path("data").path("generationsCapacity").asInt()).isEqualTo(BUFFER);
            assertThat(call(app)).as("the proxy still answers; this generation is dropped").isEqualTo(200);
            assertThat(app.metric("switchboard_buffer_dropped_total", "generations")).isEqualTo(1);
            assertThat(app.get("/q/health/live").statusCode()).as("alive all along").isEqualTo(200);

            pg = postgres(dir.resolve("pg"), dbPort);
            // "up" says the database takes writes again; a flush that began before the outage ended may have
            // written only what was queued when it began, and the next one (a second later) writes the rest
            awaitTrue(Duration.ofSeconds(30), () -> database(app).equals("200 up")
                            && app.metric("switchboard_buffer_queued", "generations") == 0,
                    "ready again and the buffer written: " + database(app) + ", "
                            + app.metric("switchboard_buffer_queued", "generations") + " queued");
            assertThat(app.metric("switchboard_buffer_written_total", "generations")).isEqualTo(1 + BUFFER);
            assertThat(app.logText()).doesNotContain("\tat ");
        } finally {
            pg.close();
        }
    }

    private int call(AppProcess app) throws Exception {
        return http.send(HttpRequest.newBuilder(app.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                        .header("content-type", "application/json")
                        .header("authorization", "Bearer " + AppProcess.MASTER_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The readiness status code and the database check's state, as "200 buffering". */
    private static String database(AppProcess app) throws Exception {
        HttpResponse<String> r = app.get("/q/health/ready");
        return r.statusCode() + " " + check(r.body(), "database").path("data").path("state").asText();
    }

    private static JsonNode check(String body, String name) throws Exception {
        for (JsonNode c : JSON.readTree(body).path("checks")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no " + name + " check in " + body);
    }
}
