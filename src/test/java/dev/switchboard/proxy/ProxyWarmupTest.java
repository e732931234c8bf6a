package dev.switchboard.proxy;

import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.stats.SampleRecorder;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.GenerationLog;
import dev.switchboard.usage.GenerationRecord;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URL;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.proxy.ProxyTestSupport.openAi;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up as production runs it (on, here capped at 3 s): real calls through the app's own port before
 * readiness goes up, and afterwards no trace of them in the generations, the samples, the circuits or /q/metrics,
 * while the proxy records real calls as before.
 */
@QuarkusTest
@TestProfile(ProxyWarmupTest.WarmupOn.class)
class ProxyWarmupTest {

    public static class WarmupOn extends SwitchboardTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("switchboard.warmup.enabled", "true");
            config.put("switchboard.warmup.max-seconds", "3");
            return config;
        }
    }

    @TestHTTPResource("/")
    URL url;

    @Inject
    ProxyWarmup warmup;

    @Inject
    SampleRecorder samples;

    @Inject
    GenerationLog generations;

    @Inject
    EndpointHealth health;

    @Inject
    DataSource dataSource;

    @Test
    void warmsUpBeforeReadinessAndLeavesNoTrace() throws Exception {
        warmup.finished().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(warmup.failure()).isNull();
        assertThat(warmup.state()).isEqualTo(ProxyWarmup.State.DONE);
        // every kind of call went through at least once (a failing call ends the warm-up with a failure)
        assertThat(warmup.requests()).isGreaterThanOrEqualTo(10);

        JsonPath ready = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        Map<String, Object> proxy = ready.<Map<String, Object>>getList("checks").stream()
                .filter(c -> "proxy".equals(c.get("name"))).findFirst().orElseThrow();
        assertThat(proxy).containsEntry("status", "UP");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) proxy.get("data");
        assertThat(data).containsEntry("warmup", "done");
        assertThat(((Number) data.get("warmupRequests")).longValue()).isEqualTo(warmup.requests());

        // nothing was queued for the database: no sample, no generation
        samples.flush();
        generations.flush();
        SampleRecorder.Counters sampleCounters = samples.counters();
        assertThat(sampleCounters.queued() + sampleCounters.written() + sampleCounters.dropped()
                + sampleCounters.rejected()).isZero();
        GenerationLog.Counters generationCounters = generations.counters();
        assertThat(generationCounters.queued() + generationCounters.written() + generationCounters.dropped()
                + generationCounters.rejected()).isZero();
        assertThat(count("select count(*) from generations where requested_model like 'warmup/%' "
                + "or provider_slug like 'warmup-%'")).isZero();
        assertThat(count("select count(*) from samples where endpoint_id < 0")).isZero();
        // the warm-up's endpoints had circuits of their own
        assertThat(health.state(-1)).isEqualTo(EndpointHealth.State.HEALTHY);
        assertThat(health.state(-2)).isEqualTo(EndpointHealth.State.HEALTHY);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).doesNotContain("warmup");
        assertThat(metrics.lines().filter(l -> l.startsWith("switchboard_requests_total"))).isEmpty();

        // a real call after the warm-up is served and recorded as ever
        String base = url.toString().replaceAll("/$", "");
        HttpResponse<String> real = openAi(base, "{\"model\":\"" + TestCatalog.SOLO + "\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(real.statusCode()).as(real.body()).isEqualTo(200);
        GenerationRecord record = ProxyTestSupport.generation(generations,
                real.headers().firstValue("x-switchboard-generation-id").orElseThrow());
        assertThat(record.servedModel()).isEqualTo(TestCatalog.SOLO);
        assertThat(given().get("/q/metrics").then().extract().asString().lines()
                .filter(l -> l.startsWith("switchboard_requests_total")).toList()).hasSize(1);
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
