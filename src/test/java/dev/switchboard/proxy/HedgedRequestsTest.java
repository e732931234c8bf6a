package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.stats.Distribution;
import dev.switchboard.stats.RollupJob;
import dev.switchboard.stats.Sample;
import dev.switchboard.stats.SampleOutcome;
import dev.switchboard.stats.SampleRecorder;
import dev.switchboard.stats.StatsSnapshot;
import dev.switchboard.testing.SimProfileOverrides;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.AttemptRecord;
import dev.switchboard.usage.GenerationLog;
import dev.switchboard.usage.GenerationRecord;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.switchboard.proxy.ProxyTestSupport.KEY;
import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static dev.switchboard.proxy.ProxyTestSupport.counters;
import static dev.switchboard.proxy.ProxyTestSupport.received;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hedged requests over real HTTP with the in-app simulator as upstream: a slow first provider is raced by the next
 * one after the threshold, the first to produce serves and the other is cancelled at once (the simulator counts the
 * closed connection), both attempts are in the generation; and no hedge when it is not asked, not needed, forbidden
 * by the caller or already spent.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class HedgedRequestsTest {

    /** Slow enough that a hedge after 100 ms wins by far, short of the test profile's 3 s first-token timeout. */
    private static final SimProfile SLOW = QUICK.toBuilder().ttftMs(2000).ttftSpread(0).build();
    private static final SimProfile SLOWISH = QUICK.toBuilder().ttftMs(700).ttftSpread(0).build();
    private static final String ORDER = "[\"route-openai\",\"route-backup\",\"route-anthropic\"]";

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    @Inject
    GenerationLog generations;

    @Inject
    CatalogService catalog;

    @Inject
    SampleRecorder recorder;

    @Inject
    RollupJob rollup;

    @Inject
    StatsSnapshot stats;

    @Inject
    javax.sql.DataSource dataSource;

    String base;
    SimProfileOverrides profiles;

    @BeforeEach
    void reset() {
        base = root.toString().replaceAll("/$", "");
        health.reset();
        profiles = new SimProfileOverrides(ProxyTestSupport.sim(simulator).profiles());
        for (String model : List.of("hedge-oa", "hedge-bk", "hedge-an", "hedge-auto-oa", "hedge-auto-bk")) {
            profiles.put(model, QUICK);
        }
    }

    @AfterEach
    void restore() {
        profiles.close();
    }

    private static String body(String model, boolean stream, String provider) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
                + (provider == null ? "" : ",\"provider\":" + provider) + "}";
    }

    private static String ordered(String hedge) {
        return "{\"order\":" + ORDER + (hedge == null ? "" : ",\"hedge\":" + hedge) + "}";
    }

    private static long cancelled(SimulatorLauncher simulator, String model) {
        var c = counters(simulator, model);
        return c == null ? 0 : c.cancelled();
    }

    @Test
    void aSlowFirstProviderIsRacedAndTheFasterOneServesTheStream() throws java.sql.SQLException {
        profiles.put("hedge-oa", SLOW);
        long cancelledBefore = cancelled(simulator, "hedge-oa");
        long thirdBefore = received(simulator, "hedge-an");
        Instant sent = Instant.now();

        HttpResponse<String> response = ProxyTestSupport.openAi(base,
                body(TestCatalog.HEDGE, true, ordered("{\"after_ms\":100}")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-provider")).contains("route-backup");
        assertThat(response.headers().firstValue("x-switchboard-hedged")).contains("true");
        assertThat(response.body()).contains("\"provider\":\"route-backup\"").endsWith("data: [DONE]\n\n");
        // the slow call is cancelled at once: its connection closed long before its 2 s first token
        ProxyTestSupport.awaitTrue(() -> cancelled(simulator, "hedge-oa") == cancelledBefore + 1,
                "the simulator counted the lost call's cancellation");
        assertThat(received(simulator, "hedge-an")).isEqualTo(thirdBefore);

        GenerationRecord generation = ProxyTestSupport.generation(generations,
                response.headers().firstValue("x-switchboard-generation-id").orElseThrow());
        assertThat(generation.providerSlug()).isEqualTo("route-backup");
        assertThat(generation.status()).isEqualTo("ok");
        AttemptRecord lost = attempt(generation, "route-openai");
        assertThat(lost.outcome()).isEqualTo("cancelled");
        assertThat(lost.errorKind()).isEqualTo(AttemptRecord.HEDGE_LOST);
        assertThat(lost.hedge()).isFalse();
        assertThat(lost.ttftMs()).isNull();
        assertThat(lost.latencyMs()).isLessThan(1500);
        AttemptRecord won = attempt(generation, "route-backup");
        assertThat(won.outcome()).isEqualTo("ok");
        assertThat(won.hedge()).isTrue();
        assertThat(won.startedAfterMs()).isGreaterThanOrEqualTo(100);
        assertThat(won.cost()).isEqualByComparingTo(generation.costUsd());
        assertThat(generation.attempts()).hasSize(2);

        // and as a client reads it back
        var api = io.restassured.RestAssured.given().header("authorization", "Bearer " + KEY)
                .queryParam("id", generation.id()).get("/api/v1/generation").then().statusCode(200).extract()
                .jsonPath();
        assertThat(api.getList("data.attempts.error_kind")).contains(AttemptRecord.HEDGE_LOST);
        assertThat(api.getList("data.attempts.hedge")).containsExactlyInAnyOrder(false, true);

        // the lost stream's sample keeps how long it waited without a token (a lower bound of its TTFT), so that the
        // slow tail hedging cuts off stays in the p90 that later hedges wait for
        recorder.flush();
        assertThat(lostSampleTtft(endpointId(TestCatalog.HEDGE, "route-openai"), sent))
                .isBetween(100, 1500);
    }

    private Integer lostSampleTtft(long endpoint, Instant since) throws java.sql.SQLException {
        try (var connection = dataSource.getConnection(); var query = connection.prepareStatement(
                "select ttft_ms from samples where endpoint_id = ? and outcome = 'cancelled' and started_at >= ?"
                        + " order by started_at desc limit 1")) {
            query.setLong(1, endpoint);
            query.setObject(2, java.time.OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC));
            try (var rows = query.executeQuery()) {
                assertThat(rows.next()).as("the lost attempt's sample").isTrue();
                return (Integer) rows.getObject(1);
            }
        }
    }

    @Test
    void aWholeAnswerIsHedgedTooAndTheFirstAnswerWins() {
        profiles.put("hedge-oa", SLOW);
        long cancelledBefore = cancelled(simulator, "hedge-oa");
        OpenAIClient openAi = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey(KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
        try {
            // the backup here is the Anthropic-kind provider: its answer is translated, not passed through
            HttpResponseFor<ChatCompletion> raw = openAi.chat().completions().withRawResponse().create(
                    ChatCompletionCreateParams.builder().model(TestCatalog.HEDGE).addUserMessage("Say hello")
                            .putAdditionalBodyProperty("provider", JsonValue.from(Map.of(
                                    "order", List.of("route-openai", "route-anthropic"),
                                    "hedge", Map.of("after_ms", 100))))
                            .build());
            ChatCompletion completion = raw.parse().validate();
            assertThat(completion._additionalProperties().get("provider")).isEqualTo(JsonValue.from("route-anthropic"));
            assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("route-anthropic");
            assertThat(raw.headers().values("x-switchboard-hedged")).containsExactly("true");

            ProxyTestSupport.awaitTrue(() -> cancelled(simulator, "hedge-oa") == cancelledBefore + 1,
                    "the simulator counted the lost call's cancellation");
            GenerationRecord generation = ProxyTestSupport.generation(generations,
                    raw.headers().values("x-switchboard-generation-id").getFirst());
            assertThat(generation.streamed()).isFalse();
            assertThat(attempt(generation, "route-openai").errorKind()).isEqualTo(AttemptRecord.HEDGE_LOST);
            assertThat(attempt(generation, "route-anthropic").hedge()).isTrue();
            assertThat(attempt(generation, "route-anthropic").outcome()).isEqualTo("ok");
        } finally {
            openAi.close();
        }
    }

    @Test
    void aFastFirstProviderIsNotHedged() {
        long backupBefore = received(simulator, "hedge-bk");
        HttpResponse<String> response = ProxyTestSupport.openAi(base,
                body(TestCatalog.HEDGE, true, ordered("{\"after_ms\":500}")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-provider")).contains("route-openai");
        assertThat(response.headers().firstValue("x-switchboard-hedged")).isEmpty();
        GenerationRecord generation = ProxyTestSupport.generation(generations,
                response.headers().firstValue("x-switchboard-generation-id").orElseThrow());
        assertThat(generation.attempts()).singleElement().satisfies(a -> assertThat(a.hedge()).isFalse());
        assertThat(received(simulator, "hedge-bk")).isEqualTo(backupBefore);
    }

    @Test
    void hedgingIsOffUnlessAsked() {
        profiles.put("hedge-oa", SLOWISH);
        long backupBefore = received(simulator, "hedge-bk");
        HttpResponse<String> response = ProxyTestSupport.openAi(base, body(TestCatalog.HEDGE, true, ordered(null)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-provider")).contains("route-openai");
        assertThat(response.headers().firstValue("x-switchboard-hedged")).isEmpty();
        assertThat(received(simulator, "hedge-bk")).isEqualTo(backupBefore);
    }

    @Test
    void neverMoreThanOneHedge() {
        profiles.put("hedge-oa", SLOW).put("hedge-bk", SLOW);
        long thirdBefore = received(simulator, "hedge-an");
        HttpResponse<String> response = ProxyTestSupport.openAi(base,
                body(TestCatalog.HEDGE, true, ordered("{\"after_ms\":50}")));

        assertThat(response.statusCode()).isEqualTo(200);
        // both slow: the first, sent first, produces first; the third candidate is never called
        assertThat(response.body()).contains("\"provider\":\"route-openai\"");
        GenerationRecord generation = ProxyTestSupport.generation(generations,
                response.headers().firstValue("x-switchboard-generation-id").orElseThrow());
        assertThat(generation.attempts()).extracting(AttemptRecord::provider)
                .containsExactlyInAnyOrder("route-openai", "route-backup");
        assertThat(attempt(generation, "route-backup").errorKind()).isEqualTo(AttemptRecord.HEDGE_LOST);
        assertThat(received(simulator, "hedge-an")).isEqualTo(thirdBefore);
    }

    @Test
    void whenTheHedgeFailsTheFirstAttemptGoesOnAloneAndNoThirdIsSent() {
        profiles.put("hedge-oa", SLOWISH).put("hedge-bk", QUICK.toBuilder().unavailableRate(1).build());
        long thirdBefore = received(simulator, "hedge-an");
        HttpResponse<String> response = ProxyTestSupport.openAi(base,
                body(TestCatalog.HEDGE, true, ordered("{\"after_ms\":50}")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"provider\":\"route-openai\"");
        GenerationRecord generation = ProxyTestSupport.generation(generations,
                response.headers().firstValue("x-switchboard-generation-id").orElseThrow());
        assertThat(attempt(generation, "route-backup").outcome()).isNotEqualTo("ok");
        assertThat(attempt(generation, "route-backup").hedge()).isTrue();
        assertThat(attempt(generation, "route-openai").outcome()).isEqualTo("ok");
        assertThat(received(simulator, "hedge-an")).isEqualTo(thirdBefore);
    }

    @Test
    void aModelSettingHedgesWithoutTheFieldAndTheCallerCanSayNo() {
        profiles.put("hedge-auto-oa", SLOW);
        HttpResponse<String> hedged = ProxyTestSupport.openAi(base, body(TestCatalog.HEDGE_AUTO, true, null));
        assertThat(hedged.headers().firstValue("x-switchboard-provider")).contains("route-backup");
        assertThat(hedged.headers().firstValue("x-switchboard-hedged")).contains("true");

        profiles.put("hedge-auto-oa", SLOWISH);
        long backupBefore = received(simulator, "hedge-auto-bk");
        HttpResponse<String> refused = ProxyTestSupport.openAi(base, body(TestCatalog.HEDGE_AUTO, true,
                "{\"hedge\":false}"));
        assertThat(refused.headers().firstValue("x-switchboard-provider")).contains("route-openai");
        HttpResponse<String> byHeader = ProxyTestSupport.post(base, "/v1/chat/completions",
                body(TestCatalog.HEDGE_AUTO, true, null), Map.of("authorization", "Bearer " + KEY,
                        "x-switchboard-no-hedge", "true"));
        assertThat(byHeader.headers().firstValue("x-switchboard-provider")).contains("route-openai");
        assertThat(byHeader.headers().firstValue("x-switchboard-hedged")).isEmpty();
        assertThat(received(simulator, "hedge-auto-bk")).isEqualTo(backupBefore);
    }

    @Test
    void aRequestWithSideEffectsIsNeverHedged() {
        profiles.put("hedge-oa", SLOWISH);
        long backupBefore = received(simulator, "hedge-bk");
        String stored = body(TestCatalog.HEDGE, true, ordered("{\"after_ms\":50}")).replace("\"stream\":true",
                "\"stream\":true,\"store\":true");
        HttpResponse<String> response = ProxyTestSupport.openAi(base, stored);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-provider")).contains("route-openai");
        assertThat(received(simulator, "hedge-bk")).isEqualTo(backupBefore);
    }

    @Test
    void p90HedgesAtTheEndpointsLiveTtftP90() {
        long endpoint = endpointId(TestCatalog.HEDGE, "route-openai");
        Instant now = Instant.now();
        for (int i = 0; i < 200; i++) {
            recorder.record(new Sample(endpoint, now.minusSeconds(60).plusMillis(i), Sample.Source.TRAFFIC,
                    SampleOutcome.OK, 200, 250, 400, 10, 20, 100.0, 50.0));
        }
        recorder.flush();
        rollup.runOnce();
        stats.reload();
        Distribution ttft = stats.forEndpoint(endpoint).routingTtft();
        assertThat(ttft.count()).isGreaterThanOrEqualTo(200);
        double p90 = ttft.p90();
        assertThat(p90).isBetween(200.0, 300.0);

        profiles.put("hedge-oa", SLOW);
        HttpResponse<String> response = ProxyTestSupport.openAi(base,
                body(TestCatalog.HEDGE, true, ordered("{\"after\":\"p90\"}")));

        assertThat(response.headers().firstValue("x-switchboard-provider")).contains("route-backup");
        GenerationRecord generation = ProxyTestSupport.generation(generations,
                response.headers().firstValue("x-switchboard-generation-id").orElseThrow());
        // at the live p90, well before the 1000 ms used when the p90 is unknown
        assertThat(attempt(generation, "route-backup").startedAfterMs()).isBetween((int) Math.floor(p90),
                (int) p90 + 400);
    }

    @Test
    void badHedgeValuesAreTheCallersErrorInItsProtocol() {
        long before = received(simulator, "hedge-oa");
        HttpResponse<String> openAi = ProxyTestSupport.openAi(base,
                body(TestCatalog.HEDGE, false, "{\"hedge\":{\"after_ms\":-5}}"));
        assertThat(openAi.statusCode()).isEqualTo(400);
        JsonNode error = ProxyTestSupport.json(openAi).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("provider.hedge.after_ms");
        assertThat(error.path("message").asText()).contains("after_ms").contains("-5");

        HttpResponse<String> anthropic = ProxyTestSupport.anthropic(base,
                body(TestCatalog.HEDGE, false, "{\"hedge\":{\"after\":\"p77x\"}}"));
        assertThat(anthropic.statusCode()).isEqualTo(400);
        JsonNode json = ProxyTestSupport.json(anthropic);
        assertThat(json.path("type").asText()).isEqualTo("error");
        assertThat(json.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(json.at("/error/message").asText()).contains("provider.hedge.after").contains("p77x");

        HttpResponse<String> header = ProxyTestSupport.post(base, "/v1/chat/completions",
                body(TestCatalog.HEDGE, false, null), Map.of("authorization", "Bearer " + KEY,
                        "x-switchboard-no-hedge", "perhaps"));
        assertThat(header.statusCode()).isEqualTo(400);
        assertThat(ProxyTestSupport.json(header).at("/error/message").asText()).contains("x-switchboard-no-hedge");
        assertThat(received(simulator, "hedge-oa")).isEqualTo(before);
    }

    private long endpointId(String model, String provider) {
        return catalog.current().model(model).orElseThrow().endpoints().stream()
                .filter(e -> e.provider().slug().equals(provider)).mapToLong(CatalogEndpoint::id)
                .findFirst().orElseThrow();
    }

    private static AttemptRecord attempt(GenerationRecord generation, String provider) {
        return generation.attempts().stream().filter(a -> a.provider().equals(provider)).findFirst()
                .orElseThrow(() -> new AssertionError("no attempt at " + provider + " in " + generation.attempts()));
    }
}
