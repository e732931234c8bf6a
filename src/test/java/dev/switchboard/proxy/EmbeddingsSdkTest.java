package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.limits.KeyLimits;
import dev.switchboard.llm.Float32Base64;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SimProfileOverrides;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.ApiKeyService;
import dev.switchboard.usage.CreatedKey;
import dev.switchboard.usage.GenerationLog;
import dev.switchboard.usage.GenerationRecord;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static dev.switchboard.proxy.ProxyTestSupport.KEY;
import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code POST /v1/embeddings} through the official OpenAI SDK and raw HTTP, with the simulator as upstream: the SDK's
 * default base64 and explicit floats, one input and several, {@code dimensions}, fail-over past a failing provider
 * and past one whose kind cannot embed, the served-by headers, the generation and its cost, and the 400s.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class EmbeddingsSdkTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    GenerationLog generations;

    @Inject
    EndpointHealth health;

    @Inject
    ApiKeyService keys;

    @Inject
    CatalogService catalog;

    String base;
    OpenAIClient openAi;

    @BeforeEach
    void client() {
        base = root.toString().replaceAll("/$", "");
        openAi = ProxyTestSupport.openAiSdk(base, KEY);
        for (String model : List.of("embed-oa", "embed-bk", "embed-fixed")) {
            ProxyTestSupport.profile(simulator, model, QUICK);
        }
        health.reset();
    }

    @AfterEach
    void close() {
        openAi.close();
    }

    @Test
    void sdkDefaultBase64NamesItsProviderAndIsAGeneration() {
        HttpResponseFor<CreateEmbeddingResponse> raw = openAi.embeddings().withRawResponse().create(
                EmbeddingCreateParams.builder().model(TestCatalog.EMBED).input("The quick brown fox").build());
        CreateEmbeddingResponse response = raw.parse().validate();

        assertThat(response.data()).singleElement().satisfies(e -> {
            assertThat(e.index()).isZero();
            assertThat(e.embedding()).hasSize(1536);
            assertThat(norm(e.embedding())).isCloseTo(1.0, within(1e-4));
        });
        assertThat(response.model()).isEqualTo(TestCatalog.EMBED);
        assertThat(response._additionalProperties().get("provider")).isEqualTo(JsonValue.from("route-openai"));
        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("route-openai");
        assertThat(raw.headers().values("x-switchboard-model")).containsExactly(TestCatalog.EMBED);
        long tokens = response.usage().promptTokens();
        assertThat(tokens).isPositive();
        assertThat(response.usage().totalTokens()).isEqualTo(tokens);

        String id = raw.headers().values("x-switchboard-generation-id").getFirst();
        GenerationRecord generation = ProxyTestSupport.generation(generations, id);
        assertThat(generation.protocol()).isEqualTo("embeddings");
        assertThat(generation.providerSlug()).isEqualTo("route-openai");
        assertThat(generation.status()).isEqualTo("ok");
        assertThat(generation.usage().inputTokens()).isEqualTo((int) tokens);
        assertThat(generation.usage().outputTokens()).isZero();
        // $0.02 per million input tokens
        assertThat(generation.costUsd()).isEqualByComparingTo(BigDecimal.valueOf(tokens).multiply(new BigDecimal("0.02"))
                .movePointLeft(6));
        assertThat(generation.attempts()).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo("ok");
            assertThat(a.upstreamModel()).isEqualTo("embed-oa");
        });
    }

    @Test
    void explicitFloatsForSeveralInputsAreDeterministicAndDistinct() {
        CreateEmbeddingResponse pair = openAi.embeddings().create(EmbeddingCreateParams.builder()
                .model(TestCatalog.EMBED).inputOfArrayOfStrings(List.of("alpha", "beta"))
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        CreateEmbeddingResponse alone = openAi.embeddings().create(EmbeddingCreateParams.builder()
                .model(TestCatalog.EMBED).input("alpha").build());

        assertThat(pair.data()).hasSize(2);
        assertThat(pair.data().get(0).index()).isZero();
        assertThat(pair.data().get(1).index()).isEqualTo(1);
        List<Float> alpha = pair.data().get(0).embedding();
        assertThat(alone.data().getFirst().embedding()).isEqualTo(alpha);
        assertThat(pair.data().get(1).embedding()).isNotEqualTo(alpha);
        assertThat(norm(pair.data().get(1).embedding())).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void rawFloatAndBase64AnswersCarryTheSameVector() {
        HttpResponse<String> floats = embed("{\"model\":\"" + TestCatalog.EMBED + "\",\"input\":\"same text\"}");
        HttpResponse<String> base64 = embed("{\"model\":\"" + TestCatalog.EMBED + "\",\"input\":\"same text\","
                + "\"encoding_format\":\"base64\"}");
        assertThat(floats.statusCode()).isEqualTo(200);
        assertThat(base64.statusCode()).isEqualTo(200);
        JsonNode f = ProxyTestSupport.json(floats);
        JsonNode b = ProxyTestSupport.json(base64);
        assertThat(f.path("object").asText()).isEqualTo("list");
        assertThat(f.path("data").get(0).path("object").asText()).isEqualTo("embedding");
        JsonNode array = f.path("data").get(0).path("embedding");
        assertThat(array.isArray()).isTrue();
        assertThat(b.path("data").get(0).path("embedding").isTextual()).isTrue();
        float[] decoded = Float32Base64.decode(b.path("data").get(0).path("embedding").asText());
        assertThat(decoded).hasSize(array.size());
        for (int i = 0; i < decoded.length; i++) {
            assertThat(decoded[i]).isEqualTo(array.get(i).floatValue());
        }
        assertThat(f.path("usage").path("cost").decimalValue()).isPositive();
        assertThat(f.path("provider").asText()).isEqualTo("route-openai");
    }

    @Test
    void dimensionsShortenTheVectorAndTokenInputsAreAccepted() {
        CreateEmbeddingResponse shortened = openAi.embeddings().create(EmbeddingCreateParams.builder()
                .model(TestCatalog.EMBED).input("shorter please").dimensions(256).build());
        assertThat(shortened.data().getFirst().embedding()).hasSize(256);
        assertThat(norm(shortened.data().getFirst().embedding())).isCloseTo(1.0, within(1e-4));

        CreateEmbeddingResponse tokens = openAi.embeddings().create(EmbeddingCreateParams.builder()
                .model(TestCatalog.EMBED).inputOfArrayOfTokenArrays(List.of(List.of(1L, 2L, 3L), List.of(4L, 5L)))
                .build());
        assertThat(tokens.data()).hasSize(2);
        assertThat(tokens.usage().promptTokens()).isEqualTo(5);
    }

    @Test
    void aFailingFirstProviderFailsOverAndOneThatCannotEmbedIsPassedOver() {
        try (SimProfileOverrides profiles = new SimProfileOverrides(ProxyTestSupport.sim(simulator).profiles())) {
            profiles.put("embed-oa", SimProfile.builder().ttftMs(1).serverErrorRate(1).build());
            long anthropicBefore = ProxyTestSupport.received(simulator, "embed-an");
            HttpResponseFor<CreateEmbeddingResponse> raw = openAi.embeddings().withRawResponse().create(
                    EmbeddingCreateParams.builder().model(TestCatalog.EMBED).input("fail over").build());
            CreateEmbeddingResponse response = raw.parse();

            assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("route-backup");
            assertThat(response.data().getFirst().embedding()).hasSize(1536);
            assertThat(ProxyTestSupport.received(simulator, "embed-an")).isEqualTo(anthropicBefore);
            GenerationRecord generation = ProxyTestSupport.generation(generations,
                    raw.headers().values("x-switchboard-generation-id").getFirst());
            assertThat(generation.providerSlug()).isEqualTo("route-backup");
            assertThat(generation.attempts()).extracting(a -> a.provider() + ":" + a.outcome())
                    .containsExactly("route-openai:server_error", "route-backup:ok");
            // $0.10 per million at the backup
            assertThat(generation.costUsd()).isEqualByComparingTo(BigDecimal.valueOf(
                    response.usage().promptTokens()).multiply(new BigDecimal("0.10")).movePointLeft(6));
        }
    }

    @Test
    void aHangingFirstProviderTimesOutAndFailsOver() {
        try (SimProfileOverrides profiles = new SimProfileOverrides(ProxyTestSupport.sim(simulator).profiles())) {
            profiles.put("embed-oa", SimProfile.builder().ttftMs(1).hangRate(1).build());
            HttpResponse<String> response = embed("{\"model\":\"" + TestCatalog.EMBED + "\",\"input\":\"wait\"}");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("route-backup");
            GenerationRecord generation = ProxyTestSupport.generation(generations,
                    response.headers().firstValue("x-switchboard-generation-id").orElseThrow());
            assertThat(generation.attempts()).extracting(a -> a.provider() + ":" + a.outcome())
                    .containsExactly("route-openai:timeout", "route-backup:ok");
        }
    }

    @Test
    void aKeysRateLimitAppliesWithOpenAiHeaders() {
        CreatedKey key = keys.create("embeddings-rpm", new KeyLimits(1, null, null, null));
        Map<String, String> auth = Map.of("authorization", "Bearer " + key.key());
        String body = "{\"model\":\"" + TestCatalog.EMBED + "\",\"input\":\"limited\"}";
        HttpResponse<String> first = ProxyTestSupport.post(base, "/v1/embeddings", body, auth);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("1");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        HttpResponse<String> second = ProxyTestSupport.post(base, "/v1/embeddings", body, auth);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(ProxyTestSupport.json(second).path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(second.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void everyProviderFailingIsAnOpenAiErrorNamingThem() {
        try (SimProfileOverrides profiles = new SimProfileOverrides(ProxyTestSupport.sim(simulator).profiles())) {
            SimProfile failing = SimProfile.builder().ttftMs(1).serverErrorRate(1).build();
            profiles.put("embed-oa", failing);
            profiles.put("embed-bk", failing);
            HttpResponse<String> response = embed("{\"model\":\"" + TestCatalog.EMBED + "\",\"input\":\"x\"}");
            assertThat(response.statusCode()).isEqualTo(502);
            String message = ProxyTestSupport.json(response).path("error").path("message").asText();
            assertThat(message).contains("route-openai", "route-backup", "route-anthropic", "no embeddings API");
            assertThat(response.body()).doesNotContain("Exception");
        }
    }

    @Test
    void badRequestsAreOpenAiErrorsNamingTheField() {
        assertInvalid("{\"input\":\"x\"}", "model");
        assertInvalid("{\"model\":\"" + TestCatalog.EMBED + "\",\"input\":\"\"}", "input");
        assertInvalid("{\"model\":\"" + TestCatalog.EMBED + "\",\"input\":[]}", "input");
        assertInvalid("{\"model\":\"" + TestCatalog.EMBED + "\"}", "input");
        assertInvalid("{\"model\":\"" + TestCatalog.EMBED + "\",\"input\":[\"a\",\"\"]}", "input[1]");
        assertInvalid("{\"model\":\"" + TestCatalog.EMBED + "\",\"input\":[\"a\",[1]]}", "input[1]");
        assertInvalid("{\"model\":\"" + TestCatalog.EMBED + "\",\"input\":\"x\",\"encoding_format\":\"int8\"}",
                "encoding_format");
        assertInvalid("{\"model\":\"" + TestCatalog.EMBED + "\",\"input\":\"x\",\"dimensions\":0}", "dimensions");
        assertInvalid("{\"model\":\"" + TestCatalog.EMBED_FIXED + "\",\"input\":\"x\",\"dimensions\":64}",
                "dimensions");
        JsonNode chatModel = assertInvalid("{\"model\":\"" + TestCatalog.SOLO + "\",\"input\":\"x\"}", "model");
        assertThat(chatModel.path("error").path("message").asText()).contains("not an embedding model");

        HttpResponse<String> chat = ProxyTestSupport.openAi(base, "{\"model\":\"" + TestCatalog.EMBED
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(chat.statusCode()).isEqualTo(400);
        assertThat(ProxyTestSupport.json(chat).path("error").path("message").asText())
                .contains("is an embedding model", "/v1/embeddings");

        HttpResponse<String> get = ProxyTestSupport.get(base, "/v1/embeddings");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(ProxyTestSupport.json(get).path("error").path("code").asText()).isEqualTo("method_not_allowed");

        HttpResponse<String> noKey = ProxyTestSupport.post(base, "/api/v1/embeddings", "{\"model\":\""
                + TestCatalog.EMBED + "\",\"input\":\"x\"}", Map.of());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(ProxyTestSupport.json(noKey).path("error").path("type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void theCatalogTheModelListAndTheUsageApiKnowEmbeddings() {
        // the shipped catalog's embedding models load (their providers are not configured here, so not listed)
        for (String slug : List.of("openai/text-embedding-3-small", "openai/text-embedding-3-large",
                "mistralai/mistral-embed")) {
            assertThat(catalog.current().model(slug)).as(slug).hasValueSatisfying(m ->
                    assertThat(m.outputModalities()).containsExactly("embeddings"));
        }
        assertThat(catalog.current().model("openai/text-embedding-3-small").orElseThrow().endpoints())
                .extracting(e -> e.provider().slug()).containsExactlyInAnyOrder("openai", "azure");
        JsonNode models = ProxyTestSupport.json(ProxyTestSupport.get(base, "/v1/models"));
        assertThat(models.path("data").findValuesAsText("id")).contains(TestCatalog.EMBED);

        CreatedKey key = keys.create("embeddings-usage");
        HttpResponse<String> response = ProxyTestSupport.post(base, "/v1/embeddings", "{\"model\":\""
                + TestCatalog.EMBED + "\",\"input\":[\"one\",\"two\"]}", Map.of("authorization", "Bearer "
                + key.key()));
        assertThat(response.statusCode()).isEqualTo(200);
        BigDecimal cost = ProxyTestSupport.json(response).path("usage").path("cost").decimalValue();
        ProxyTestSupport.awaitTrue(() -> given().header("authorization", "Bearer " + key.key())
                .get("/api/v1/usage?group_by=model").then().extract().jsonPath().getList("data").size() == 1,
                "the embeddings generation in the usage API");
        JsonPath usage = given().header("authorization", "Bearer " + key.key()).get("/api/v1/usage?group_by=model")
                .then().statusCode(200).extract().jsonPath();
        assertThat(usage.getString("data[0].group")).isEqualTo(TestCatalog.EMBED);
        assertThat(new BigDecimal(usage.getString("data[0].cost"))).isEqualByComparingTo(cost);
        assertThat(usage.getLong("data[0].output_tokens")).isZero();
    }

    private HttpResponse<String> embed(String body) {
        return ProxyTestSupport.post(base, "/v1/embeddings", body, Map.of("authorization", "Bearer " + KEY));
    }

    private JsonNode assertInvalid(String body, String param) {
        HttpResponse<String> response = embed(body);
        assertThat(response.statusCode()).as(body).isEqualTo(400);
        JsonNode json = ProxyTestSupport.json(response);
        assertThat(json.path("error").path("type").asText()).as(body).isEqualTo("invalid_request_error");
        assertThat(json.path("error").path("param").asText()).as(body).isEqualTo(param);
        return json;
    }

    private static double norm(List<Float> vector) {
        double sum = 0;
        for (float v : vector) {
            sum += v * (double) v;
        }
        return Math.sqrt(sum);
    }
}
