package dev.switchboard.api.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.SseException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What we encode, read by the official OpenAI Java SDK from a tiny JDK HTTP server: proof that real clients take
 * our answers, streams, mid-stream errors and error bodies as OpenAI's own.
 */
class OpenAiSdkCompatibilityTest {

    static HttpServer server;
    static volatile int status;
    static volatile String contentType;
    static volatile byte[] body;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        client = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .apiKey("sk-test")
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop(0);
    }

    static void serve(int status, String contentType, byte[] body) {
        OpenAiSdkCompatibilityTest.status = status;
        OpenAiSdkCompatibilityTest.contentType = contentType;
        OpenAiSdkCompatibilityTest.body = body;
    }

    static ChatCompletionCreateParams params() {
        return ChatCompletionCreateParams.builder().model("openai/gpt-4.1").addUserMessage("Hi").build();
    }

    static final Served SERVED = new Served("gen-1", "openai/gpt-4.1", "azure", 1750000000L, null);

    @Test
    void streamIsAccumulatedIntoContentToolCallsFinishReasonAndUsage() {
        OpenAiSseEncoder encoder = new OpenAiSseEncoder(SERVED, false);
        ByteArrayOutputStream sse = new ByteArrayOutputStream();
        sse.writeBytes(OpenAiSseEncoder.keepAlive());
        OpenAiSseEncoderTest.TEXT_AND_TOOLS.forEach(e -> sse.writeBytes(encoder.onEvent(e)));
        sse.writeBytes(encoder.end(null, new BigDecimal("0.00021")));
        serve(200, "text/event-stream", sse.toByteArray());

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion completion = accumulator.chatCompletion();
        assertThat(completion.id()).isEqualTo("gen-1");
        assertThat(completion.model()).isEqualTo("openai/gpt-4.1");
        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.message().content()).contains("Hello");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).asFunction().id()).isEqualTo("call_a");
        assertThat(calls.get(0).asFunction().function().name()).isEqualTo("get_weather");
        assertThat(calls.get(0).asFunction().function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(calls.get(1).asFunction().function().name()).isEqualTo("now");
        assertThat(calls.get(1).asFunction().function().arguments()).isEmpty();
        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(50);
        assertThat(usage.completionTokens()).isEqualTo(20);
        assertThat(usage.totalTokens()).isEqualTo(70);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).contains(5L);
        assertThat(usage._additionalProperties().get("cost").asNumber().map(n -> ((Number) n).doubleValue()).orElseThrow())
                .isEqualTo(0.00021);
    }

    @Test
    void midStreamErrorMakesTheSdkThrowRatherThanEndCleanly() {
        OpenAiSseEncoder encoder = new OpenAiSseEncoder(SERVED, false);
        ByteArrayOutputStream sse = new ByteArrayOutputStream();
        sse.writeBytes(encoder.onEvent(new ChatEvent.TextDelta("Hel")));
        sse.writeBytes(encoder.error(new ProxyError(ProxyErrorType.UPSTREAM_FAILED,
                "The provider azure failed mid-stream: connection reset.", null, null)));
        serve(200, "text/event-stream", sse.toByteArray());

        StringBuilder seen = new StringBuilder();
        Throwable thrown = catchThrowable(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                    .createStreaming(params())) {
                stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(seen::append)));
            }
        });
        assertThat(seen.toString()).isEqualTo("Hel");
        assertThat(thrown).isInstanceOf(SseException.class);
        assertThat(((SseException) thrown).body().toString()).contains("connection reset");
    }

    @Test
    void nonStreamingAnswerIsReadBack() {
        ChatResponse response = new ChatResponse("up", "gpt-4.1", List.of(ContentPart.Reasoning.of("Hmm."),
                ContentPart.Text.of("Hello"), new ContentPart.ToolCall("call_1", "f", "{\"a\":1}")),
                FinishReason.TOOL_CALLS, "tool_calls", new Usage(10, 5, 4, 0, 2));
        serve(200, "application/json", OpenAiResponseEncoder.encode(response, SERVED.withCost(new BigDecimal(
                "0.0001")), false));

        ChatCompletion completion = client.chat().completions().create(params());
        assertThat(completion.id()).isEqualTo("gen-1");
        assertThat(completion.created()).isEqualTo(1750000000L);
        assertThat(completion._additionalProperties().get("provider").asString()).contains("azure");
        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.message().content()).contains("Hello");
        assertThat(choice.message()._additionalProperties().get("reasoning").asString()).contains("Hmm.");
        assertThat(choice.message().toolCalls().orElseThrow().getFirst().asFunction().function().arguments())
                .isEqualTo("{\"a\":1}");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var usage = completion.usage().orElseThrow();
        assertThat(usage.totalTokens()).isEqualTo(15);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(4L);
    }

    @ParameterizedTest
    @CsvSource({
            "INVALID_REQUEST, com.openai.errors.BadRequestException",
            "AUTHENTICATION, com.openai.errors.UnauthorizedException",
            "NOT_FOUND, com.openai.errors.NotFoundException",
            "RATE_LIMITED, com.openai.errors.RateLimitException",
            "UPSTREAM_FAILED, com.openai.errors.InternalServerException"})
    void errorBodiesBecomeTheSdksExceptions(ProxyErrorType type, Class<? extends OpenAIServiceException> expected) {
        ProxyError error = new ProxyError(type, "Plain words for " + type + ".", type == ProxyErrorType
                .INVALID_REQUEST ? "temperature" : null, null);
        serve(error.status(), "application/json", OpenAiErrorEncoder.encode(error));

        Throwable thrown = catchThrowable(() -> client.chat().completions().create(params()));
        assertThat(thrown).isInstanceOf(expected);
        OpenAIServiceException e = (OpenAIServiceException) thrown;
        assertThat(e.statusCode()).isEqualTo(error.status());
        assertThat(e.getMessage()).contains("Plain words for " + type);
        assertThat(e.type()).contains(type.openAiType());
        if (type == ProxyErrorType.INVALID_REQUEST) {
            assertThat(e.param()).contains("temperature");
        }
    }
}
