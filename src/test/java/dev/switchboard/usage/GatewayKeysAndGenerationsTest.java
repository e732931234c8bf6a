package dev.switchboard.usage;

import dev.switchboard.llm.Usage;
import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Gateway keys, the generation log and {@code GET /api/v1/generation} over the real database and HTTP. */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class GatewayKeysAndGenerationsTest {

    @Inject
    ApiKeyService service;

    @Inject
    GatewayKeys keys;

    @Inject
    GenerationLog log;

    @Inject
    DataSource dataSource;

    @Test
    void aCreatedKeyWorksAtOnceAndIsRefusedAtOnceWhenRevoked() {
        CreatedKey created = service.create("team-search");
        assertThat(created.key()).matches("sb-[A-Za-z0-9_-]{43}");
        assertThat(created.view().prefix()).isEqualTo(created.key().substring(0, 9));
        assertThat(created.toString()).doesNotContain(created.key());

        AuthResult allowed = keys.authenticate(created.key());
        assertThat(allowed).isEqualTo(new AuthResult.Allowed(new GatewayKey(created.view().id(), "team-search", false)));
        assertThat(service.list()).anySatisfy(k -> assertThat(k.id()).isEqualTo(created.view().id()));

        assertThat(service.revoke(created.view().id())).isTrue();
        assertThat(keys.authenticate(created.key())).isInstanceOf(AuthResult.Denied.class);
        keys.refresh(); // a background refresh does not bring it back
        assertThat(keys.authenticate(created.key())).isInstanceOf(AuthResult.Denied.class);
        assertThat(service.revoke(created.view().id())).isFalse();
        assertThat(service.list()).filteredOn(k -> k.id().equals(created.view().id()))
                .singleElement().satisfies(k -> assertThat(k.revoked()).isTrue());
    }

    @Test
    void aKeyCreatedElsewhereArrivesWithTheBackgroundRefresh() throws Exception {
        String key = KeyMaterial.newKey();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("insert into api_keys (id, name, key_hash, prefix, created_at) values ('key_other_replica', "
                    + "'other', '" + KeyMaterial.hash(key) + "', '" + KeyMaterial.prefix(key) + "', now())");
        }
        assertThat(keys.authenticate(key)).isInstanceOf(AuthResult.Denied.class);
        keys.refresh();
        assertThat(keys.authenticate(key)).isEqualTo(new AuthResult.Allowed(
                new GatewayKey("key_other_replica", "other", false)));
    }

    @Test
    void theMasterKeyAlwaysWorksAndDenialsSayWhatToSendWithoutEchoingIt() {
        assertThat(keys.open()).isFalse();
        assertThat(keys.authenticate(SwitchboardTestProfile.MASTER_KEY))
                .isEqualTo(new AuthResult.Allowed(GatewayKey.MASTER));
        assertThat(keys.authenticate(" " + SwitchboardTestProfile.MASTER_KEY + " "))
                .isEqualTo(new AuthResult.Allowed(GatewayKey.MASTER));
        assertThat(keys.authenticate(SwitchboardTestProfile.MASTER_KEY + "x")).isInstanceOf(AuthResult.Denied.class);

        AuthResult.Denied missing = (AuthResult.Denied) keys.authenticate(null);
        assertThat(missing.message()).contains("Missing").contains("Authorization: Bearer").contains("x-api-key");
        String wrong = "sb-not-a-key-" + UUID.randomUUID();
        AuthResult.Denied invalid = (AuthResult.Denied) keys.authenticate(wrong);
        assertThat(invalid.message()).contains("Invalid or revoked").contains("x-api-key").doesNotContain(wrong);
    }

    @Test
    void generationsAreFoundBeforeAndAfterTheyAreWrittenAndReadBackWhole() throws Exception {
        GenerationRecord g = generation("key_reader", "ok");
        assertThat(log.record(g)).isTrue();
        assertThat(log.find(g.id())).contains(g); // before any flush
        log.flush();
        assertThat(log.find(g.id())).contains(g);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select cost_usd, attempts::text, input_tokens from generations where id = '"
                     + g.id() + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("0.000123456");
            assertThat(rs.getString(2)).contains("\"upstream_model\": \"claude-sonnet-4-20250514\"");
            assertThat(rs.getInt(3)).isEqualTo(1200);
        }
    }

    @Test
    void aBatchOfManyIsWrittenAndOldOnesAreReadFromTheDatabase() {
        String batch = UUID.randomUUID().toString().substring(0, 8);
        List<GenerationRecord> many = new java.util.ArrayList<>();
        for (int i = 0; i < 2600; i++) { // more than the recent cache holds
            GenerationRecord g = withId(generation("key_batch", i % 7 == 0 ? "error" : "ok"), "gen-" + batch + "-" + i);
            many.add(g);
            assertThat(log.record(g)).isTrue();
        }
        log.flush();
        assertThat(countWhere("id like 'gen-" + batch + "-%'")).isEqualTo(2600);
        // the first ones left the recent cache: this one comes back from the database, equal to what was recorded
        assertThat(log.find(many.getFirst().id())).contains(many.getFirst());
        assertThat(log.find(many.getLast().id())).contains(many.getLast());
    }

    @Test
    void whileTheDatabaseFailsGenerationsWaitAndAreWrittenLater() throws Exception {
        GenerationRecord g = generation("key_retry", "ok");
        // pg_stat_activity is read once per transaction: look from a connection of its own, outside the locker's
        try (Connection locker = dataSource.getConnection(); Statement lock = locker.createStatement();
             Connection watcher = dataSource.getConnection(); Statement s = watcher.createStatement()) {
            locker.setAutoCommit(false);
            lock.execute("lock table generations in exclusive mode");
            log.record(g);
            CompletableFuture<Integer> flushing = CompletableFuture.supplyAsync(log::flush);
            // The insert waits on the lock; end its connection as a failing database would.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            boolean killed = false;
            while (!killed && System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery("select pg_terminate_backend(pid) from pg_stat_activity "
                        + "where query like 'insert into generations%' and wait_event_type = 'Lock'")) {
                    killed = rs.next() && rs.getBoolean(1);
                }
                Thread.sleep(50);
            }
            assertThat(killed).as("an insert waited on the lock").isTrue();
            flushing.get(20, TimeUnit.SECONDS);
            assertThat(log.counters().queued()).isGreaterThanOrEqualTo(1);
            assertThat(log.find(g.id())).contains(g);
            locker.rollback();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (countWhere("id = '" + g.id() + "'") == 0 && System.nanoTime() < deadline) {
            log.flush();
            Thread.sleep(100);
        }
        assertThat(countWhere("id = '" + g.id() + "'")).isEqualTo(1);
    }

    @Test
    void retentionDeletesOnlyOldGenerations() {
        GenerationRecord old = withCreatedAt(generation("key_old", "ok"), Instant.now().minus(Duration.ofDays(40)));
        GenerationRecord fresh = generation("key_old", "ok");
        log.record(old);
        log.record(fresh);
        log.flush();
        assertThat(log.deleteOlderThan(Instant.now().minus(Duration.ofDays(30)))).isGreaterThanOrEqualTo(1);
        assertThat(countWhere("id = '" + old.id() + "'")).isZero();
        assertThat(countWhere("id = '" + fresh.id() + "'")).isEqualTo(1);
    }

    @Test
    void theGenerationApiNeedsAKeyAndShowsAKeyOnlyItsOwn() {
        CreatedKey mine = service.create("api-mine");
        CreatedKey theirs = service.create("api-theirs");
        GenerationRecord g = generation(mine.view().id(), "ok");
        log.record(g);

        JsonPath unauthorised = given().get("/api/v1/generation?id=" + g.id()).then().statusCode(401).extract().jsonPath();
        assertThat(unauthorised.getString("error.type")).isEqualTo("authentication_error");
        assertThat(unauthorised.getString("error.message")).contains("Authorization: Bearer");

        JsonPath missing = given().header("Authorization", "Bearer " + mine.key()).get("/api/v1/generation")
                .then().statusCode(400).extract().jsonPath();
        assertThat(missing.getString("error.param")).isEqualTo("id");
        assertThat(missing.getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(missing.getMap("error")).containsKeys("message", "type", "code", "param");

        given().header("x-api-key", mine.key()).get("/api/v1/generation?id=gen-unknown").then().statusCode(404);
        given().header("x-api-key", theirs.key()).get("/api/v1/generation?id=" + g.id()).then().statusCode(404);

        JsonPath own = given().header("x-api-key", mine.key()).get("/api/v1/generation?id=" + g.id())
                .then().statusCode(200).extract().jsonPath();
        Map<String, Object> data = own.getMap("data");
        assertThat(data).containsKeys("id", "created_at", "requested_model", "model", "provider", "endpoint_id",
                "protocol", "streamed", "status", "http_status", "finish_reason", "usage", "cost", "ttft_ms",
                "latency_ms", "attempts");
        assertThat(own.getString("data.id")).isEqualTo(g.id());
        assertThat(own.getString("data.model")).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(own.getString("data.provider")).isEqualTo("amazon-bedrock");
        assertThat(own.getInt("data.usage.total_tokens")).isEqualTo(1500);
        assertThat(own.getInt("data.usage.cache_read_tokens")).isEqualTo(200);
        assertThat(new BigDecimal(own.getString("data.cost"))).isEqualByComparingTo("0.000123456");
        assertThat(own.getList("data.attempts")).hasSize(2);
        assertThat(own.getString("data.attempts[0].outcome")).isEqualTo("server_error");
        assertThat(own.getInt("data.attempts[0].http_status")).isEqualTo(503);
        assertThat(own.getInt("data.attempts[1].started_after_ms")).isEqualTo(420);
        assertThat(own.getMap("data.attempts[1]")).containsKeys("provider", "model", "upstream_model", "outcome",
                "http_status", "error_kind", "message", "started_after_ms", "ttft_ms", "latency_ms");

        given().header("Authorization", "Bearer " + SwitchboardTestProfile.MASTER_KEY)
                .get("/api/v1/generation?id=" + g.id()).then().statusCode(200);
        service.revoke(mine.view().id());
        given().header("x-api-key", mine.key()).get("/api/v1/generation?id=" + g.id()).then().statusCode(401);
    }

    private long countWhere(String where) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from generations where " + where)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theBuffersShowOnTheMetricsEndpoint() {
        long before = log.counters().written();
        assertThat(log.record(generation(null, "ok"))).isTrue();
        log.flush();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String buffer : List.of("samples", "generations")) {
            for (String name : List.of("switchboard_buffer_queued", "switchboard_buffer_capacity",
                    "switchboard_buffer_written_total", "switchboard_buffer_dropped_total",
                    "switchboard_buffer_rejected_total", "switchboard_buffer_flush_failures_total")) {
                assertThat(metrics).as(name + " of " + buffer).containsPattern(
                        "(?m)^" + name + "\\{buffer=\"" + buffer + "\"[^}]*} [0-9.E+-]+$");
            }
        }
        assertThat(metrics).containsPattern("(?m)^switchboard_buffer_capacity\\{buffer=\"generations\"[^}]*} 10000\\.0$");
        java.util.regex.Matcher written = java.util.regex.Pattern.compile(
                "(?m)^switchboard_buffer_written_total\\{buffer=\"generations\"[^}]*} ([0-9.E+-]+)$").matcher(metrics);
        assertThat(written.find()).isTrue();
        assertThat(Double.parseDouble(written.group(1))).isGreaterThanOrEqualTo(before + 1);
    }

    static GenerationRecord generation(String keyId, String status) {
        return new GenerationRecord("gen-" + UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MICROS), keyId,
                "anthropic/claude-sonnet-4", "anthropic/claude-sonnet-4", "amazon-bedrock", 12L, "openai", true,
                status, 200, "stop", new Usage(1200, 300, 200, 0, 40), new BigDecimal("0.000123456"), 480, 2100,
                List.of(new AttemptRecord("anthropic", 11, "anthropic/claude-sonnet-4", "claude-sonnet-4-20250514",
                                "server_error", 503, "server_error", "overloaded", 0, null, 400),
                        new AttemptRecord("amazon-bedrock", 12, "anthropic/claude-sonnet-4",
                                "anthropic.claude-sonnet-4-20250514-v1:0", "ok", 200, null, null, 420, 480, 1680)));
    }

    static GenerationRecord withId(GenerationRecord g, String id) {
        return new GenerationRecord(id, g.createdAt(), g.keyId(), g.requestedModel(), g.servedModel(),
                g.providerSlug(), g.endpointId(), g.protocol(), g.streamed(), g.status(), g.httpStatus(),
                g.finishReason(), g.usage(), g.costUsd(), g.ttftMs(), g.latencyMs(), g.attempts());
    }

    static GenerationRecord withCreatedAt(GenerationRecord g, Instant at) {
        return new GenerationRecord(g.id(), at.truncatedTo(ChronoUnit.MICROS), g.keyId(), g.requestedModel(),
                g.servedModel(), g.providerSlug(), g.endpointId(), g.protocol(), g.streamed(), g.status(),
                g.httpStatus(), g.finishReason(), g.usage(), g.costUsd(), g.ttftMs(), g.latencyMs(), g.attempts());
    }
}
