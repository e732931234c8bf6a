package dev.switchboard.sim;

import com.anthropic.bedrock.backends.BedrockBackend;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.SseException;
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
import software.amazon.eventstream.MessageDecoder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
        assertThat(sim.awaitCompleted(CLAUDE, 1).completed()).isEqualTo(1);
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
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(toolUse.id()).content("18 C, sunny").build())))
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
    void anExceptionFrameMidStreamIsTheSdksSseError() {
        String model = "anthropic.claude-invoke-midstream";
        sim.profile(model, SimTestServer.FAST.toBuilder().midStreamErrorRate(1).build());
        assertThatThrownBy(() -> streamed(ask(model).build(), new ArrayList<>()))
                .isInstanceOf(SseException.class)
                .hasMessageContaining("\"type\":\"modelStreamErrorException\"")
                .hasMessageContaining("The model returned an error: Overloaded");
        assertThat(sim.counters(model).midStreamErrors()).isEqualTo(1);
    }

    @Test
    void theBodyIsCheckedAsBedrockChecksIt() {
        Map<String, String> apiKey = Map.of("authorization", "Bearer " + SimTestServer.KEY,
                "content-type", "application/json");
        String messages = "\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
        HttpResponse<String> noVersion = sim.post("/model/anthropic.claude-invoke-400/invoke", apiKey,
                "{" + messages + "}");
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(noVersion.headers().firstValue("x-amzn-ErrorType")).get().asString()
                .startsWith("ValidationException:");
        assertThat(sim.json(noVersion).path("message").asText())
                .isEqualTo("Malformed input request: #: required key [anthropic_version] not found, please reformat "
                        + "your input and try again.");

        HttpResponse<String> withModel = sim.post("/model/anthropic.claude-invoke-400/invoke", apiKey,
                "{\"anthropic_version\":\"bedrock-2023-05-31\",\"model\":\"claude\"," + messages + "}");
        assertThat(sim.json(withModel).path("message").asText()).contains("extraneous key [model] is not permitted");

        HttpResponse<String> badVersion = sim.post("/model/anthropic.claude-invoke-400/invoke", apiKey,
                "{\"anthropic_version\":\"claude-3\"," + messages + "}");
        assertThat(sim.json(badVersion).path("message").asText()).isEqualTo("Invalid API version: claude-3");

        HttpResponse<String> ok = sim.post("/model/anthropic.claude-invoke-400/invoke", apiKey,
                "{\"anthropic_version\":\"bedrock-2023-05-31\"," + messages + "}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-Amzn-Bedrock-Output-Token-Count")).get()
                .isEqualTo(sim.json(ok).path("usage").path("output_tokens").asText());
        assertThat(sim.counters("anthropic.claude-invoke-400").rejected()).isEqualTo(3);
    }

    @Test
    void unsignedRequestsGetAwsAuthErrors() {
        HttpResponse<String> none = sim.post("/model/anthropic.claude-invoke-raw/invoke-with-response-stream",
                Map.of("content-type", "application/json"), "{}");
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.headers().firstValue("x-amzn-ErrorType")).get().asString()
                .startsWith("MissingAuthenticationTokenException");
    }

    @Test
    void streamFramesAreChunksOfBase64EventsWithoutPings() throws Exception {
        HttpResponse<byte[]> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sim.baseUrl + "/model/anthropic.claude-invoke-frames/invoke-with-response-stream"))
                .header("authorization", "Bearer " + SimTestServer.KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"anthropic_version\":\"bedrock-2023-05-31\","
                        + "\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(raw.headers().firstValue("content-type")).contains("application/vnd.amazon.eventstream");
        assertThat(raw.headers().firstValue("x-amzn-bedrock-content-type")).contains("application/json");
        List<software.amazon.eventstream.Message> frames = new ArrayList<>();
        new MessageDecoder(frames::add).feed(raw.body());
        List<String> types = new ArrayList<>();
        for (software.amazon.eventstream.Message frame : frames) {
            assertThat(frame.getHeaders().get(":event-type").getString()).isEqualTo("chunk");
            assertThat(frame.getHeaders().get(":message-type").getString()).isEqualTo("event");
            assertThat(frame.getHeaders().get(":content-type").getString()).isEqualTo("application/json");
            JsonNode payload = SimRuntime.JSON.readTree(frame.getPayload());
            types.add(SimRuntime.JSON.readTree(Base64.getDecoder().decode(payload.path("bytes").asText()))
                    .path("type").asText());
        }
        assertThat(types).doesNotContain("ping");
        assertThat(types.subList(0, 2)).containsExactly("message_start", "content_block_start");
        assertThat(types.subList(types.size() - 3, types.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
    }

    @Test
    void aMalformedChunkBreaksTheSdksDecoding() {
        String model = "anthropic.claude-invoke-malformed";
        sim.profile(model, SimTestServer.FAST.toBuilder().malformedRate(1).build());
        assertThatThrownBy(() -> streamed(ask(model).build(), new ArrayList<>()))
                .isInstanceOf(AnthropicIoException.class);
        assertThat(sim.counters(model).malformed()).isEqualTo(1);
    }
}
