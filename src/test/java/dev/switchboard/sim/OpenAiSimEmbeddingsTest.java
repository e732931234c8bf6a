package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The simulator's embeddings, with the official openai-java SDK as its client (it asks for base64 by default). */
class OpenAiSimEmbeddingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SimTestServer sim;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        sim = new SimTestServer();
        client = OpenAIOkHttpClient.builder().baseUrl(sim.baseUrl + "/v1").apiKey(SimTestServer.KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        sim.close();
    }

    private static CreateEmbeddingResponse embed(String model, List<String> inputs) {
        return client.embeddings().create(EmbeddingCreateParams.builder().model(model).inputOfArrayOfStrings(inputs)
                .build());
    }

    @Test
    void theSameInputGetsTheSameUnitVectorAndOthersDiffer() {
        CreateEmbeddingResponse first = embed("text-embedding-3-small", List.of("hello world", "goodbye"));
        CreateEmbeddingResponse again = embed("text-embedding-3-small", List.of("hello world"));
        CreateEmbeddingResponse otherModel = embed("text-embedding-3-large", List.of("hello world"));

        List<Float> hello = first.data().get(0).embedding();
        assertThat(hello).hasSize(1536);
        assertThat(norm(hello)).isCloseTo(1.0, within(1e-4));
        assertThat(again.data().getFirst().embedding()).isEqualTo(hello);
        assertThat(first.data().get(1).embedding()).isNotEqualTo(hello);
        assertThat(otherModel.data().getFirst().embedding()).hasSize(3072);
        assertThat(first.model()).isEqualTo("text-embedding-3-small");
        assertThat(first.usage().promptTokens()).isPositive().isEqualTo(first.usage().totalTokens());
    }

    @Test
    void dimensionsShortenAndRenormaliseWhereTheModelCan() {
        CreateEmbeddingResponse shortened = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("hello world").dimensions(8).build());
        List<Float> vector = shortened.data().getFirst().embedding();
        assertThat(vector).hasSize(8);
        assertThat(norm(vector)).isCloseTo(1.0, within(1e-4));

        HttpResponse<String> fixed = sim.post("/v1/embeddings", auth(),
                "{\"model\":\"text-embedding-ada-002\",\"input\":\"x\",\"dimensions\":8}");
        assertThat(fixed.statusCode()).isEqualTo(400);
        HttpResponse<String> tooLong = sim.post("/v1/embeddings", auth(),
                "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":5000}");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(json(tooLong).path("error").path("param").asText()).isEqualTo("dimensions");
    }

    @Test
    void floatsAndBase64CarryTheSameVector() throws Exception {
        String body = "{\"model\":\"mistral-embed\",\"input\":\"same\"";
        JsonNode floats = json(sim.post("/v1/embeddings", auth(), body + "}"));
        JsonNode base64 = json(sim.post("/mistral/v1/embeddings", auth(), body + ",\"encoding_format\":\"base64\"}"));
        JsonNode array = floats.path("data").get(0).path("embedding");
        assertThat(array.size()).isEqualTo(1024);
        byte[] raw = java.util.Base64.getDecoder().decode(base64.path("data").get(0).path("embedding").asText());
        java.nio.FloatBuffer decoded = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        assertThat(decoded.remaining()).isEqualTo(1024);
        for (int i = 0; i < 1024; i++) {
            assertThat(decoded.get(i)).isEqualTo(array.get(i).floatValue());
        }
    }

    @Test
    void azureDeploymentsEmbedToo() {
        HttpResponse<String> ok = sim.post("/openai/deployments/embed-prod/embeddings?api-version=2024-10-21",
                Map.of("api-key", SimTestServer.KEY), "{\"input\":[[1,2,3],[4]]}");
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode answer = json(ok);
        assertThat(answer.path("data").size()).isEqualTo(2);
        assertThat(answer.path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(sim.post("/openai/deployments/embed-prod/embeddings?api-version=2024-10-21",
                Map.of("api-key", "wrong"), "{\"input\":\"x\"}").statusCode()).isEqualTo(401);
    }

    @Test
    void badInputIsRefusedAsOpenAiRefusesIt() {
        for (String body : List.of("{\"model\":\"text-embedding-3-small\"}",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"\"}",
                "{\"model\":\"text-embedding-3-small\",\"input\":[]}",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"encoding_format\":\"int8\"}")) {
            HttpResponse<String> response = sim.post("/v1/embeddings", auth(), body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(json(response).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        }
        assertThat(sim.post("/v1/embeddings", Map.of(), "{\"model\":\"m\",\"input\":\"x\"}").statusCode())
                .isEqualTo(401);
    }

    @Test
    void theFaultKnobsApply() {
        sim.profile("embed-429", SimTestServer.FAST.toBuilder().rateLimitedRate(1).retryAfterSeconds(4).build());
        sim.profile("embed-500", SimTestServer.FAST.toBuilder().serverErrorRate(1).build());
        assertThatThrownBy(() -> embed("embed-429", List.of("x"))).isInstanceOf(RateLimitException.class);
        assertThatThrownBy(() -> embed("embed-500", List.of("x"))).isInstanceOf(InternalServerException.class);
        assertThat(sim.counters("embed-500").received()).isEqualTo(1);
    }

    private static Map<String, String> auth() {
        return Map.of("authorization", "Bearer " + SimTestServer.KEY, "content-type", "application/json");
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(response.body(), e);
        }
    }

    private static double norm(List<Float> vector) {
        double sum = 0;
        for (float v : vector) {
            sum += v * (double) v;
        }
        return Math.sqrt(sum);
    }
}
