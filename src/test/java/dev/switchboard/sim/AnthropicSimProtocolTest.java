package dev.switchboard.sim;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicInvalidDataException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.SseException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Anthropic protocol, with the official anthropic-java SDK as its client. */
class AnthropicSimProtocolTest {

    private static SimTestServer sim;
    private static AnthropicClient client;

    @BeforeAll
    static void start() {
        sim = new SimTestServer();
        client = client(SimTestServer.KEY, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        client.close();
        sim.close();
    }

    private static AnthropicClient client(String key, Duration timeout) {
        return AnthropicOkHttpClient.builder().baseUrl(sim.baseUrl).apiKey(key).maxRetries(0).timeout(timeout).build();
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

    private static Message streamed(MessageCreateParams params, List<String> eventTypes) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                eventTypes.add(type(event));
            });
        }
        return accumulator.message();
    }

    private static String type(RawMessageStreamEvent event) {
        if (event.isMessageStart()) return "message_start";
        if (event.isContentBlockStart()) return "content_block_start";
        if (event.isContentBlockDelta()) return "content_block_delta";
        if (event.isContentBlockStop()) return "content_block_stop";
        if (event.isMessageDelta()) return "message_delta";
        if (event.isMessageStop()) return "message_stop";
        return "unknown";
    }

    @Test
    void nonStreamingMessage() {
        Message message = client.messages().create(ask("an-plain").build()).validate();

        assertThat(message.id()).startsWith("msg_01");
        assertThat(message.model().asString()).isEqualTo("an-plain");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        String text = message.content().get(0).text().orElseThrow().text();
        assertThat(text).matches("[A-Z].*[.!]");
        assertThat(message.usage().inputTokens()).isPositive();
        assertThat(message.usage().outputTokens()).isEqualTo(text.split(" ").length);
        assertThat(message.usage().cacheReadInputTokens()).contains(0L);
        assertThat(message.usage().cacheCreationInputTokens()).contains(0L);
    }

    @Test
    void streamingMessageHasTheRealEventSequence() {
        List<String> types = new ArrayList<>();
        Message message = streamed(ask("an-stream").build(), types);

        assertThat(types.get(0)).isEqualTo("message_start");
        assertThat(types.get(1)).isEqualTo("content_block_start");
        assertThat(types.subList(2, types.size() - 3)).containsOnly("content_block_delta");
        assertThat(types.subList(types.size() - 3, types.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        String text = message.content().get(0).text().orElseThrow().text();
        assertThat(message.usage().outputTokens()).isEqualTo(text.split(" ").length);
    }

    @Test
    void streamSendsPingAfterTheFirstBlockStart() {
        HttpResponse<String> raw = sim.post("/v1/messages", headers(),
                "{\"model\":\"an-raw\",\"max_tokens\":64,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
        List<String> events = raw.body().lines().filter(l -> l.startsWith("event: ")).map(l -> l.substring(7)).toList();
        assertThat(events.subList(0, 3)).containsExactly("message_start", "content_block_start", "ping");
        assertThat(events.get(events.size() - 1)).isEqualTo("message_stop");
    }

    @Test
    void toolUseThenTextAfterTheToolResult() {
        MessageCreateParams params = ask("an-tools").addTool(weatherTool()).build();
        Message message = client.messages().create(params).validate();

        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock toolUse = message.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(toolUse.id()).startsWith("toolu_01");
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
        List<String> types = new ArrayList<>();
        Message message = streamed(ask("an-tools-stream").addTool(weatherTool()).build(), types);

        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock toolUse = message.content().get(0).toolUse().orElseThrow();
        assertThat(toolUse.name()).isEqualTo("get_weather");
        JsonNode input = SimRuntime.JSON.valueToTree(toolUse._input().convert(Map.class));
        assertThat(input.has("city")).isTrue();
        assertThat(types.stream().filter("content_block_delta"::equals).count()).isGreaterThan(3);
    }

    @Test
    void thinkingBlockComesFirstWithItsSignature() {
        MessageCreateParams params = ask("an-think").maxTokens(4096).enabledThinking(1024).build();
        Message message = client.messages().create(params).validate();
        assertThat(message.content()).hasSize(2);
        assertThat(message.content().get(0).thinking().orElseThrow().thinking()).isNotBlank();
        assertThat(message.content().get(0).thinking().orElseThrow().signature()).isNotBlank();
        assertThat(message.content().get(1).text()).isPresent();

        Message streamed = streamed(ask("an-think-stream").maxTokens(4096).enabledThinking(1024).build(),
                new ArrayList<>());
        ContentBlock thinking = streamed.content().get(0);
        assertThat(thinking.thinking().orElseThrow().thinking()).isNotBlank();
        assertThat(thinking.thinking().orElseThrow().signature()).isNotBlank();
        assertThat(streamed.content().get(1).text().orElseThrow().text()).isNotBlank();
    }

    @Test
    void maxTokensCapsTheAnswer() {
        sim.profile("an-long", SimTestServer.FAST.toBuilder().outputTokens(300).build());
        Message message = client.messages().create(ask("an-long").maxTokens(7).build());
        assertThat(message.stopReason()).contains(StopReason.MAX_TOKENS);
        assertThat(message.usage().outputTokens()).isEqualTo(7);
    }

    @Test
    void promptCachingWritesThenReadsTheMarkedPrefix() {
        String longSystem = "You answer questions about the weather. ".repeat(200);
        MessageCreateParams params = ask("an-cache").systemOfTextBlockParams(List.of(TextBlockParam.builder()
                .text(longSystem).cacheControl(CacheControlEphemeral.builder().build()).build())).build();

        Message first = client.messages().create(params);
        Message second = client.messages().create(params);
        assertThat(first.usage().cacheCreationInputTokens()).get().asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.LONG).isGreaterThan(1000L);
        assertThat(first.usage().cacheReadInputTokens()).contains(0L);
        assertThat(second.usage().cacheReadInputTokens()).isEqualTo(first.usage().cacheCreationInputTokens());
        assertThat(second.usage().cacheCreationInputTokens()).contains(0L);
        assertThat(second.usage().inputTokens()).isEqualTo(first.usage().inputTokens());
    }

    @Test
    void requiredHeadersAndFieldsAreChecked() {
        String body = "{\"model\":\"an-400\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        HttpResponse<String> noMaxTokens = sim.post("/v1/messages", headers(), body);
        assertThat(noMaxTokens.statusCode()).isEqualTo(400);
        assertThat(sim.json(noMaxTokens).path("type").asText()).isEqualTo("error");
        assertThat(sim.json(noMaxTokens).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(sim.json(noMaxTokens).path("error").path("message").asText()).isEqualTo("max_tokens: Field required");

        HttpResponse<String> noVersion = sim.post("/v1/messages", Map.of("x-api-key", SimTestServer.KEY), body);
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(sim.json(noVersion).path("error").path("message").asText())
                .isEqualTo("anthropic-version: header is required");

        HttpResponse<String> badKey = sim.post("/v1/messages",
                Map.of("x-api-key", "sk-ant-wrong", "anthropic-version", "2023-06-01"), body);
        assertThat(badKey.statusCode()).isEqualTo(401);
        assertThat(sim.json(badKey).path("error").path("message").asText()).isEqualTo("invalid x-api-key");

        HttpResponse<String> noKey = sim.post("/v1/messages", Map.of("anthropic-version", "2023-06-01"), body);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(sim.json(noKey).path("error").path("type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void badKeyIsUnauthorized() {
        AnthropicClient wrong = client("sk-ant-wrong", Duration.ofSeconds(5));
        try {
            assertThatThrownBy(() -> wrong.messages().create(ask("an-401").build()))
                    .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(401);
                        assertThat(e.getMessage()).contains("authentication_error").doesNotContain("sk-ant-wrong");
                    });
        } finally {
            wrong.close();
        }
        assertThat(sim.counters("an-401").rejected()).isEqualTo(1);
    }

    @Test
    void overloadedIsThe529OverloadedException() {
        sim.profile("an-529", SimTestServer.FAST.toBuilder().overloadedRate(1).build());
        assertThatThrownBy(() -> client.messages().create(ask("an-529").build()))
                .isInstanceOfSatisfying(OverloadedException.class, e -> assertThat(e.statusCode()).isEqualTo(529));
        assertThat(sim.counters("an-529").errors().overloaded()).isEqualTo(1);
    }

    @Test
    void rateLimitCarriesRetryAfter() {
        sim.profile("an-429", SimTestServer.FAST.toBuilder().rateLimitedRate(1).retryAfterSeconds(3).build());
        assertThatThrownBy(() -> client.messages().create(ask("an-429").build()))
                .isInstanceOfSatisfying(RateLimitException.class,
                        e -> assertThat(e.headers().values("retry-after")).containsExactly("3"));
    }

    @Test
    void serverErrorIsInternalServerException() {
        sim.profile("an-500", SimTestServer.FAST.toBuilder().serverErrorRate(1).build());
        assertThatThrownBy(() -> client.messages().create(ask("an-500").build()))
                .isInstanceOf(InternalServerException.class);
    }

    @Test
    void errorEventMidStreamIsRaisedAsOverloaded() {
        sim.profile("an-midstream", SimTestServer.FAST.toBuilder().midStreamErrorRate(1).build());
        assertThatThrownBy(() -> streamed(ask("an-midstream").build(), new ArrayList<>()))
                .isInstanceOfSatisfying(SseException.class, e -> assertThat(e.getMessage()).contains("overloaded"));
        assertThat(sim.counters("an-midstream").midStreamErrors()).isEqualTo(1);
    }

    @Test
    void malformedEventBreaksTheSdksParsing() {
        sim.profile("an-malformed", SimTestServer.FAST.toBuilder().malformedRate(1).build());
        assertThatThrownBy(() -> streamed(ask("an-malformed").build(), new ArrayList<>()))
                .isInstanceOf(AnthropicInvalidDataException.class);
    }

    @Test
    void abortMidStreamEndsTheSdkStreamWithAnError() {
        sim.profile("an-abort", SimTestServer.FAST.toBuilder().abortRate(1).build());
        assertThatThrownBy(() -> streamed(ask("an-abort").build(), new ArrayList<>()))
                .isInstanceOf(AnthropicIoException.class);
        assertThat(sim.counters("an-abort").aborted()).isEqualTo(1);
    }

    @Test
    void hangingEndpointTimesOutOnTheClient() {
        sim.profile("an-hang", SimTestServer.FAST.toBuilder().hangRate(1).build());
        AnthropicClient impatient = client(SimTestServer.KEY, Duration.ofMillis(300));
        try {
            assertThatThrownBy(() -> impatient.messages().create(ask("an-hang").build()))
                    .isInstanceOf(AnthropicIoException.class);
        } finally {
            impatient.close();
        }
        sim.awaitRequests("an-hang", c -> c.path("cancelled").asLong() == 1, Duration.ofSeconds(5));
    }

    private static Map<String, String> headers() {
        return Map.of("x-api-key", SimTestServer.KEY, "anthropic-version", "2023-06-01");
    }
}
