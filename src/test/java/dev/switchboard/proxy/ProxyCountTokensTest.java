package dev.switchboard.proxy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageTokensCount;
import com.anthropic.models.messages.Tool;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.TokenEstimate;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimTokenCount;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static dev.switchboard.proxy.ProxyTestSupport.KEY;
import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/messages/count_tokens} through the official Anthropic SDK: the provider's own count from an
 * Anthropic-kind endpoint, from Bedrock's CountTokens and from Claude on Vertex (each pinned by its {@code :provider}
 * suffix) and from Gemini on Vertex's countTokens, fail-over to the next counting provider, and the flagged estimate for an OpenAI-kind endpoint. The
 * simulator counts words + 3 per message + 4 ({@link SimTokenCount}), which the chars/4 estimate never matches
 * for these prompts, so each answer shows who counted.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxyCountTokensTest {

    /** Five words in one user message: 5 + 3 + 4 by the simulator's rule. */
    private static final String PROMPT = "one two three four five";
    private static final long SIM_COUNT = 5 + SimTokenCount.PER_MESSAGE + SimTokenCount.PER_REQUEST;

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    AnthropicClient anthropic;
    String base;

    @BeforeEach
    void client() {
        base = root.toString().replaceAll("/$", "");
        anthropic = ProxyTestSupport.anthropicSdk(base, KEY);
        for (String model : List.of("counter-an", "counter-br", "claude-counter-vx", "counter-oa",
                "gemini-counter-vx")) {
            ProxyTestSupport.profile(simulator, model, QUICK);
        }
    }

    @AfterEach
    void close() {
        anthropic.close();
    }

    private HttpResponseFor<MessageTokensCount> count(String model) {
        return anthropic.messages().withRawResponse().countTokens(MessageCountTokensParams.builder().model(model)
                .addUserMessage(PROMPT).build());
    }

    @Test
    void anthropicKindEndpointCountsWithTheProvidersOwnCount() {
        long before = ProxyTestSupport.received(simulator, "counter-an");
        HttpResponseFor<MessageTokensCount> raw = count(TestCatalog.COUNTER);
        MessageTokensCount count = raw.parse();

        assertThat(count.inputTokens()).isEqualTo(SIM_COUNT);
        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("route-anthropic");
        assertThat(raw.headers().values("x-switchboard-token-count")).containsExactly("provider");
        assertThat(count._additionalProperties()).doesNotContainKey("estimated");
        assertThat(ProxyTestSupport.received(simulator, "counter-an")).isEqualTo(before + 1);
    }

    @Test
    void bedrockCountsThroughCountTokensWhenPinned() {
        long before = ProxyTestSupport.received(simulator, "counter-br");
        HttpResponseFor<MessageTokensCount> raw = count(TestCatalog.COUNTER + ":route-bedrock");

        assertThat(raw.parse().inputTokens()).isEqualTo(SIM_COUNT);
        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("route-bedrock");
        assertThat(ProxyTestSupport.received(simulator, "counter-br")).isEqualTo(before + 1);
    }

    @Test
    void claudeOnVertexCountsThroughCountTokensRawPredictWhenPinned() {
        long before = ProxyTestSupport.received(simulator, "claude-counter-vx");
        HttpResponseFor<MessageTokensCount> raw = count(TestCatalog.COUNTER + ":route-vertex");

        assertThat(raw.parse().inputTokens()).isEqualTo(SIM_COUNT);
        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("route-vertex");
        assertThat(ProxyTestSupport.received(simulator, "claude-counter-vx")).isEqualTo(before + 1);
    }

    @Test
    void geminiOnVertexCountsThroughCountTokens() {
        long before = ProxyTestSupport.received(simulator, "gemini-counter-vx");
        HttpResponseFor<MessageTokensCount> raw = count(TestCatalog.COUNTER_GEMINI);
        MessageTokensCount count = raw.parse();

        assertThat(count.inputTokens()).isEqualTo(SIM_COUNT);
        assertThat(count._additionalProperties()).doesNotContainKey("estimated");
        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("route-vertex");
        assertThat(raw.headers().values("x-switchboard-token-count")).containsExactly("provider");
        assertThat(ProxyTestSupport.received(simulator, "gemini-counter-vx")).isEqualTo(before + 1);

        // the system instruction and the function declarations go to countTokens as well
        MessageTokensCount withTools = anthropic.messages().countTokens(MessageCountTokensParams.builder()
                .model(TestCatalog.COUNTER_GEMINI).system("Be brief").addUserMessage(PROMPT)
                .addTool(Tool.builder().name("get_weather").description("The weather in a city")
                        .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(Map.of("city",
                                Map.of("type", "string")))).build()).build())
                .build());
        assertThat(withTools.inputTokens()).isEqualTo(SIM_COUNT + 2 + 1 + 5);
        assertThat(withTools._additionalProperties()).doesNotContainKey("estimated");
    }

    @Test
    void aFailingGeminiCountFallsBackToTheFlaggedEstimate() {
        ProxyTestSupport.profile(simulator, "gemini-counter-vx", QUICK.toBuilder().serverErrorRate(1.0).build());
        try {
            long before = ProxyTestSupport.received(simulator, "gemini-counter-vx");
            HttpResponseFor<MessageTokensCount> raw = count(TestCatalog.COUNTER_GEMINI);
            assertThat(raw.parse()._additionalProperties().get("estimated")).isEqualTo(JsonValue.from(true));
            assertThat(raw.headers().values("x-switchboard-token-count")).containsExactly("estimate");
            assertThat(ProxyTestSupport.received(simulator, "gemini-counter-vx")).isEqualTo(before + 1);
        } finally {
            ProxyTestSupport.profile(simulator, "gemini-counter-vx", QUICK);
        }
    }

    @Test
    void openAiKindEndpointGetsTheFlaggedEstimateNeverZero() {
        long before = ProxyTestSupport.received(simulator, "counter-oa");
        // long words, so that chars/4 (17) and the simulator's words + framing (9) differ
        String prompt = "antidisestablishmentarianism notwithstanding";
        HttpResponseFor<MessageTokensCount> raw = anthropic.messages().withRawResponse().countTokens(
                MessageCountTokensParams.builder().model(TestCatalog.COUNTER + ":route-openai")
                        .addUserMessage(prompt).build());
        MessageTokensCount count = raw.parse();

        long expected = TokenEstimate.of(ChatRequest.builder("x").user(prompt).build());
        assertThat(expected).isEqualTo(17);
        assertThat(count.inputTokens()).isEqualTo(expected);
        assertThat(count._additionalProperties().get("estimated")).isEqualTo(JsonValue.from(true));
        assertThat(count._additionalProperties().get("method")).isEqualTo(JsonValue.from(TokenEstimate.METHOD));
        assertThat(raw.headers().values("x-switchboard-token-count")).containsExactly("estimate");
        assertThat(raw.headers().values("x-switchboard-provider")).isEmpty();
        // nothing went upstream: an OpenAI-compatible API has no count to ask for
        assertThat(ProxyTestSupport.received(simulator, "counter-oa")).isEqualTo(before);
    }

    @Test
    void aFailingCounterFailsOverToTheNextProviderThatCounts() {
        ProxyTestSupport.profile(simulator, "counter-an", QUICK.toBuilder().serverErrorRate(1.0).build());
        try {
            long failed = ProxyTestSupport.received(simulator, "counter-an");
            HttpResponseFor<MessageTokensCount> raw = count(TestCatalog.COUNTER);

            assertThat(raw.parse().inputTokens()).isEqualTo(SIM_COUNT);
            assertThat(raw.headers().values("x-switchboard-provider").getFirst())
                    .isIn("route-bedrock", "route-vertex");
            assertThat(ProxyTestSupport.received(simulator, "counter-an")).isEqualTo(failed + 1);
        } finally {
            ProxyTestSupport.profile(simulator, "counter-an", QUICK);
        }
    }

    @Test
    void systemPromptAndToolsAreCountedToo() {
        MessageTokensCount count = anthropic.messages().countTokens(MessageCountTokensParams.builder()
                .model(TestCatalog.COUNTER).system("Be brief").addUserMessage(PROMPT)
                .addTool(Tool.builder().name("get_weather").description("The weather in a city")
                        .inputSchema(Tool.InputSchema.builder().properties(JsonValue.from(Map.of("city",
                                Map.of("type", "string")))).build()).build())
                .build());
        // 5 prompt words, 2 system words, the tool's name (1) and description (5), then the framing
        assertThat(count.inputTokens()).isEqualTo(SIM_COUNT + 2 + 1 + 5);
    }

    @Test
    void everyProviderFailingStillAnswersTheFlaggedEstimateAndSaysWhy() {
        SimProfile failing = QUICK.toBuilder().serverErrorRate(1.0).build();
        for (String model : List.of("counter-an", "counter-br", "claude-counter-vx")) {
            ProxyTestSupport.profile(simulator, model, failing);
        }
        try {
            HttpResponse<String> response = post("/v1/messages/count_tokens", """
                    {"model": "routelab/counter", "messages": [{"role": "user", "content": "one two three four five"}]}
                    """, KEY);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = ProxyTestSupport.json(response);
            assertThat(body.path("estimated").asBoolean()).isTrue();
            assertThat(body.path("input_tokens").asInt()).isPositive();
            assertThat(body.path("note").asText()).contains("route-anthropic", "route-bedrock", "route-vertex");
            assertThat(response.headers().firstValue("x-switchboard-token-count")).hasValue("estimate");
        } finally {
            for (String model : List.of("counter-an", "counter-br", "claude-counter-vx")) {
                ProxyTestSupport.profile(simulator, model, QUICK);
            }
        }
    }

    @Test
    void servedUnderApiV1Too() {
        HttpResponse<String> response = post("/api/v1/messages/count_tokens", """
                {"model": "routelab/counter", "messages": [{"role": "user", "content": "one two three four five"}]}
                """, KEY);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ProxyTestSupport.json(response).path("input_tokens").asLong()).isEqualTo(SIM_COUNT);
    }

    @Test
    void badInputIsRefusedInAnthropicsErrorShape() {
        String ok = """
                {"model": "routelab/counter", "messages": [{"role": "user", "content": "hi"}]}""";
        assertError(post("/v1/messages/count_tokens", ok, "sb-not-a-key"), 401, "authentication_error");
        assertError(post("/v1/messages/count_tokens", """
                {"model": "nobody/nothing", "messages": [{"role": "user", "content": "hi"}]}""", KEY), 404,
                "not_found_error");
        assertError(post("/v1/messages/count_tokens", """
                {"model": "routelab/counter"}""", KEY), 400, "invalid_request_error");
        assertError(post("/v1/messages/count_tokens", """
                {"model": "routelab/counter", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}""",
                KEY), 400, "invalid_request_error");
        assertError(post("/v1/messages/count_tokens", "{not json", KEY), 400, "invalid_request_error");
        HttpResponse<String> get = ProxyTestSupport.get(base, "/v1/messages/count_tokens");
        assertThat(get.statusCode()).isEqualTo(405);
    }

    private static void assertError(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = ProxyTestSupport.json(response);
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo(type);
        assertThat(body.path("error").path("message").asText()).isNotBlank().doesNotContain("Exception");
    }

    private HttpResponse<String> post(String path, String body, String key) {
        return ProxyTestSupport.post(base, path, body, Map.of("x-api-key", key, "anthropic-version", "2023-06-01"));
    }
}
