package dev.switchboard.sim;

import com.anthropic.bedrock.backends.BedrockBackend;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.regions.Region;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Claude through Bedrock's InvokeModel API, with Anthropic's own Bedrock module as the client: anthropic-java's
 * AnthropicOkHttpClient on a BedrockBackend with static AWS credentials, SigV4-signed by the backend, its base URL
 * pointed at the simulator, retries off.
 */
class BedrockSimInvokeTest {

    private static final String CLAUDE = "us.anthropic.claude-sonnet-4-20250514-v1:0";

    private static SimTestServer sim;
    private static AnthropicClient client;

    @BeforeAll
    static void start() {
        sim = new SimTestServer();
        client = client(AwsBasicCredentials.create(SimConfig.DEFAULT_AWS_ACCESS_KEY_ID,
                SimConfig.DEFAULT_AWS_SECRET_ACCESS_KEY));
    }

    @AfterAll
    static void stop() {
        client.close();
        sim.close();
    }

    private static AnthropicClient client(AwsCredentials credentials) {
        return AnthropicOkHttpClient.builder()
                .backend(BedrockBackend.builder().awsCredentials(credentials).region(Region.US_EAST_1)
                        .baseUrl(sim.baseUrl).build())
                .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }

    private static MessageCreateParams.Builder ask(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(1024)
                .addUserMessage("What is the weather like in Paris?");
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Current weather of a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of(
                                "city", Map.of("type", "string"),
                                "unit", Map.of("type", "string", "enum", List.of("celsius", "fahrenheit")))))
                        .required(List.of("city", "unit"))
                        .build())
                .build();
    }

    private static Message streamed(MessageCreateParams params, List<RawMessageStreamEvent> events) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                events.add(event);
            });
        }
        return accumulator.message();
    }

    @Test
    void invokeAnswersWithClaudesMessage() {
        Message message = client.messages().create(ask(CLAUDE).build()).validate();

        assertThat(message.id()).startsWith("msg_bdrk_01");
        assertThat(message.model().asString()).isEqualTo("claude-sonnet-4-20250514");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        String text = message.content().get(0).text().orElseThrow().text();
        assertThat(text).matches("[A-Z].*[.!]");
        assertThat(message.usage().inputTokens()).isPositive();
        assertThat(message.usage().outputTokens()).isEqualTo(text.split(" ").length);
        assertThat(sim.counters(CLAUDE).completed()).isEqualTo(1);
    }

    @Test
    void invokeWithResponseStreamCarriesClaudesEventsInChunks() {
        List<RawMessageStreamEvent> events = new ArrayList<>();
        Message message = streamed(ask("anthropic.claude-3-5-haiku-20241022-v1:0").build(), events);

        assertThat(events.get(0).isMessageStart()).isTrue();
        assertThat(events.get(0).asMessageStart().message().id()).startsWith("msg_bdrk_01");
        assertThat(events.get(1).isContentBlockStart()).isTrue();
        assertThat(events.subList(2, events.size() - 3)).allMatch(RawMessageStreamEvent::isContentBlockDelta);
        assertThat(events.get(events.size() - 3).isContentBlockStop()).isTrue();
        assertThat(events.get(events.size() - 2).isMessageDelta()).isTrue();
        RawMessageStreamEvent stop = events.get(events.size() - 1);
        assertThat(stop.isMessageStop()).isTrue();
        Map<String, JsonValue> extra = stop.asMessageStop()._additionalProperties();
        JsonNode metrics = SimRuntime.JSON.valueToTree(extra.get("amazon-bedrock-invocationMetrics")
                .convert(Map.class));
        String text = message.content().get(0).text().orElseThrow().text();
        assertThat(message.model().asString()).isEqualTo("claude-3-5-haiku-20241022");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isEqualTo(text.split(" ").length);
        assertThat(metrics.path("outputTokenCount").asLong()).isEqualTo(message.usage().outputTokens());
        assertThat(metrics.path("inputTokenCount").asLong()).isEqualTo(message.usage().inputTokens());
        assertThat(metrics.path("invocationLatency").asLong()).isGreaterThanOrEqualTo(
                metrics.path("firstByteLatency").asLong());
    }

    @Test
    void toolUseThenTextAfterTheToolResult() {
        MessageCreateParams params = ask("anthropic.claude-invoke-tools").addTool(weatherTool()).build();
        Message message = client.messages().create(params).validate();

        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock toolUse = message.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(toolUse.id()).startsWith("toolu_bdrk_01");
        assertThat(toolUse.name()).isEqualTo("get_weather");
        JsonNode input = SimRuntime.JSON.valueToTree(toolUse._input().convert(Map.class));
        assertThat(input.path("city").isTextual()).isTrue();
        assertThat(input.path("unit").asText()).isIn("celsius", "fahrenheit");

        Message answer = client.messages().create(params.toBuilder()
                .addMessage(message)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(toolUse.id()).content("18 C, sunny").build())))
                .build()).validate();
        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
        assertThat(answer.content().get(0).text()).isPresent();
    }

    @Test
    void streamedToolUseArrivesAsInputJsonDeltas() {
        List<RawMessageStreamEvent> events = new ArrayList<>();
        Message message = streamed(ask("anthropic.claude-invoke-tools-stream").addTool(weatherTool()).build(),
                events);

        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock toolUse = message.content().get(0).toolUse().orElseThrow();
        assertThat(toolUse.id()).startsWith("toolu_bdrk_01");
        JsonNode input = SimRuntime.JSON.valueToTree(toolUse._input().convert(Map.class));
        assertThat(input.has("city")).isTrue();
        assertThat(events.stream().filter(RawMessageStreamEvent::isContentBlockDelta).count()).isGreaterThan(3);
    }

    @Test
    void throttlingIsTheSdksRateLimitException() {
        String model = "anthropic.claude-invoke-429";
        sim.profile(model, SimTestServer.FAST.toBuilder().rateLimitedRate(1).build());
        assertThatThrownBy(() -> client.messages().create(ask(model).build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.headers().values("x-amzn-ErrorType").get(0)).startsWith("ThrottlingException:");
                });
        assertThatThrownBy(() -> streamed(ask(model).build(), new ArrayList<>()))
                .isInstanceOf(RateLimitException.class);
    }

    @Test
    void serverErrorIsInternalServerException() {
        String model = "anthropic.claude-invoke-500";
        sim.profile(model, SimTestServer.FAST.toBuilder().serverErrorRate(1).build());
        assertThatThrownBy(() -> client.messages().create(ask(model).build()))
                .isInstanceOf(InternalServerException.class);
    }

    @Test
    void aWrongSecretIsRefusedWithBedrocks403() {
        String model = "anthropic.claude-invoke-403";
        AnthropicClient wrong = client(AwsBasicCredentials.create(SimConfig.DEFAULT_AWS_ACCESS_KEY_ID,
                "wrongSecretAccessKey0000000000000000000"));
        try {
            assertThatThrownBy(() -> wrong.messages().create(ask(model).build()))
                    .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.headers().values("x-amzn-ErrorType").get(0))
                                .startsWith("InvalidSignatureException:");
                        assertThat(e.getMessage()).contains("The request signature we calculated does not match");
                    });
        } finally {
            wrong.close();
        }
        assertThat(sim.counters(model).rejected()).isEqualTo(1);
    }

    @Test
    void anExceptionFrameMidStreamEndsTheSdkStreamWithAnError() {
        String model = "anthropic.claude-invoke-midstream";
        sim.profile(model, SimTestServer.FAST.toBuilder().midStreamErrorRate(1).build());
        assertThatThrownBy(() -> streamed(ask(model).build(), new ArrayList<>()))
                .isInstanceOf(AnthropicException.class);
        assertThat(sim.counters(model).midStreamErrors()).isEqualTo(1);
    }

    @Test
    void aMalformedChunkBreaksTheSdksDecoding() {
        String model = "anthropic.claude-invoke-malformed";
        sim.profile(model, SimTestServer.FAST.toBuilder().malformedRate(1).build());
        assertThatThrownBy(() -> streamed(ask(model).build(), new ArrayList<>()))
                .isInstanceOf(AnthropicException.class);
    }
}
