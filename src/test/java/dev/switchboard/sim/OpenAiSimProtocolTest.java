package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
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

/** The OpenAI protocol, with the official openai-java SDK as its client. */
class OpenAiSimProtocolTest {

    private static SimTestServer sim;
    private static OpenAIClient client;

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

    private static OpenAIClient client(String key, Duration timeout) {
        return OpenAIOkHttpClient.builder().baseUrl(sim.baseUrl + "/v1").apiKey(key).maxRetries(0).timeout(timeout)
                .build();
    }

    private static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("What is the weather like in Paris?");
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "city", Map.of("type", "string"),
                                "unit", Map.of("type", "string", "enum", List.of("celsius", "fahrenheit")),
                                "days", Map.of("type", "integer", "minimum", 1, "maximum", 7))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city", "unit", "days")))
                        .build())
                .build()).build();
    }

    @Test
    void nonStreamingChatCompletion() {
        ChatCompletion completion = client.chat().completions().create(ask("oa-plain").build()).validate();

        assertThat(completion.id()).startsWith("chatcmpl-");
        assertThat(completion.model()).isEqualTo("oa-plain");
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.message().content()).get().asString().matches("[A-Z].*[.!]");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isPositive();
        assertThat(usage.completionTokens()).isEqualTo(choice.message().content().orElseThrow().split(" ").length);
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(0L);
        assertThat(sim.awaitCompleted("oa-plain", 1).completed()).isEqualTo(1);
    }

    @Test
    void streamingChatCompletionWithUsage() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletionCreateParams params = ask("oa-stream")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunks.add(chunk.validate()));
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertThat(chunks.get(0).choices().get(0).delta().role()).isPresent();
        assertThat(text.toString()).matches("[A-Z].*[.!]");
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().get(0).finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(text.toString().split(" ").length);
        assertThat(chunks).allSatisfy(c -> assertThat(c.id()).isEqualTo(last.id()));
    }

    @Test
    void streamsArePacedAtTheProfilesTtftAndSpeed() {
        sim.profile("oa-paced", SimProfile.builder().ttftMs(60).ttftSpread(0).tokensPerSecond(400).outputTokens(20)
                .outputTokensSpread(0).build());
        long start = System.nanoTime();
        long[] firstToken = {0};
        try (StreamResponse<ChatCompletionChunk> stream =
                     client.chat().completions().createStreaming(ask("oa-paced").build())) {
            stream.stream().forEach(c -> {
                if (firstToken[0] == 0 && c.choices().get(0).delta().content().filter(s -> !s.isEmpty()).isPresent()) {
                    firstToken[0] = System.nanoTime();
                }
            });
        }
        long ttftMs = (firstToken[0] - start) / 1_000_000;
        long totalMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(ttftMs).isGreaterThanOrEqualTo(55);
        // 19 more tokens at 400 tok/s: 47.5 ms of decode after the first token. Bounded from the start (not from the
        // client's sighting of the first token, which a busy client may make late): the simulator is never faster.
        assertThat(totalMs).isGreaterThanOrEqualTo(60 + 45);
    }

    @Test
    void maxTokensCapsTheAnswerWithFinishReasonLength() {
        sim.profile("oa-long", FAST_LONG);
        ChatCompletion completion = client.chat().completions().create(ask("oa-long").maxCompletionTokens(5).build());
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(5);
    }

    private static final SimProfile FAST_LONG = SimTestServer.FAST.toBuilder().outputTokens(200).build();

    @Test
    void toolCallThenTextAfterTheToolResult() {
        ChatCompletionCreateParams params = ask("oa-tools").addTool(weatherTool()).build();
        ChatCompletion completion = client.chat().completions().create(params).validate();

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).isEmpty();
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.function().name()).isEqualTo("get_weather");
        JsonNode arguments = parse(call.function().arguments());
        assertThat(arguments.path("city").isTextual()).isTrue();
        assertThat(arguments.path("unit").asText()).isIn("celsius", "fahrenheit");
        assertThat(arguments.path("days").asInt()).isBetween(1, 7);

        ChatCompletion answer = client.chat().completions().create(params.toBuilder()
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18 C, sunny").build())
                .build());
        assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.choices().get(0).message().content()).get().asString().isNotBlank();
    }

    @Test
    void streamedToolCallArrivesAsIdAndNameThenArgumentFragments() {
        ChatCompletionCreateParams params = ask("oa-tools-stream").addTool(weatherTool()).build();
        List<ChatCompletionChunk.Choice.Delta.ToolCall> calls = new ArrayList<>();
        ChatCompletionChunk.Choice.FinishReason[] finish = {null};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(c -> c.choices().forEach(ch -> {
                ch.delta().toolCalls().ifPresent(calls::addAll);
                ch.finishReason().ifPresent(f -> finish[0] = f);
            }));
        }
        assertThat(calls.get(0).id()).get().asString().startsWith("call_");
        assertThat(calls.get(0).function().orElseThrow().name()).contains("get_weather");
        StringBuilder arguments = new StringBuilder();
        calls.forEach(c -> c.function().flatMap(f -> f.arguments()).ifPresent(arguments::append));
        assertThat(calls.size()).isGreaterThan(3);
        assertThat(parse(arguments.toString()).has("city")).isTrue();
        assertThat(finish[0]).isEqualTo(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void listsTheModelsWithProfiles() {
        sim.profile("oa-listed", SimTestServer.FAST);
        assertThat(client.models().list().data()).anySatisfy(m -> assertThat(m.id()).isEqualTo("oa-listed"));
    }

    @Test
    void rateLimitIsTheSdksRateLimitExceptionWithRetryAfter() {
        sim.profile("oa-429", SimTestServer.FAST.toBuilder().rateLimitedRate(1).retryAfterSeconds(7).build());
        assertThatThrownBy(() -> client.chat().completions().create(ask("oa-429").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.headers().values("retry-after")).containsExactly("7");
                    assertThat(e.code()).contains("rate_limit_exceeded");
                });
        assertThat(sim.counters("oa-429").errors().rateLimited()).isEqualTo(1);
    }

    @Test
    void serverErrorsAreTheSdksInternalServerException() {
        sim.profile("oa-500", SimTestServer.FAST.toBuilder().serverErrorRate(1).build());
        sim.profile("oa-503", SimTestServer.FAST.toBuilder().unavailableRate(1).build());
        assertThatThrownBy(() -> client.chat().completions().create(ask("oa-500").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        assertThatThrownBy(() -> client.chat().completions().create(ask("oa-503").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(503));
    }

    @Test
    void badKeyIsUnauthorized() {
        OpenAIClient wrong = client("sk-wrong", Duration.ofSeconds(5));
        try {
            assertThatThrownBy(() -> wrong.chat().completions().create(ask("oa-401").build()))
                    .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                        assertThat(e.code()).contains("invalid_api_key");
                        assertThat(e.getMessage()).doesNotContain("sk-wrong");
                    });
        } finally {
            wrong.close();
        }
        assertThat(sim.counters("oa-401").rejected()).isEqualTo(1);
    }

    @Test
    void invalidRequestsGetOpenAisErrorShape() {
        Map<String, String> auth = Map.of("authorization", "Bearer " + SimTestServer.KEY);
        HttpResponse<String> noMessages = sim.post("/v1/chat/completions", auth, "{\"model\":\"oa-400\"}");
        assertThat(noMessages.statusCode()).isEqualTo(400);
        JsonNode error = sim.json(noMessages).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("messages");
        assertThat(error.path("code").asText()).isEqualTo("missing_required_parameter");

        HttpResponse<String> noModel = sim.post("/v1/chat/completions", auth, "{\"messages\":[]}");
        assertThat(noModel.statusCode()).isEqualTo(400);
        assertThat(sim.json(noModel).path("error").path("message").asText()).contains("model");

        HttpResponse<String> notJson = sim.post("/v1/chat/completions", auth, "{nope");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(sim.json(notJson).path("error").path("message").asText()).contains("parse the JSON body");
        assertThat(sim.counters("oa-400").rejected()).isEqualTo(1);
    }

    @Test
    void azureDeploymentFormWithApiKeyHeader() {
        String path = "/openai/deployments/oa-azure/chat/completions?api-version=2024-10-21";
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        HttpResponse<String> ok = sim.post(path, Map.of("api-key", SimTestServer.KEY), body);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(sim.json(ok).path("model").asText()).isEqualTo("oa-azure");
        assertThat(sim.json(ok).path("choices").path(0).path("message").path("content").asText()).isNotBlank();

        assertThat(sim.post(path, Map.of("api-key", "wrong"), body).statusCode()).isEqualTo(401);
        assertThat(sim.post("/openai/deployments/oa-azure/chat/completions", Map.of("api-key", SimTestServer.KEY),
                body).statusCode()).isEqualTo(404);
    }

    @Test
    void malformedChunkBreaksTheSdksStreamParsing() {
        sim.profile("oa-malformed", SimTestServer.FAST.toBuilder().malformedRate(1).build());
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream =
                         client.chat().completions().createStreaming(ask("oa-malformed").build())) {
                stream.stream().forEach(c -> { });
            }
        }).isInstanceOf(OpenAIInvalidDataException.class);
        assertThat(sim.counters("oa-malformed").malformed()).isEqualTo(1);
    }

    @Test
    void malformedBodyBreaksTheSdksParsing() {
        sim.profile("oa-malformed-body", SimTestServer.FAST.toBuilder().malformedRate(1).build());
        assertThatThrownBy(() -> client.chat().completions().create(ask("oa-malformed-body").build()))
                .isInstanceOf(OpenAIInvalidDataException.class);
    }

    @Test
    void abortMidStreamEndsTheSdkStreamWithAnError() {
        sim.profile("oa-abort", SimTestServer.FAST.toBuilder().abortRate(1).build());
        List<String> received = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream =
                         client.chat().completions().createStreaming(ask("oa-abort").build())) {
                stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(received::add)));
            }
        }).isInstanceOf(OpenAIIoException.class);
        assertThat(received).isNotEmpty();
        assertThat(sim.counters("oa-abort").aborted()).isEqualTo(1);
        assertThat(sim.counters("oa-abort").cancelled()).isZero();
    }

    @Test
    void errorInsideTheStreamIsRaisedByTheSdk() {
        sim.profile("oa-midstream", SimTestServer.FAST.toBuilder().midStreamErrorRate(1).build());
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream =
                         client.chat().completions().createStreaming(ask("oa-midstream").build())) {
                stream.stream().forEach(c -> { });
            }
        }).isInstanceOf(SseException.class);
    }

    @Test
    void hangingEndpointTimesOutOnTheClientAndTheServerSeesTheCancellation() {
        sim.profile("oa-hang", SimTestServer.FAST.toBuilder().hangRate(1).build());
        OpenAIClient impatient = client(SimTestServer.KEY, Duration.ofMillis(300));
        long start = System.nanoTime();
        try {
            assertThatThrownBy(() -> impatient.chat().completions().create(ask("oa-hang").build()))
                    .isInstanceOf(OpenAIIoException.class);
        } finally {
            impatient.close();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
        JsonNode counters = sim.awaitRequests("oa-hang", c -> c.path("cancelled").asLong() == 1, Duration.ofSeconds(5));
        assertThat(counters.path("hung").asLong()).isEqualTo(1);
        assertThat(counters.path("completed").asLong()).isZero();
    }

    @Test
    void closingAStreamEarlyIsCountedAsACancellation() {
        sim.profile("oa-cancel", SimTestServer.FAST.toBuilder().tokensPerSecond(100).outputTokens(500)
                .outputTokensSpread(0).build());
        try (StreamResponse<ChatCompletionChunk> stream =
                     client.chat().completions().createStreaming(ask("oa-cancel").build())) {
            assertThat(stream.stream().limit(3).count()).isEqualTo(3);
        }
        JsonNode counters = sim.awaitRequests("oa-cancel", c -> c.path("cancelled").asLong() == 1,
                Duration.ofSeconds(5));
        assertThat(counters.path("completed").asLong()).isZero();
    }

    @Test
    void sameSeedSameText() {
        SimConfig config = SimConfig.defaults().withSeed(SimTestServer.SEED).withDefaultProfile(SimTestServer.FAST);
        List<String> first = texts(config);
        List<String> again = texts(config);
        List<String> otherSeed = texts(config.withSeed(SimTestServer.SEED + 1));
        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        assertThat(first.get(0)).isNotEqualTo(first.get(1));
    }

    /** Two requests for one model and one for another, on a fresh server, streaming and not. */
    private static List<String> texts(SimConfig config) {
        try (SimTestServer fresh = new SimTestServer(config)) {
            OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(fresh.baseUrl + "/v1").apiKey(SimTestServer.KEY)
                    .maxRetries(0).build();
            List<String> texts = new ArrayList<>();
            texts.add(c.chat().completions().create(ask("det-a").build()).choices().get(0).message().content()
                    .orElseThrow());
            texts.add(c.chat().completions().create(ask("det-b").build()).choices().get(0).message().content()
                    .orElseThrow());
            StringBuilder streamed = new StringBuilder();
            try (StreamResponse<ChatCompletionChunk> s = c.chat().completions().createStreaming(ask("det-a").build())) {
                s.stream().forEach(ch -> ch.choices().forEach(x -> x.delta().content().ifPresent(streamed::append)));
            }
            texts.add(streamed.toString());
            c.close();
            return texts;
        }
    }

    private static JsonNode parse(String json) {
        try {
            return SimRuntime.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @Test
    void mistralStreamsEndWithTheirUsageUnasked() {
        HttpResponse<String> response = sim.post("/mistral/v1/chat/completions",
                Map.of("authorization", "Bearer " + SimTestServer.KEY),
                "{\"model\":\"mistral-sim\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = response.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6))
                .toList();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        String finishing = data.get(data.size() - 2);
        assertThat(finishing).contains("\"finish_reason\":\"stop\"").contains("\"completion_tokens\":");
        assertThat(data.subList(0, data.size() - 2)).noneMatch(d -> d.contains("\"usage\""));
    }
}
