package dev.switchboard.demo;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.DemoTestProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy as a newcomer meets it: demo mode, no key (the proxy is open), the shipped catalog on simulated
 * providers, and the official SDKs crossing protocols — an OpenAI client to Claude on Amazon Bedrock and on Vertex
 * AI, an Anthropic client to Gemini on Vertex AI — streaming and not, with tools.
 */
@QuarkusTest
@TestProfile(DemoTestProfile.class)
class ProxyDemoTest {

    static final SimProfile QUICK = SimProfile.builder().ttftMs(3).ttftSpread(0.1).tokensPerSecond(4000)
            .outputTokens(16).outputTokensSpread(0.1).build();

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    CatalogService catalog;

    OpenAIClient openAi;
    AnthropicClient anthropic;

    @BeforeEach
    void clients() {
        String base = root.toString().replaceAll("/$", "");
        // the SDKs insist on a key; an open proxy takes any
        openAi = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey("any").maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(base).apiKey("any").maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
        // demo profiles are realistic (seconds per answer, an occasional 429): these tests want quick, clean ones
        catalog.current().endpoints().forEach(e -> simulator.server().runtime().profiles().put(e.upstreamId(), QUICK));
    }

    @AfterEach
    void close() {
        openAi.close();
        anthropic.close();
    }

    @Test
    void openAiClientToClaudeOnBedrockStreamingAndNot() {
        String model = "anthropic/claude-sonnet-4:amazon-bedrock";
        ChatCompletion completion = openAi.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(model).addUserMessage("Say hello").build());
        assertThat(completion.choices().getFirst().message().content()).get().asString().isNotBlank();
        assertThat(completion._additionalProperties().get("provider")).isEqualTo(JsonValue.from("amazon-bedrock"));
        assertThat(completion.usage().orElseThrow()._additionalProperties()).containsKey("cost");

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (var stream = openAi.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model(model).addUserMessage("Say hello").build())) {
            stream.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isNotBlank();
        assertThat(chunks.getLast().usage().orElseThrow()._additionalProperties()).containsKey("cost");
    }

    @Test
    void openAiClientCallsToolsOfClaudeOnVertex() {
        ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build()).build()).build();
        ChatCompletion completion = openAi.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("anthropic/claude-sonnet-4:google-vertex").addUserMessage("Weather in Paris?").addTool(weather)
                .build());
        assertThat(completion._additionalProperties().get("provider")).isEqualTo(JsonValue.from("google-vertex"));
        assertThat(completion.choices().getFirst().finishReason())
                .isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(completion.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction()
                .function().name()).isEqualTo("get_weather");
    }

    @Test
    void anthropicClientToGeminiOnVertexStreamingAndNot() {
        String model = "google/gemini-2.5-pro:google-vertex";
        Message message = anthropic.messages().create(MessageCreateParams.builder().model(model).maxTokens(300)
                .addUserMessage("Say hello").build());
        assertThat(message.content().getFirst().text()).hasValueSatisfying(t -> assertThat(t.text()).isNotBlank());
        assertThat(message._additionalProperties().get("provider"))
                .isEqualTo(com.anthropic.core.JsonValue.from("google-vertex"));
        assertThat(message.usage()._additionalProperties()).containsKey("cost");

        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(
                MessageCreateParams.builder().model(model).maxTokens(300).addUserMessage("Say hello").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message streamed = accumulator.message();
        assertThat(streamed.content().getFirst().text()).hasValueSatisfying(t -> assertThat(t.text()).isNotBlank());
        assertThat(streamed.stopReason()).contains(StopReason.END_TURN);
        assertThat(streamed.usage().outputTokens()).isPositive();
    }

    @Test
    void theModelListShowsEverySimulatedModel() {
        var models = openAi.models().list();
        assertThat(models.data()).extracting(m -> m.id()).contains("anthropic/claude-sonnet-4",
                "google/gemini-2.5-pro", "openai/gpt-4.1");
    }
}
