package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.providers.ProviderSettings;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.http.UpstreamHttp;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adapter over real HTTP against a small Vert.x server that checks what Anthropic checks (path, x-api-key,
 * anthropic-version) and answers with the fixtures, in small chunks for streams.
 */
class AnthropicAdapterTest {

    static final String KEY = "sk-ant-api03-adapterTestKey0123456789abcdefghijklmnopqrstuvwxyzABCD-EFGHAA";
    static final String MODEL = "claude-sonnet-4-20250514";
    static final Duration WAIT = Duration.ofSeconds(5);
    static final CallOptions OPTIONS = new CallOptions(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(10));

    record Seen(String method, String path, MultiMap headers, JsonNode body, HttpConnection connection) {
    }

    static Vertx vertx;
    static HttpServer server;
    static UpstreamHttp http;
    static volatile Handler<HttpServerRequest> handler;
    static final AtomicReference<Seen> seen = new AtomicReference<>();

    final AnthropicAdapter adapter = new AnthropicAdapter(http);
    /** Counted down when the connection of an unfinished response closes: the client reset its request. */
    CountDownLatch upstreamClosed;

    @BeforeAll
    static void startServer() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.getDelegate().createHttpServer().requestHandler(req -> handler.handle(req));
        server.listen(0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        http = new UpstreamHttp(vertx);
    }

    @AfterAll
    static void stopServer() {
        vertx.closeAndAwait();
    }

    @BeforeEach
    void reset() {
        seen.set(null);
        upstreamClosed = new CountDownLatch(1);
    }

    static UpstreamTarget target(String key) {
        ProviderSettings settings = new ProviderSettings("anthropic", Optional.empty(), Optional.ofNullable(key),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), true);
        return new UpstreamTarget("anthropic", ProviderKind.ANTHROPIC, "http://localhost:" + server.actualPort(),
                MODEL, null, settings);
    }

    static UpstreamTarget target() {
        return target(KEY);
    }

    static ChatRequest hello() {
        return ChatRequest.builder(MODEL).user("Hello, Claude").build();
    }

    static Buffer error(String type, String message) {
        return Buffer.buffer("{\"type\": \"error\", \"error\": {\"type\": \"" + type + "\", \"message\": \"" + message
                + "\"}, \"request_id\": \"req_011CSHoEeqs5C35K2UUqR7Fy\"}");
    }

    /** Checks the request as Anthropic would, records it, then lets {@code respond} answer. */
    void serve(Consumer<HttpServerRequest> respond) {
        handler = req -> req.body().onSuccess(body -> {
            seen.set(new Seen(req.method().name(), req.path(), req.headers(), json(body), req.connection()));
            req.response().closeHandler(v -> upstreamClosed.countDown());
            HttpServerResponse response = req.response().putHeader("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy");
            if (!req.method().name().equals("POST") || !req.path().equals("/v1/messages")) {
                response.setStatusCode(404).end(error("not_found_error", "Not Found"));
            } else if (!KEY.equals(req.getHeader("x-api-key"))) {
                // echoes the key it got, so the test can prove our errors never carry it
                response.setStatusCode(401).end(error("authentication_error",
                        "invalid x-api-key " + req.getHeader("x-api-key")));
            } else if (!AnthropicAdapter.API_VERSION.equals(req.getHeader("anthropic-version"))) {
                response.setStatusCode(400).end(error("invalid_request_error", "anthropic-version: header is required"));
            } else {
                respond.accept(req);
            }
        });
    }

    static JsonNode json(Buffer body) {
        try {
            return AnthropicCodec.JSON.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    static Consumer<HttpServerRequest> json(int status, String fixture) {
        return req -> req.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(Buffer.buffer(Fixtures.bytes(fixture)));
    }

    /** Writes the bytes in random small chunks a few milliseconds apart; ends the response if asked. */
    static Consumer<HttpServerRequest> sse(byte[] bytes, boolean end) {
        return req -> {
            HttpServerResponse response = req.response().setChunked(true)
                    .putHeader("content-type", "text/event-stream; charset=utf-8").putHeader("cache-control", "no-cache");
            response.writeHead();
            writeSlowly(response, bytes, 0, new Random(bytes.length), end);
        };
    }

    static void writeSlowly(HttpServerResponse response, byte[] bytes, int at, Random random, boolean end) {
        if (response.closed()) {
            return;
        }
        if (at >= bytes.length) {
            if (end) {
                response.end();
            }
            return;
        }
        int n = Math.min(bytes.length - at, 1 + random.nextInt(120));
        response.write(Buffer.buffer(Arrays.copyOfRange(bytes, at, at + n)));
        vertx.getDelegate().setTimer(1, id -> writeSlowly(response, bytes, at + n, random, end));
    }

    static AssertSubscriber<ChatEvent> subscribe(io.smallrye.mutiny.Multi<ChatEvent> stream) {
        return stream.subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
    }

    static UpstreamError failure(AssertSubscriber<ChatEvent> subscriber) {
        subscriber.awaitFailure(WAIT);
        assertThat(subscriber.getFailure()).isInstanceOf(UpstreamError.class);
        return (UpstreamError) subscriber.getFailure();
    }

    void assertUpstreamClosed() throws InterruptedException {
        assertThat(upstreamClosed.await(3, TimeUnit.SECONDS)).as("the upstream request was reset").isTrue();
    }

    // ---- non-streaming

    @Test
    void chatSendsWhatAnthropicExpectsAndMapsTheAnswer() {
        serve(json(200, "response-text.json"));

        ChatResponse response = adapter.chat(target(), hello(), OPTIONS).await().atMost(WAIT);

        assertThat(response.text()).isEqualTo("Hello! How can I help you today?");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.usage()).isEqualTo(new Usage(12, 10, 0, 0, 0));
        Seen request = seen.get();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.headers().get("x-api-key")).isEqualTo(KEY);
        assertThat(request.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(request.headers().get("content-type")).isEqualTo("application/json");
        assertThat(request.headers().get("accept")).isEqualTo("application/json");
        assertThat(request.body().get("model").asText()).isEqualTo(MODEL);
        assertThat(request.body().get("max_tokens").asInt()).isEqualTo(4096);
        assertThat(request.body().has("stream")).isFalse();
    }

    @Test
    void chatErrorsAreClassifiedWithRetryAfter() {
        serve(req -> req.response().setStatusCode(429).putHeader("retry-after", "12")
                .putHeader("content-type", "application/json")
                .end(error("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")));

        assertThatThrownBy(() -> adapter.chat(target(), hello(), OPTIONS).await().atMost(WAIT))
                .isInstanceOfSatisfying(UpstreamError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamErrorKind.RATE_LIMITED);
                    assertThat(e.httpStatus()).isEqualTo(429);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(12));
                });
    }

    @Test
    void aWrongKeyIsAnAuthenticationErrorThatNeverShowsTheKey() {
        serve(json(200, "response-text.json"));
        String wrong = "sk-ant-api03-WRONGwrongWRONGwrong0123456789";

        assertThatThrownBy(() -> adapter.chat(target(wrong), hello(), OPTIONS).await().atMost(WAIT))
                .isInstanceOfSatisfying(UpstreamError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.getMessage()).contains("invalid x-api-key").doesNotContain("WRONGwrong");
                    assertThat(e.providerMessage()).doesNotContain("WRONGwrong");
                });
        // the same through a stream
        UpstreamError streamed = failure(subscribe(adapter.stream(target(wrong), hello(), OPTIONS)));
        assertThat(streamed.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(streamed.getMessage()).doesNotContain("WRONGwrong");
    }

    @Test
    void chatTotalTimeoutResetsTheRequest() throws Exception {
        serve(req -> {
            // never answers
        });
        CallOptions options = new CallOptions(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofMillis(300));

        assertThatThrownBy(() -> adapter.chat(target(), hello(), options).await().atMost(WAIT))
                .isInstanceOfSatisfying(UpstreamError.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT));
        assertUpstreamClosed();
    }

    @Test
    void aNonJsonSuccessIsMalformed() {
        serve(req -> req.response().putHeader("content-type", "text/html").end("<html>maintenance</html>"));
        assertThatThrownBy(() -> adapter.chat(target(), hello(), OPTIONS).await().atMost(WAIT))
                .isInstanceOfSatisfying(UpstreamError.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE));
    }

    // ---- streaming

    @ParameterizedTest
    @ValueSource(strings = {"stream-text.sse", "stream-tool-use.sse", "stream-thinking.sse"})
    void streamsEventsAsTheyArrive(String fixture) {
        serve(sse(Fixtures.bytes(fixture), true));

        AssertSubscriber<ChatEvent> subscriber = subscribe(adapter.stream(target(), hello(), OPTIONS));

        subscriber.awaitCompletion(WAIT);
        assertThat(subscriber.getItems()).isEqualTo(Fixtures.mapWhole(fixture, new AnthropicStreamMapper()));
        assertThat(subscriber.getItems().getLast()).isInstanceOf(ChatEvent.Stop.class);
        Seen request = seen.get();
        assertThat(request.headers().get("accept")).isEqualTo("text/event-stream");
        assertThat(request.headers().get("x-api-key")).isEqualTo(KEY);
        assertThat(request.body().get("stream").asBoolean()).isTrue();
    }

    @Test
    void aCompletedStreamLeavesItsConnectionOpenForTheNextCall() throws Exception {
        serve(sse(Fixtures.bytes("stream-text.sse"), true));
        CountDownLatch connectionClosed = new CountDownLatch(1);
        AssertSubscriber<ChatEvent> subscriber = subscribe(adapter.stream(target(), hello(), OPTIONS));
        subscriber.awaitCompletion(WAIT);
        seen.get().connection().closeHandler(v -> connectionClosed.countDown());

        assertThat(connectionClosed.await(300, TimeUnit.MILLISECONDS)).as("connection closed after a clean end").isFalse();
        subscribe(adapter.stream(target(), hello(), OPTIONS)).awaitCompletion(WAIT);
    }

    @Test
    void anErrorStatusFailsTheStreamBeforeAnyEvent() {
        serve(req -> req.response().setStatusCode(529).putHeader("content-type", "application/json")
                .end(error("overloaded_error", "Overloaded")));

        AssertSubscriber<ChatEvent> subscriber = subscribe(adapter.stream(target(), hello(), OPTIONS));

        UpstreamError error = failure(subscriber);
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(error.httpStatus()).isEqualTo(529);
        assertThat(subscriber.getItems()).isEmpty();
    }

    @Test
    void anErrorEventMidStreamFailsAfterTheEventsBeforeIt() {
        serve(sse(Fixtures.bytes("stream-error.sse"), false));

        AssertSubscriber<ChatEvent> subscriber = subscribe(adapter.stream(target(), hello(), OPTIONS));

        assertThat(failure(subscriber).kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(subscriber.getItems()).containsExactly(new ChatEvent.Start("msg_01ErrMidStream", MODEL),
                new ChatEvent.TextDelta("Once upon"));
    }

    @Test
    void eventsBeforeAnErrorInTheSameChunkAreStillDelivered() {
        serve(req -> req.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .write(Buffer.buffer(Fixtures.bytes("stream-error.sse"))));

        AssertSubscriber<ChatEvent> subscriber = subscribe(adapter.stream(target(), hello(), OPTIONS));

        assertThat(failure(subscriber).kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(subscriber.getItems()).containsExactly(new ChatEvent.Start("msg_01ErrMidStream", MODEL),
                new ChatEvent.TextDelta("Once upon"));
    }

    @Test
    void aWholeStreamInOneChunkWithoutItsLastBlankLine() {
        String body = Fixtures.text("stream-text.sse").stripTrailing();
        serve(req -> req.response().putHeader("content-type", "text/event-stream").end(body));

        AssertSubscriber<ChatEvent> subscriber = subscribe(adapter.stream(target(), hello(), OPTIONS));

        subscriber.awaitCompletion(WAIT);
        assertThat(subscriber.getItems()).isEqualTo(Fixtures.mapWhole("stream-text.sse", new AnthropicStreamMapper()));
    }

    @Test
    void aStreamEndingBeforeMessageStopIsAnError() {
        serve(sse(Fixtures.bytes("stream-cut.sse"), true));

        AssertSubscriber<ChatEvent> subscriber = subscribe(adapter.stream(target(), hello(), OPTIONS));

        assertThat(failure(subscriber).kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
        assertThat(subscriber.getItems()).noneMatch(e -> e instanceof ChatEvent.Stop);
    }

    @Test
    void aDroppedConnectionMidStreamIsAConnectionError() {
        byte[] bytes = Fixtures.bytes("stream-text.sse");
        serve(req -> {
            HttpServerResponse response = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            response.write(Buffer.buffer(Arrays.copyOf(bytes, bytes.length / 2)));
            vertx.getDelegate().setTimer(20, id -> req.connection().close());
        });

        AssertSubscriber<ChatEvent> subscriber = subscribe(adapter.stream(target(), hello(), OPTIONS));

        assertThat(failure(subscriber).kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
        assertThat(subscriber.getItems()).first().isInstanceOf(ChatEvent.Start.class);
    }

    @Test
    void cancellingTheStreamCancelsTheUpstreamRequest() throws Exception {
        byte[] bytes = Fixtures.bytes("stream-text.sse");
        String firstDelta = "\"text\": \"Hello\"}}\n\n";
        int cut = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).indexOf(firstDelta) + firstDelta.length();
        serve(sse(Arrays.copyOf(bytes, cut), false));

        AssertSubscriber<ChatEvent> subscriber = subscribe(adapter.stream(target(), hello(), OPTIONS));
        subscriber.awaitItems(2, WAIT);
        subscriber.cancel();

        assertUpstreamClosed();
        assertThat(subscriber.getItems()).containsExactly(
                new ChatEvent.Start("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", MODEL), new ChatEvent.TextDelta("Hello"));
    }

    @Test
    void noContentWithinTheFirstTokenTimeoutIsATimeout() throws Exception {
        // message_start and pings arrive, content never does
        String head = Fixtures.text("stream-text.sse");
        head = head.substring(0, head.indexOf("event: content_block_delta"));
        serve(sse(head.getBytes(java.nio.charset.StandardCharsets.UTF_8), false));
        CallOptions options = new CallOptions(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5),
                Duration.ofSeconds(10));

        long started = System.nanoTime();
        AssertSubscriber<ChatEvent> subscriber = subscribe(adapter.stream(target(), hello(), options));

        UpstreamError error = failure(subscriber);
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
        assertThat(error.getMessage()).contains("first-token timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(subscriber.getItems()).containsExactly(
                new ChatEvent.Start("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", MODEL));
        assertUpstreamClosed();
    }

    @Test
    void aProviderHangingBeforeItsHeadersHitsTheFirstTokenTimeout() throws Exception {
        serve(req -> {
            // accepts the request, never answers
        });
        CallOptions options = new CallOptions(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5),
                Duration.ofSeconds(10));

        UpstreamError error = failure(subscribe(adapter.stream(target(), hello(), options)));

        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
        assertUpstreamClosed();
    }

    @Test
    void aStreamOverItsTotalTimeoutIsATimeout() throws Exception {
        serve(req -> {
            HttpServerResponse response = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            response.write(Buffer.buffer(Fixtures.text("stream-text.sse")
                    .substring(0, Fixtures.text("stream-text.sse").indexOf("event: ping"))));
            // a slow but steady trickle: never idle, never finished
            vertx.getDelegate().setPeriodic(50, id -> {
                if (response.closed()) {
                    vertx.getDelegate().cancelTimer(id);
                    return;
                }
                response.write("event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0, "
                        + "\"delta\": {\"type\": \"text_delta\", \"text\": \"la \"}}\n\n");
            });
        });
        CallOptions options = new CallOptions(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofMillis(500));

        AssertSubscriber<ChatEvent> subscriber = subscribe(adapter.stream(target(), hello(), options));

        UpstreamError error = failure(subscriber);
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
        assertThat(error.getMessage()).contains("total timeout");
        assertThat(subscriber.getItems()).contains(new ChatEvent.TextDelta("la "));
        assertUpstreamClosed();
    }

    @Test
    void aSuccessThatIsNotAnEventStreamIsClassified() {
        serve(req -> req.response().putHeader("content-type", "application/json")
                .end(error("overloaded_error", "Overloaded")));
        assertThat(failure(subscribe(adapter.stream(target(), hello(), OPTIONS))).kind())
                .isEqualTo(UpstreamErrorKind.OVERLOADED);

        serve(req -> req.response().putHeader("content-type", "text/html").end("<html>hello</html>"));
        assertThat(failure(subscribe(adapter.stream(target(), hello(), OPTIONS))).kind())
                .isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
    }

    @Test
    void aRequestTheCodecRefusesFailsWithoutAnUpstreamCall() {
        serve(json(200, "response-text.json"));
        ChatRequest bad = ChatRequest.builder(MODEL).user("Hi").message(new dev.switchboard.llm.ChatMessage(
                dev.switchboard.llm.Role.ASSISTANT,
                List.of(new dev.switchboard.llm.ContentPart.ToolCall("toolu_1", "f", "not json")))).build();

        assertThat(failure(subscribe(adapter.stream(target(), bad, OPTIONS))).kind())
                .isEqualTo(UpstreamErrorKind.BAD_REQUEST);
        assertThatThrownBy(() -> adapter.chat(target(), bad, OPTIONS).await().atMost(WAIT))
                .isInstanceOfSatisfying(UpstreamError.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.BAD_REQUEST));
        assertThat(seen.get()).isNull();
    }

    @Test
    void anUnreachableProviderIsAConnectionError() throws Exception {
        HttpServer closed = vertx.getDelegate().createHttpServer().requestHandler(r -> r.response().end());
        closed.listen(0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        int port = closed.actualPort();
        closed.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        UpstreamTarget nowhere = new UpstreamTarget("anthropic", ProviderKind.ANTHROPIC, "http://localhost:" + port,
                MODEL, null, target().settings());

        assertThat(failure(subscribe(adapter.stream(nowhere, hello(), OPTIONS))).kind())
                .isEqualTo(UpstreamErrorKind.CONNECTION);
    }

    // ---- URL and credentials

    @Test
    void messagesUrlFromTheBaseUrl() {
        assertThat(AnthropicAdapter.messagesUrl("https://api.anthropic.com")).isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(AnthropicAdapter.messagesUrl("https://api.anthropic.com/")).isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(AnthropicAdapter.messagesUrl("https://proxy.example/anthropic/v1/"))
                .isEqualTo("https://proxy.example/anthropic/v1/messages");
    }

    @Test
    void theKeyIsInNoToString() {
        UpstreamTarget target = target();
        assertThat(target.toString()).doesNotContain(KEY);
        assertThat(target.settings().toString()).doesNotContain(KEY);
        assertThat(adapter.upstreamRequest(target, new byte[0], true).toString()).doesNotContain(KEY)
                .contains("x-api-key");
    }
}
