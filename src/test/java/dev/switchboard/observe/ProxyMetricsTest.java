package dev.switchboard.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.database.BatchBuffer;
import dev.switchboard.database.BufferMetrics;
import dev.switchboard.probe.ProbeJob;
import dev.switchboard.proxy.ProxyTestSupport;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SimProfileOverrides;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static dev.switchboard.proxy.ProxyTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The metrics on /q/metrics, scraped before and after real proxied calls through the in-app simulator: each series
 * exists with the labels README promises and moves by what the calls did. The proxy counts a request after its last
 * byte has gone, so each check polls the scrape until the request has been counted.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxyMetricsTest {

    private static final String MASTER = "master";

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    @Inject
    CatalogService catalog;

    @Inject
    MeterRegistry registry;

    @Inject
    ProbeJob prober;

    String base;
    SimProfileOverrides profiles;

    @BeforeEach
    void setUp() {
        base = root.toString().replaceAll("/$", "");
        health.reset();
        profiles = new SimProfileOverrides(ProxyTestSupport.sim(simulator).profiles());
        for (String model : new String[] {"solo-oa", "spare-an", "trio-oa", "trio-an", "trio-bk"}) {
            profiles.put(model, QUICK);
        }
    }

    @AfterEach
    void tearDown() {
        profiles.close();
        health.reset();
    }

    @Test
    void aSuccessCountsTheRequestItsTokensAndItsCost() {
        Map<String, String> endpoint = Map.of("model", TestCatalog.SOLO, "provider", "route-openai");
        Map<String, String> request = with(endpoint, "protocol", "openai", "stream", "false", "outcome", "success",
                "status", "200");
        Map<String, String> usage = with(endpoint, "key", MASTER);
        PrometheusText before = scrape();

        HttpResponse<String> response = ProxyTestSupport.openAi(base, ask(TestCatalog.SOLO, false));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode reported = json(response).path("usage");
        PrometheusText after = awaitScrape(s -> s.sum("switchboard_requests_total", request)
                > before.sum("switchboard_requests_total", request), "the request counted");

        assertThat(delta(before, after, "switchboard_requests_total", request)).isEqualTo(1);
        assertThat(delta(before, after, "switchboard_tokens_total", with(usage, "direction", "input")))
                .isEqualTo(reported.path("prompt_tokens").asDouble()).isPositive();
        assertThat(delta(before, after, "switchboard_tokens_total", with(usage, "direction", "output")))
                .isEqualTo(reported.path("completion_tokens").asDouble()).isPositive();
        assertThat(delta(before, after, "switchboard_cost_usd_total", usage))
                .isCloseTo(reported.path("cost").asDouble(), within(1e-12)).isPositive();
        assertThat(delta(before, after, "switchboard_request_duration_seconds_count", endpoint)).isEqualTo(1);
        assertThat(after.type("switchboard_request_duration_seconds")).isEqualTo("histogram");
        assertThat(delta(before, after, "switchboard_upstream_attempts_total", with(endpoint, "outcome", "ok")))
                .isEqualTo(1);
        Map<String, String> overhead = Map.of("protocol", "openai", "stream", "false", "path", "pass_through");
        assertThat(delta(before, after, "switchboard_gateway_overhead_seconds_count", overhead)).isEqualTo(1);
        // the gateway's own time is a small part of the call: less than the whole request took
        assertThat(delta(before, after, "switchboard_gateway_overhead_seconds_sum", overhead))
                .isLessThan(delta(before, after, "switchboard_request_duration_seconds_sum", endpoint));
        Map<String, String> model = Map.of("model", TestCatalog.SOLO);
        assertThat(delta(before, after, "switchboard_request_attempts_count", model)).isEqualTo(1);
        assertThat(delta(before, after, "switchboard_request_attempts_sum", model)).isEqualTo(1);
    }

    @Test
    void anEmbeddingsCallIsCountedUnderItsProtocol() {
        PrometheusText before = scrape();

        HttpResponse<String> response = ProxyTestSupport.post(base, "/v1/embeddings", "{\"model\":\""
                + TestCatalog.EMBED + "\",\"input\":[\"one\",\"two\"],\"encoding_format\":\"float\"}",
                Map.of("authorization", "Bearer " + ProxyTestSupport.KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String provider = response.headers().firstValue("x-switchboard-provider").orElseThrow();
        Map<String, String> endpoint = Map.of("model", TestCatalog.EMBED, "provider", provider);
        Map<String, String> request = with(endpoint, "protocol", "embeddings", "stream", "false", "outcome",
                "success", "status", "200");
        PrometheusText after = awaitScrape(s -> s.sum("switchboard_requests_total", request)
                > before.sum("switchboard_requests_total", request), "the embeddings call counted");

        assertThat(delta(before, after, "switchboard_requests_total", request)).isEqualTo(1);
        JsonNode reported = json(response).path("usage");
        assertThat(delta(before, after, "switchboard_tokens_total", with(with(endpoint, "key", MASTER), "direction",
                "input"))).isEqualTo(reported.path("prompt_tokens").asDouble()).isPositive();
        assertThat(delta(before, after, "switchboard_upstream_attempts_total", with(endpoint, "outcome", "ok")))
                .isEqualTo(1);
        assertThat(delta(before, after, "switchboard_request_duration_seconds_count", endpoint)).isEqualTo(1);
    }

    @Test
    void aFailoverIsCountedWithTheProviderThatFailed() {
        profiles.put("trio-oa", QUICK.toBuilder().serverErrorRate(1).build());
        Map<String, String> failed = Map.of("model", TestCatalog.TRIO, "provider", "route-openai");
        Map<String, String> failover = with(failed, "reason", "server_error");
        PrometheusText before = scrape();

        HttpResponse<String> response = ProxyTestSupport.openAi(base, ask(TestCatalog.TRIO, false));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String servedBy = json(response).path("provider").asText();
        assertThat(servedBy).isNotEqualTo("route-openai");
        Map<String, String> served = Map.of("model", TestCatalog.TRIO, "provider", servedBy, "outcome", "success");
        PrometheusText after = awaitScrape(s -> s.sum("switchboard_requests_total", served)
                > before.sum("switchboard_requests_total", served), "the request counted");

        assertThat(delta(before, after, "switchboard_failovers_total", failover)).isEqualTo(1);
        assertThat(delta(before, after, "switchboard_upstream_attempts_total", with(failed, "outcome",
                "server_error"))).isEqualTo(1);
        Map<String, String> model = Map.of("model", TestCatalog.TRIO);
        assertThat(delta(before, after, "switchboard_request_attempts_count", model)).isEqualTo(1);
        assertThat(delta(before, after, "switchboard_request_attempts_sum", model)).isEqualTo(2);
        // the distribution's buckets are cumulative: the request went into "2 attempts" and above, not "1"
        assertThat(delta(before, after, "switchboard_request_attempts_bucket", with(model, "le", "1.0")))
                .isZero();
        assertThat(delta(before, after, "switchboard_request_attempts_bucket", with(model, "le", "2.0")))
                .isEqualTo(1);
    }

    @Test
    void aStreamRecordsItsTimeToFirstTokenInBothProtocols() {
        Map<String, String> endpoint = Map.of("model", TestCatalog.SPARE, "provider", "route-anthropic");
        for (String protocol : new String[] {"anthropic", "openai"}) {
            Map<String, String> streamed = with(endpoint, "protocol", protocol, "stream", "true", "outcome",
                    "success", "status", "200");
            PrometheusText before = scrape();

            HttpResponse<String> response = protocol.equals("anthropic")
                    ? ProxyTestSupport.anthropic(base, ask(TestCatalog.SPARE, true))
                    : ProxyTestSupport.openAi(base, ask(TestCatalog.SPARE, true));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            PrometheusText after = awaitScrape(s -> s.sum("switchboard_requests_total", streamed)
                    > before.sum("switchboard_requests_total", streamed), protocol + " stream counted");

            assertThat(delta(before, after, "switchboard_upstream_ttft_seconds_count", endpoint)).as(protocol)
                    .isEqualTo(1);
            assertThat(delta(before, after, "switchboard_upstream_ttft_seconds_sum", endpoint)).as(protocol)
                    .isPositive();
            assertThat(after.value("switchboard_upstream_ttft_seconds_bucket", with(endpoint, "le", "+Inf")))
                    .isEqualTo(after.value("switchboard_upstream_ttft_seconds_count", endpoint));
            // Anthropic in, Anthropic upstream: passed through; OpenAI in: translated
            Map<String, String> overhead = Map.of("protocol", protocol, "stream", "true", "path",
                    protocol.equals("anthropic") ? "pass_through" : "translated");
            assertThat(delta(before, after, "switchboard_gateway_overhead_seconds_count", overhead)).as(protocol)
                    .isEqualTo(1);
        }
    }

    @Test
    void aHostileModelStringCreatesNoLabelValue() {
        String marker = UUID.randomUUID().toString();
        String hostile = "evil\"} 1\n" + marker + "{x=\"<script>";
        Map<String, String> unknown = Map.of("model", ProxyMetrics.UNKNOWN, "provider", ProxyMetrics.ABSENT,
                "protocol", "openai", "outcome", "client_error", "status", "404");
        Map<String, String> badKey = Map.of("model", ProxyMetrics.UNKNOWN, "protocol", "anthropic",
                "outcome", "auth_error", "status", "401");
        PrometheusText before = scrape();

        HttpResponse<String> response = ProxyTestSupport.openAi(base, "{\"model\":" + quoted(hostile)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        HttpResponse<String> refused = ProxyTestSupport.post(base, "/v1/messages", ask(TestCatalog.SOLO, false),
                Map.of("x-api-key", "sb-not-a-key-" + marker, "anthropic-version", "2023-06-01"));
        assertThat(refused.statusCode()).isEqualTo(401);
        PrometheusText after = awaitScrape(s -> s.sum("switchboard_requests_total", badKey)
                > before.sum("switchboard_requests_total", badKey), "the refused key counted");

        assertThat(delta(before, after, "switchboard_requests_total", unknown)).isEqualTo(1);
        assertThat(delta(before, after, "switchboard_requests_total", badKey)).isEqualTo(1);
        Set<String> allowed = new TreeSet<>(Set.of(ProxyMetrics.UNKNOWN));
        catalog.current().models().stream().map(CatalogModel::slug).forEach(allowed::add);
        assertThat(after.labelValues("switchboard_", "model")).isSubsetOf(allowed);
        assertThat(after.all()).noneMatch(s -> s.labels().values().stream().anyMatch(v -> v.contains(marker)));
    }

    @Test
    void bufferDropsAreCountedOnTheScrape() {
        // a buffer of one row registered as the app's buffers are: what BufferMetrics shows is what the buffer did
        String name = "metrics-test-" + UUID.randomUUID().toString().substring(0, 8);
        BatchBuffer<String> buffer = new BatchBuffer<>(1, 1);
        BufferMetrics.register(registry, name, new BufferMetrics.Readings(buffer::queued, 1, buffer::written,
                buffer::dropped, buffer::rejected, () -> 0));
        assertThat(buffer.offer("kept")).isTrue();
        assertThat(buffer.offer("dropped")).isFalse();
        assertThat(buffer.offer("dropped too")).isFalse();

        PrometheusText scrape = scrape();
        Map<String, String> labels = Map.of("buffer", name);
        assertThat(scrape.value("switchboard_buffer_dropped_total", labels)).isEqualTo(2);
        assertThat(scrape.value("switchboard_buffer_queued", labels)).isEqualTo(1);
        assertThat(scrape.value("switchboard_buffer_capacity", labels)).isEqualTo(1);
        for (String appBuffer : new String[] {"samples", "generations"}) {
            assertThat(scrape.series("switchboard_buffer_dropped_total", Map.of("buffer", appBuffer))).hasSize(1);
        }
    }

    @Test
    void theCircuitGaugeFollowsTheBreaker() {
        Map<String, String> solo = Map.of("model", TestCatalog.SOLO, "provider", "route-openai");
        assertThat(scrape().value("switchboard_circuit_state", solo)).isZero();
        profiles.put("solo-oa", QUICK.toBuilder().serverErrorRate(1).build());
        // five failures in a row open the circuit (the default failure threshold); the sixth call is not sent
        for (int i = 0; i < 5; i++) {
            assertThat(ProxyTestSupport.openAi(base, ask(TestCatalog.SOLO, false)).statusCode()).isEqualTo(502);
        }
        assertThat(scrape().value("switchboard_circuit_state", solo)).as("open").isEqualTo(2);
        assertThat(scrape().value("switchboard_endpoint_cooling_down", solo)).isZero();
        health.reset();
        assertThat(scrape().value("switchboard_circuit_state", solo)).as("closed again").isZero();
    }

    @Test
    void probesAndProbeRunsAreCountedPerEndpoint() {
        CatalogEndpoint endpoint = catalog.current().model(TestCatalog.SOLO).orElseThrow().endpoints().getFirst();
        Map<String, String> ok = Map.of("model", TestCatalog.SOLO, "provider", "route-openai", "outcome", "ok");
        Map<String, String> failures = Map.of("model", TestCatalog.SOLO, "provider", "route-openai");
        Map<String, String> completed = Map.of("result", "completed");
        PrometheusText before = scrape();

        assertThat(prober.runOnce(java.util.List.of(endpoint), false).ok()).isEqualTo(1);
        profiles.put("solo-oa", QUICK.toBuilder().serverErrorRate(1).build());
        assertThat(prober.runOnce(java.util.List.of(endpoint), false).failed()).isEqualTo(1);

        PrometheusText after = scrape();
        assertThat(delta(before, after, "switchboard_probes_total", ok)).isEqualTo(1);
        assertThat(delta(before, after, "switchboard_probes_total", with(failures, "outcome", "server_error")))
                .isEqualTo(1);
        assertThat(delta(before, after, "switchboard_probe_failures_total", failures)).isEqualTo(1);
        assertThat(delta(before, after, "switchboard_probe_runs_total", completed)).isEqualTo(2);
    }

    @Test
    void theBuffersTimeTheirFlushes() {
        Map<String, String> generations = Map.of("buffer", "generations");
        PrometheusText before = scrape();
        assertThat(ProxyTestSupport.openAi(base, ask(TestCatalog.SOLO, false)).statusCode()).isEqualTo(200);
        // the generation is written by the next scheduled flush (every second)
        PrometheusText after = awaitScrape(s -> s.sum("switchboard_buffer_flush_seconds_count", generations)
                > before.sum("switchboard_buffer_flush_seconds_count", generations), "a generations flush timed");
        assertThat(delta(before, after, "switchboard_buffer_flush_seconds_sum", generations)).isPositive();
        assertThat(after.type("switchboard_buffer_flush_seconds")).isEqualTo("histogram");
    }

    private PrometheusText scrape() {
        HttpResponse<String> response = ProxyTestSupport.get(base, "/q/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusText.parse(response.body());
    }

    private PrometheusText awaitScrape(Predicate<PrometheusText> done, String what) {
        PrometheusText[] last = new PrometheusText[1];
        ProxyTestSupport.awaitTrue(() -> done.test(last[0] = scrape()), what);
        return last[0];
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private static Map<String, String> with(Map<String, String> labels, String... more) {
        Map<String, String> out = new HashMap<>(labels);
        for (int i = 0; i < more.length; i += 2) {
            out.put(more[i], more[i + 1]);
        }
        return out;
    }

    private static String ask(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    private static String quoted(String text) {
        try {
            return ProxyTestSupport.JSON.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
