package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.stats.RollupJob;
import dev.switchboard.stats.Sample;
import dev.switchboard.stats.SampleOutcome;
import dev.switchboard.stats.SampleRecorder;
import dev.switchboard.stats.StatsSnapshot;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.GenerationLog;
import dev.switchboard.usage.GenerationRecord;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static dev.switchboard.proxy.ProxyTestSupport.json;
import static dev.switchboard.proxy.ProxyTestSupport.openAi;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing and fail-over through the running proxy against the in-app simulator: every routing option changes the
 * endpoint chosen as specified, and each fault of the simulator ends in fail-over or in the right status, with every
 * attempt recorded. Route Lab's trio is served by route-openai (original vendor, $1/$2, fp16), route-anthropic
 * (cheapest, $0.5/$1, fp8, top_k, max output 2000) and route-backup ($3/$6, fp16).
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxyRoutingTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    @Inject
    GenerationLog generations;

    @Inject
    SampleRecorder samples;

    @Inject
    RollupJob rollup;

    @Inject
    StatsSnapshot snapshot;

    String base;

    @BeforeEach
    void reset() {
        base = root.toString().replaceAll("/$", "");
        health.reset();
        for (String model : List.of("solo-oa", "spare-an", "tooly-oa", "tooly-an", "trio-oa", "trio-an", "trio-bk")) {
            ProxyTestSupport.profile(simulator, model, QUICK);
        }
    }

    private String servedBy(String body) {
        HttpResponse<String> response = openAi(base, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String provider = json(response).path("provider").asText();
        assertThat(response.headers().firstValue("x-switchboard-provider")).contains(provider);
        return provider;
    }

    private static String ask(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @Test
    void defaultOrderPutsTheOriginalVendorFirst() {
        assertThat(servedBy(ask(TestCatalog.TRIO, ""))).isEqualTo("route-openai");
    }

    @Test
    void everyRoutingOptionChangesTheChoice() {
        assertThat(servedBy(ask(TestCatalog.TRIO + ":route-backup", ""))).isEqualTo("route-backup");
        assertThat(servedBy(ask(TestCatalog.TRIO + ":floor", ""))).isEqualTo("route-anthropic");
        assertThat(servedBy(ask(TestCatalog.TRIO, "\"provider\":{\"sort\":\"price\"}"))).isEqualTo("route-anthropic");
        assertThat(servedBy(ask(TestCatalog.TRIO, "\"provider\":{\"order\":[\"route-backup\",\"route-openai\"]}")))
                .isEqualTo("route-backup");
        assertThat(servedBy(ask(TestCatalog.TRIO, "\"provider\":{\"only\":[\"route-backup\"]}")))
                .isEqualTo("route-backup");
        assertThat(servedBy(ask(TestCatalog.TRIO, "\"provider\":{\"ignore\":[\"route-openai\"]}")))
                .isEqualTo("route-anthropic");
        assertThat(servedBy(ask(TestCatalog.TRIO, "\"provider\":{\"max_price\":{\"prompt\":0.6}}")))
                .isEqualTo("route-anthropic");
        assertThat(servedBy(ask(TestCatalog.TRIO, "\"provider\":{\"quantizations\":[\"fp8\"]}")))
                .isEqualTo("route-anthropic");
        assertThat(servedBy(ask(TestCatalog.TRIO, "\"top_k\":5,\"provider\":{\"require_parameters\":true}")))
                .isEqualTo("route-anthropic");
        assertThat(servedBy(ask(TestCatalog.TRIO,
                "\"provider\":{\"routing\":{\"type\":\"order\",\"providers\":[\"route-backup\"]}}")))
                .isEqualTo("route-backup");
        assertThat(servedBy(ask(TestCatalog.TRIO,
                "\"provider\":{\"routing\":{\"type\":\"priority\",\"primary_factor\":\"price\"}}")))
                .isEqualTo("route-anthropic");
        assertThat(servedBy(ask(TestCatalog.TRIO,
                "\"provider_routing_strategy\":{\"type\":\"specified_providers\",\"providers\":[\"route-backup\"]}")))
                .isEqualTo("route-backup");
    }

    @Test
    void theSameProtocolPassesTheProvidersOwnAnswerThrough() {
        // the simulator's OpenAI answers carry service_tier, which the translated path never writes
        HttpResponse<String> passed = openAi(base, ask(TestCatalog.SOLO, ""));
        JsonNode body = json(passed);
        assertThat(body.path("service_tier").asText()).isEqualTo("default");
        assertThat(body.path("model").asText()).isEqualTo(TestCatalog.SOLO);
        assertThat(body.path("id").asText()).isEqualTo(passed.headers().firstValue("x-switchboard-generation-id")
                .orElseThrow());
        assertThat(body.path("provider").asText()).isEqualTo("route-openai");
        assertThat(body.path("usage").path("cost").decimalValue()).isPositive();

        // OpenRouter's reasoning object needs translating for an OpenAI upstream: the translated path
        JsonNode translated = json(openAi(base, ask(TestCatalog.SOLO, "\"reasoning\":{\"effort\":\"low\"}")));
        assertThat(translated.has("service_tier")).isFalse();
        assertThat(translated.path("provider").asText()).isEqualTo("route-openai");

        HttpResponse<String> streamed = openAi(base, "{\"model\":\"" + TestCatalog.SOLO + "\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        String generationId = streamed.headers().firstValue("x-switchboard-generation-id").orElseThrow();
        assertThat(streamed.body()).contains("\"service_tier\":\"default\"").contains("\"cost\":")
                .contains("\"provider\":\"route-openai\"").endsWith("data: [DONE]\n\n");
        assertThat(streamed.body().lines().filter(l -> l.startsWith("data: {")))
                .allSatisfy(l -> assertThat(l).contains("\"id\":\"" + generationId + "\"")
                        .contains("\"model\":\"" + TestCatalog.SOLO + "\""));
    }

    @Test
    void latencyAndThroughputOptionsFollowTheMeasuredNumbers() {
        // measured: route-openai slow to start and to write, route-anthropic the quickest to start, route-backup
        // the fastest writer (so after the original vendor the default order stays anthropic, backup, as by price,
        // which the other tests' fail-overs rely on); many samples, so what other tests' streams add cannot move a
        // median
        Instant at = Instant.now().minusSeconds(5);
        record("trio-oa", at, 900, 50);
        record("trio-an", at, 100, 100);
        record("trio-bk", at, 500, 300);
        samples.flush();
        rollup.runOnce();
        snapshot.refresh();

        assertThat(servedBy(ask(TestCatalog.TRIO, ""))).as("original vendor first").isEqualTo("route-openai");
        assertThat(servedBy(ask(TestCatalog.TRIO, "\"provider\":{\"sort\":\"latency\"}")))
                .isEqualTo("route-anthropic");
        assertThat(servedBy(ask(TestCatalog.TRIO, "\"provider\":{\"sort\":\"throughput\"}")))
                .isEqualTo("route-backup");
        assertThat(servedBy(ask(TestCatalog.TRIO + ":nitro", ""))).isEqualTo("route-backup");
        assertThat(servedBy(ask(TestCatalog.TRIO,
                "\"provider\":{\"routing\":{\"type\":\"priority\",\"primary_factor\":\"throughput\"}}")))
                .isEqualTo("route-backup");
        // within 0.6 s: route-anthropic and route-backup, not the original vendor
        assertThat(servedBy(ask(TestCatalog.TRIO, "\"provider\":{\"preferred_max_latency\":0.6}")))
                .isEqualTo("route-anthropic");
        assertThat(servedBy(ask(TestCatalog.TRIO, "\"provider\":{\"preferred_min_throughput\":200}")))
                .isEqualTo("route-backup");
    }

    private void record(String upstream, Instant at, int ttftMs, double decodeTps) {
        long endpoint = endpointIdOf(upstream);
        for (int i = 0; i < 200; i++) {
            samples.record(new Sample(endpoint, at.plusMillis(i), Sample.Source.TRAFFIC, SampleOutcome.OK, 200, ttftMs,
                    ttftMs + 1000, 20, 100, decodeTps, decodeTps / 2));
        }
    }

    @Test
    void aServerErrorFailsOverAndEveryAttemptIsRecorded() {
        ProxyTestSupport.profile(simulator, "trio-oa", QUICK.toBuilder().serverErrorRate(1).build());
        HttpResponse<String> response = openAi(base, ask(TestCatalog.TRIO, ""));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("provider").asText()).isEqualTo("route-anthropic");
        GenerationRecord generation = ProxyTestSupport.generation(generations,
                response.headers().firstValue("x-switchboard-generation-id").orElseThrow());
        assertThat(generation.attempts()).extracting(a -> a.provider() + ":" + a.outcome() + ":" + a.httpStatus())
                .containsExactly("route-openai:server_error:500", "route-anthropic:ok:200");
    }

    @Test
    void eachFaultOfTheOnlyProviderEndsInItsStatus() {
        record Case(SimProfile profile, int status) {
        }
        List<Case> cases = List.of(
                new Case(QUICK.toBuilder().rateLimitedRate(1).retryAfterSeconds(1).build(), 429),
                new Case(QUICK.toBuilder().serverErrorRate(1).build(), 502),
                new Case(QUICK.toBuilder().unavailableRate(1).build(), 503),
                new Case(QUICK.toBuilder().overloadedRate(1).build(), 503),
                new Case(QUICK.toBuilder().malformedRate(1).build(), 502),
                new Case(QUICK.toBuilder().hangRate(1).build(), 504));
        for (Case c : cases) {
            health.reset();
            ProxyTestSupport.profile(simulator, "solo-oa", c.profile());
            HttpResponse<String> response = openAi(base, ask(TestCatalog.SOLO, ""));
            assertThat(response.statusCode()).as(c + " " + response.body()).isEqualTo(c.status());
            JsonNode error = json(response).path("error");
            assertThat(error.path("message").asText()).contains("route-openai");
        }
    }

    @Test
    void fallbackModelsServeWhenEveryProviderOfTheModelFailed() {
        ProxyTestSupport.profile(simulator, "solo-oa", QUICK.toBuilder().serverErrorRate(1).build());
        for (String extra : List.of("\"models\":[\"" + TestCatalog.SOLO + "\",\"" + TestCatalog.SPARE + "\"]",
                "\"provider\":{\"fallback\":\"" + TestCatalog.SPARE + "\"}")) {
            health.reset();
            HttpResponse<String> response = openAi(base, ask(TestCatalog.SOLO, extra));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-switchboard-model")).contains(TestCatalog.SPARE);
            assertThat(json(response).path("model").asText()).isEqualTo(TestCatalog.SPARE);
            assertThat(json(response).path("provider").asText()).isEqualTo("route-anthropic");
        }
    }

    @Test
    void withoutFallbacksOnlyTheOrderedProvidersAreTried() {
        ProxyTestSupport.profile(simulator, "trio-oa", QUICK.toBuilder().serverErrorRate(1).build());
        long others = ProxyTestSupport.received(simulator, "trio-an") + ProxyTestSupport.received(simulator, "trio-bk");
        HttpResponse<String> response = openAi(base, ask(TestCatalog.TRIO,
                "\"provider\":{\"order\":[\"route-openai\"],\"allow_fallbacks\":false}"));
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(json(response).path("error").path("message").asText()).contains("route-openai").contains("500");
        assertThat(ProxyTestSupport.received(simulator, "trio-an") + ProxyTestSupport.received(simulator, "trio-bk"))
                .isEqualTo(others);
    }

    @Test
    void toolsGoOnlyToProvidersThatRunThem() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{}}}}]";
        assertThat(servedBy(ask(TestCatalog.TOOLY, tools))).isEqualTo("route-anthropic");
        HttpResponse<String> none = openAi(base, ask(TestCatalog.TOOLY,
                tools + ",\"provider\":{\"only\":[\"route-openai\"]}"));
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).path("error").path("message").asText()).contains("tools");
    }

    @Test
    void aMalformedRequestReachesNoUpstream() {
        long before = ProxyTestSupport.received(simulator, "solo-oa");
        HttpResponse<String> response = openAi(base, "{\"model\":\"" + TestCatalog.SOLO + "\",\"messages\":[]}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("error").path("param").asText()).isEqualTo("messages");
        assertThat(ProxyTestSupport.received(simulator, "solo-oa")).isEqualTo(before);
    }

    @Test
    void retryAfterCoolsTheEndpointDown() {
        ProxyTestSupport.profile(simulator, "trio-oa", QUICK.toBuilder().rateLimitedRate(1).retryAfterSeconds(60)
                .build());
        assertThat(servedBy(ask(TestCatalog.TRIO, ""))).isEqualTo("route-anthropic");
        long before = ProxyTestSupport.received(simulator, "trio-oa");
        assertThat(servedBy(ask(TestCatalog.TRIO, ""))).isEqualTo("route-anthropic");
        assertThat(ProxyTestSupport.received(simulator, "trio-oa")).as("cooling down: not tried").isEqualTo(before);
    }

    @Test
    void theCircuitOpensOnRepeatedFailuresIsSkippedWhileOthersServeAndRecovers() {
        ProxyTestSupport.profile(simulator, "trio-oa", QUICK.toBuilder().serverErrorRate(1).build());
        for (int i = 0; i < 5; i++) {
            assertThat(servedBy(ask(TestCatalog.TRIO, ""))).isEqualTo("route-anthropic");
        }
        long before = ProxyTestSupport.received(simulator, "trio-oa");
        assertThat(servedBy(ask(TestCatalog.TRIO, ""))).isEqualTo("route-anthropic");
        assertThat(ProxyTestSupport.received(simulator, "trio-oa")).as("circuit open: skipped").isEqualTo(before);
        assertThat(health.state(endpointIdOf("trio-oa"))).isEqualTo(EndpointHealth.State.OPEN);

        // the provider recovers; after its back-off one trial call goes to it, and success closes the circuit
        ProxyTestSupport.profile(simulator, "trio-oa", QUICK);
        long id = endpointIdOf("trio-oa");
        ProxyTestSupport.awaitTrue(() -> health.state(id) == EndpointHealth.State.HALF_OPEN, "half-open");
        assertThat(servedBy(ask(TestCatalog.TRIO, ""))).isEqualTo("route-openai");
        assertThat(health.state(id)).isEqualTo(EndpointHealth.State.HEALTHY);
    }

    private long endpointIdOf(String upstream) {
        return io.quarkus.arc.Arc.container().instance(dev.switchboard.catalog.CatalogService.class).get().current()
                .endpoints().stream().filter(e -> e.upstreamId().equals(upstream)).findFirst().orElseThrow().id();
    }
}
