package dev.switchboard.api.anthropic;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.ContentTooLargeException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.ServiceUnavailableException;
import com.anthropic.errors.SseException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.Usage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the official Java SDK makes of our bytes, served from a plain JDK HTTP server: streams, whole messages and
 * errors must read as they would from Anthropic itself.
 */
class AnthropicSdkCompatibilityTest {

    record Reply(int status, String contentType, byte[] body) {
    }

    static HttpServer server;
    static AnthropicClient client;
    static volatile Reply reply;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/messages", exchange -> {
            exchange.getRequestBody().readAllBytes();
            Reply r = reply;
            exchange.getResponseHeaders().set("Content-Type", r.contentType());
            exchange.sendResponseHeaders(r.status(), r.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(r.body());
            }
        });
        server.start();
        client = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .apiKey("sk-test").maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop(0);
    }

    static MessageCreateParams params() {
        return MessageCreateParams.builder().model("anthropic/claude-sonnet-4").maxTokens(4096)
                .addUserMessage("What is the weather in Paris?").build();
    }

    static Message streamed() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.message();
    }

    @Test
    void streamAccumulatesIntoTheWholeMessage() {
        AnthropicSseEncoder encoder = new AnthropicSseEncoder(AnthropicSseEncoderTest.SERVED, false);
        ByteArrayOutputStream sse = new ByteArrayOutputStream();
        sse.writeBytes(AnthropicSseEncoder.keepAlive());
        AnthropicSseEncoderTest.agentTurn().forEach(e -> {
            sse.writeBytes(encoder.onEvent(e));
            sse.writeBytes(AnthropicSseEncoder.keepAlive());
        });
        sse.writeBytes(encoder.end(new Usage(1200, 90, 1000, 150, 0), new BigDecimal("0.0042")));
        reply = new Reply(200, "text/event-stream", sse.toByteArray());

        Message message = streamed().validate();

        assertThat(message.id()).isEqualTo("gen-42");
        assertThat(message.model().asString()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(message._additionalProperties().get("provider")).isEqualTo(JsonValue.from("anthropic"));
        List<ContentBlock> content = message.content();
        assertThat(content).hasSize(5);
        assertThat(content.get(0).thinking().orElseThrow().thinking()).isEqualTo("The user wants the weather.");
        assertThat(content.get(0).thinking().orElseThrow().signature()).isEqualTo("EqQBsig==");
        assertThat(content.get(1).redactedThinking().orElseThrow().data()).isEqualTo("EmwKredacted");
        assertThat(content.get(2).text().orElseThrow().text()).isEqualTo("Let me check.");
        assertThat(content.get(3).toolUse().orElseThrow().id()).isEqualTo("toolu_01");
        assertThat(content.get(3).toolUse().orElseThrow().name()).isEqualTo("get_weather");
        assertThat(content.get(3).toolUse().orElseThrow()._input()).isEqualTo(JsonValue.from(Map.of("city", "Paris")));
        assertThat(content.get(4).toolUse().orElseThrow().name()).isEqualTo("get_time");
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(message.usage().outputTokens()).isEqualTo(90);
        assertThat(message.usage().inputTokens()).isEqualTo(50);
        assertThat(message.usage().cacheReadInputTokens()).contains(1000L);
        assertThat(message.usage().cacheCreationInputTokens()).contains(150L);
    }

    @Test
    void errorEventMakesTheStreamThrow() {
        AnthropicSseEncoder encoder = new AnthropicSseEncoder(AnthropicSseEncoderTest.SERVED, false);
        ByteArrayOutputStream sse = new ByteArrayOutputStream();
        sse.writeBytes(encoder.onEvent(new ChatEvent.TextDelta("The weather in Par")));
        sse.writeBytes(encoder.error(new ProxyError(ProxyErrorType.UNAVAILABLE,
                "The provider is overloaded; retry in a few seconds.", null, null)));
        reply = new Reply(200, "text/event-stream", sse.toByteArray());

        assertThatThrownBy(AnthropicSdkCompatibilityTest::streamed)
                .isInstanceOfSatisfying(SseException.class,
                        e -> assertThat(e.getMessage()).contains("overloaded"));
    }

    @Test
    void wholeMessageReadsWithCreate() {
        reply = new Reply(200, "application/json", AnthropicResponseEncoder.encode(
                AnthropicResponseEncoderTest.fullResponse(), AnthropicResponseEncoderTest.SERVED, false));

        Message message = client.messages().create(params()).validate();

        assertThat(message.id()).isEqualTo("gen-7f3a");
        assertThat(message._additionalProperties().get("provider")).isEqualTo(JsonValue.from("amazon-bedrock"));
        assertThat(message.content()).hasSize(6);
        assertThat(message.content().get(0).thinking().orElseThrow().signature()).isEqualTo("EqQBsig");
        assertThat(message.content().get(2).thinking().orElseThrow().signature()).isEmpty();
        assertThat(message.content().get(3).text().orElseThrow().text()).isEqualTo("Let me check.");
        assertThat(message.content().get(4).toolUse().orElseThrow()._input())
                .isEqualTo(JsonValue.from(Map.of("city", "Paris")));
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(message.usage().inputTokens()).isEqualTo(50);
        assertThat(message.usage().outputTokens()).isEqualTo(85);
        assertThat(message.usage()._additionalProperties().get("cost").toString()).contains("0.004215");
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(ProxyErrorType.INVALID_REQUEST, BadRequestException.class),
                Arguments.of(ProxyErrorType.AUTHENTICATION, UnauthorizedException.class),
                Arguments.of(ProxyErrorType.NOT_FOUND, NotFoundException.class),
                Arguments.of(ProxyErrorType.REQUEST_TOO_LARGE, ContentTooLargeException.class),
                Arguments.of(ProxyErrorType.RATE_LIMITED, RateLimitException.class),
                Arguments.of(ProxyErrorType.UPSTREAM_FAILED, InternalServerException.class),
                Arguments.of(ProxyErrorType.UNAVAILABLE, ServiceUnavailableException.class));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void errorBodiesRaiseTheSdksExceptionForTheirStatus(ProxyErrorType type,
                                                         Class<? extends AnthropicServiceException> expected) {
        String message = "Every provider of anthropic/claude-sonnet-4 refused: " + type;
        ProxyError error = new ProxyError(type, message, null, null);
        reply = new Reply(error.status(), "application/json", AnthropicErrorEncoder.encode(error));

        assertThatThrownBy(() -> client.messages().create(params()))
                .isInstanceOfSatisfying(expected, e -> {
                    assertThat(e.statusCode()).isEqualTo(error.status());
                    assertThat(e.getMessage()).contains(message);
                    assertThat(e.getMessage()).contains(type.anthropicType());
                });
    }
}
