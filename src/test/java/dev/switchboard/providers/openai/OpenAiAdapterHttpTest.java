package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.EmbeddingRequest;
import dev.switchboard.llm.EmbeddingResponse;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.providers.ProviderSettings;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.http.UpstreamHttp;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adapter end to end over real HTTP: a tiny Vert.x server in the test answers with fixture bodies and records
 * what arrived (path, query, headers, body), so URLs, headers, streaming, cancellation and deadlines are proven on
 * the wire, not on mocks.
 */
class OpenAiAdapterHttpTest {

    static final String KEY = "sk-proj-Zq8Wv2Ls5Tn7Xc4Rb1Md9Kf3Hj6Gp0Ya2Ue";
    static final CallOptions OPTIONS = new CallOptions(Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(3), Duration.ofSeconds(8));
    static final Duration WAIT = Duration.ofSeconds(10);

    static Vertx vertx;
    static HttpServer server;
    static UpstreamHttp http;
    static volatile BiConsumer<HttpServerRequest, Buffer> handler;
    static volatile CompletableFuture<Received> received;
    /** Completes when the server sees the client drop the connection (a reset request closes it). */
    static volatile CompletableFuture<Void> clientClosed;
    static Map<String, String> config = Map.of();
    /** Failures Mutiny received after a cancellation: each would be an error line in the log in production. */
    static final List<Throwable> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();

    record Received(String method, String path, String query, MultiMap headers, JsonNode body) {
    }

    OpenAiAdapter adapter = new OpenAiAdapter(http, name -> Optional.ofNullable(config.get(name)));

    @BeforeAll
    static void startServer() throws Exception {
        vertx = Vertx.vertx();
        Infrastructure.setDroppedExceptionHandler(dropped::add);
        server = vertx.createHttpServer().requestHandler(req -> {
            CompletableFuture<Void> closed = clientClosed;
            req.connection().closeHandler(v -> closed.complete(null));
            req.body().onSuccess(body -> {
                received.complete(new Received(req.method().name(), req.path(), req.query(),
                        MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                        body.length() == 0 ? null : Fixtures.tree(body.toString())));
                handler.accept(req, body);
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        http = new UpstreamHttp(io.vertx.mutiny.core.Vertx.newInstance(vertx));
    }

    @AfterAll
    static void stopServer() throws Exception {
        Infrastructure.resetDroppedExceptionHandler();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void nothingDropped() {
        assertThat(dropped).as("exceptions dropped after cancellation").isEmpty();
    }

    @BeforeEach
    void reset() {
        received = new CompletableFuture<>();
        clientClosed = new CompletableFuture<>();
        config = Map.of();
        dropped.clear();
    }

    static String base(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    static UpstreamTarget target(String slug, String baseUrl, String model) {
        return new UpstreamTarget(slug, ProviderKind.OPENAI, baseUrl, model, null, new ProviderSettings(slug,
                Optional.empty(), Optional.of(KEY), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), true));
    }

    static UpstreamTarget groq() {
        return target("groq", base("/openai/v1"), "llama-3.3-70b-versatile");
    }

    static ChatRequest hello() {
        return ChatRequest.builder("meta-llama/llama-3.3-70b-instruct").user("Hello").maxTokens(50).build();
    }

    static void json(HttpServerRequest req, int status, String body) {
        req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
    }

    static void sse(HttpServerRequest req, String body) {
        req.response().setStatusCode(200).putHeader("content-type", "text/event-stream; charset=utf-8").end(body);
    }

    static Received received() throws Exception {
        return received.get(5, TimeUnit.SECONDS);
    }

    static UpstreamError failure(Runnable call) {
        Throwable[] thrown = new Throwable[1];
        try {
            call.run();
        } catch (Throwable t) {
            thrown[0] = t;
        }
        assertThat(thrown[0]).isInstanceOf(UpstreamError.class);
        return (UpstreamError) thrown[0];
    }

    // ---- embeddings ----

    static EmbeddingRequest embedding(List<String> inputs, Integer dimensions, boolean base64) {
        return new EmbeddingRequest("openai/text-embedding-3-small", inputs, dimensions, base64, null);
    }

    @Test
    void embedPostsToEmbeddingsAndReadsFloatsInIndexOrder() throws Exception {
        handler = (req, body) -> json(req, 200, """
                {"object":"list","data":[
                  {"object":"embedding","index":1,"embedding":[0.5,-0.25]},
                  {"object":"embedding","index":0,"embedding":[1.0,0.0]}],
                 "model":"text-embedding-3-small","usage":{"prompt_tokens":7,"total_tokens":7}}""");
        EmbeddingResponse response = adapter.embed(target("openai", base("/v1"), "text-embedding-3-small"),
                embedding(List.of("first", "second"), 2, false), OPTIONS).await().atMost(WAIT);
        assertThat(response.vectors()).hasSize(2);
        assertThat(response.vectors().get(0)).containsExactly(1.0f, 0.0f);
        assertThat(response.vectors().get(1)).containsExactly(0.5f, -0.25f);
        assertThat(response.promptTokens()).isEqualTo(7);
        Received r = received();
        assertThat(r.path()).isEqualTo("/v1/embeddings");
        assertThat(r.headers().get("authorization")).isEqualTo("Bearer " + KEY);
        // floats were asked for, so no encoding_format goes upstream
        assertThat(r.body()).isEqualTo(Fixtures.tree("""
                {"model":"text-embedding-3-small","input":["first","second"],"dimensions":2}"""));
    }

    @Test
    void embedOnAzureUsesTheDeploymentUrlAndAsksBase64OnlyWhenTheCallerDid() throws Exception {
        handler = (req, body) -> json(req, 200, """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":"AACAPwAAAMA="}],
                 "model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}}""");
        EmbeddingResponse response = adapter.embed(target("azure", base("/openai"), "embed-prod"),
                embedding(List.of("x"), null, true), OPTIONS).await().atMost(WAIT);
        assertThat(response.vectors().getFirst()).containsExactly(1.0f, -2.0f);
        Received r = received();
        assertThat(r.path()).isEqualTo("/openai/deployments/embed-prod/embeddings");
        assertThat(r.query()).isEqualTo("api-version=2024-10-21");
        assertThat(r.headers().get("api-key")).isEqualTo(KEY);
        assertThat(r.body().get("encoding_format").asText()).isEqualTo("base64");
    }

    @Test
    void embedSendsTokenArraysAsTheyCame() throws Exception {
        handler = (req, body) -> json(req, 200, """
                {"data":[{"index":0,"embedding":[0.1]}],"usage":{"prompt_tokens":3,"total_tokens":3}}""");
        adapter.embed(target("openai", base("/v1"), "text-embedding-3-small"), new EmbeddingRequest(
                "m", List.of(), List.of(new int[] {1, 2, 3}), null, false, "user-1"), OPTIONS).await().atMost(WAIT);
        assertThat(received().body()).isEqualTo(Fixtures.tree("""
                {"model":"text-embedding-3-small","input":[[1,2,3]],"user":"user-1"}"""));
    }

    @Test
    void embedErrorsAreClassifiedAndAnswersThatDoNotFitAreMalformed() {
        handler = (req, body) -> req.response().setStatusCode(429).putHeader("retry-after", "3")
                .putHeader("content-type", "application/json")
                .end("{\"error\":{\"message\":\"Rate limit reached for key " + KEY + "\",\"type\":\"requests\"}}");
        UpstreamError limited = failure(() -> adapter.embed(target("openai", base("/v1"), "m"),
                embedding(List.of("x"), null, false), OPTIONS).await().atMost(WAIT));
        assertThat(limited.kind()).isEqualTo(UpstreamErrorKind.RATE_LIMITED);
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(limited.getMessage()).doesNotContain(KEY);

        for (String body : List.of(
                "{\"data\":[{\"index\":0,\"embedding\":[0.1]}]}",
                "{\"data\":[{\"index\":0,\"embedding\":\"AAA\"},{\"index\":1,\"embedding\":[1]}]}",
                "{\"data\":[{\"index\":0,\"embedding\":[0.1]},{\"index\":0,\"embedding\":[0.2]}]}",
                "{\"data\":[{\"index\":0,\"embedding\":\"text\"},{\"index\":1,\"embedding\":[\"a\"]}]}",
                "[1,2]")) {
            handler = (req, b) -> json(req, 200, body);
            UpstreamError malformed = failure(() -> adapter.embed(target("openai", base("/v1"), "m"),
                    embedding(List.of("x", "y"), null, false), OPTIONS).await().atMost(WAIT));
            assertThat(malformed.kind()).as(body).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
        }
    }

    // ---- non-streaming ----

    @Test
    void chatSendsBearerKeyToBaseUrlAndMapsTheAnswer() throws Exception {
        handler = (req, body) -> json(req, 200, Fixtures.text("response-text.json"));
        ChatResponse response = adapter.chat(groq(), hello(), OPTIONS).await().atMost(WAIT);
        assertThat(response.text()).isEqualTo("Hello! How can I assist you today?");
        assertThat(response.usage()).isEqualTo(new Usage(1119, 10, 1024, 0, 0));
        Received r = received();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/openai/v1/chat/completions");
        assertThat(r.query()).isNull();
        assertThat(r.headers().get("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(r.headers().get("content-type")).isEqualTo("application/json");
        assertThat(r.headers().get("accept")).isEqualTo("application/json");
        assertThat(r.headers().contains("api-key")).isFalse();
        assertThat(r.body()).isEqualTo(Fixtures.tree("""
                {"model":"llama-3.3-70b-versatile","messages":[{"role":"user","content":"Hello"}],"max_tokens":50}"""));
    }

    @Test
    void openAiItselfGetsMaxCompletionTokens() throws Exception {
        handler = (req, body) -> json(req, 200, Fixtures.text("response-text.json"));
        adapter.chat(target("openai", base("/v1/"), "gpt-5-mini"), hello(), OPTIONS).await().atMost(WAIT);
        Received r = received();
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        assertThat(r.body().get("max_completion_tokens").asInt()).isEqualTo(50);
        assertThat(r.body().has("max_tokens")).isFalse();
    }

    @Test
    void azureDeploymentUrlApiVersionAndApiKeyHeader() throws Exception {
        handler = (req, body) -> json(req, 200, Fixtures.text("response-text.json"));
        adapter.chat(target("azure", base("/openai"), "gpt-4o-prod"), hello(), OPTIONS).await().atMost(WAIT);
        Received r = received();
        assertThat(r.path()).isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions");
        assertThat(r.query()).isEqualTo("api-version=2024-10-21");
        assertThat(r.headers().get("api-key")).isEqualTo(KEY);
        assertThat(r.headers().contains("authorization")).isFalse();
        assertThat(r.body().get("max_completion_tokens").asInt()).isEqualTo(50);
    }

    @Test
    void azureApiVersionFromConfigurationOrFromTheBaseUrl() throws Exception {
        handler = (req, body) -> json(req, 200, Fixtures.text("response-text.json"));
        config = Map.of("switchboard.provider.azure.api-version", "2025-01-01-preview");
        adapter.chat(target("azure", base("/openai"), "dep"), hello(), OPTIONS).await().atMost(WAIT);
        assertThat(received().query()).isEqualTo("api-version=2025-01-01-preview");

        received = new CompletableFuture<>();
        adapter.chat(target("azure", base("/openai?api-version=2025-04-01-preview"), "dep"), hello(), OPTIONS)
                .await().atMost(WAIT);
        assertThat(received().query()).isEqualTo("api-version=2025-04-01-preview");

        // Azure's v1 API takes the plain OpenAI form
        received = new CompletableFuture<>();
        adapter.chat(target("azure", base("/openai/v1"), "gpt-4o"), hello(), OPTIONS).await().atMost(WAIT);
        Received v1 = received();
        assertThat(v1.path()).isEqualTo("/openai/v1/chat/completions");
        assertThat(v1.headers().get("api-key")).isEqualTo(KEY);
    }

    @Test
    void chatErrorStatusIsClassifiedWithoutTheKey() {
        handler = (req, body) -> json(req, 401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY
                + ". You can find your API key at https://platform.openai.com/account/api-keys.\",\"type\":"
                + "\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
        UpstreamError error = failure(() -> adapter.chat(groq(), hello(), OPTIONS).await().atMost(WAIT));
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(error.httpStatus()).isEqualTo(401);
        assertThat(error.getMessage()).doesNotContain(KEY).doesNotContain(KEY.substring(8, 20)).contains("[redacted]");
        assertThat(String.valueOf(error)).doesNotContain(KEY);
    }

    @Test
    void rateLimitCarriesRetryAfter() {
        handler = (req, body) -> req.response().setStatusCode(429).putHeader("retry-after-ms", "1500")
                .putHeader("retry-after", "2").putHeader("content-type", "application/json")
                .end(Fixtures.text("error-rate-limit.json"));
        UpstreamError error = failure(() -> adapter.chat(groq(), hello(), OPTIONS).await().atMost(WAIT));
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.RATE_LIMITED);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void answerThatIsNotJsonIsMalformed() {
        handler = (req, body) -> json(req, 200, "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":");
        assertThat(failure(() -> adapter.chat(groq(), hello(), OPTIONS).await().atMost(WAIT)).kind())
                .isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
        handler = (req, body) -> json(req, 200, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
        UpstreamError okError = failure(() -> adapter.chat(groq(), hello(), OPTIONS).await().atMost(WAIT));
        assertThat(okError.kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(okError.getMessage()).isEqualTo("The provider is overloaded (with HTTP 200): overloaded");
    }

    @Test
    void totalTimeoutOfAChatResetsTheRequest() throws Exception {
        handler = (req, body) -> {
            // never answers
        };
        CallOptions options = new CallOptions(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofMillis(300));
        UpstreamError error = failure(() -> adapter.chat(groq(), hello(), options).await().atMost(WAIT));
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
        clientClosed.get(5, TimeUnit.SECONDS);
    }

    @Test
    void unreachableHostIsAConnectionError() throws Exception {
        HttpServer closed = vertx.createHttpServer().requestHandler(req -> req.response().end())
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        int port = closed.actualPort();
        closed.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        UpstreamTarget target = target("groq", "http://127.0.0.1:" + port + "/v1", "m");
        assertThat(failure(() -> adapter.chat(target, hello(), OPTIONS).await().atMost(WAIT)).kind())
                .isEqualTo(UpstreamErrorKind.CONNECTION);
        assertThat(failure(() -> adapter.stream(target, hello(), OPTIONS).collect().asList().await().atMost(WAIT))
                .kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
    }

    // ---- streaming ----

    @Test
    void streamArrivesIncrementally() throws Exception {
        String[] events = Fixtures.text("stream-text.sse").split("(?<=\n\n)");
        CompletableFuture<Void> clientSawText = new CompletableFuture<>();
        handler = (req, body) -> {
            Context ctx = vertx.getOrCreateContext();
            req.response().setStatusCode(200).putHeader("content-type", "text/event-stream").setChunked(true);
            req.response().write(events[0] + events[1]);
            // the rest only once the client has mapped the first text: proof that nothing waits for the whole body
            clientSawText.thenRun(() -> ctx.runOnContext(v -> {
                for (int i = 2; i < events.length; i++) {
                    req.response().write(events[i]);
                }
                req.response().end();
            }));
        };
        List<ChatEvent> got = adapter.stream(groq(), hello(), OPTIONS)
                .onItem().invoke(e -> {
                    if (e instanceof ChatEvent.TextDelta) {
                        clientSawText.complete(null);
                    }
                })
                .collect().asList().await().atMost(WAIT);
        assertThat(got.getFirst()).isInstanceOf(ChatEvent.Start.class);
        assertThat(got.getLast()).isEqualTo(new ChatEvent.UsageReport(new Usage(19, 10, 0, 0, 0)));
        assertThat(got).contains(new ChatEvent.Stop(FinishReason.STOP, "stop"));
        Received r = received();
        assertThat(r.headers().get("accept")).isEqualTo("text/event-stream");
        assertThat(r.body().get("stream").asBoolean()).isTrue();
        assertThat(r.body().get("stream_options")).isEqualTo(Fixtures.tree("{\"include_usage\":true}"));
    }

    @Test
    void streamedToolCalls() {
        handler = (req, body) -> sse(req, Fixtures.text("stream-tool-calls.sse"));
        List<ChatEvent> got = adapter.stream(groq(), hello(), OPTIONS).collect().asList().await().atMost(WAIT);
        assertThat(got).filteredOn(ChatEvent.ToolCallStart.class::isInstance).hasSize(2);
        assertThat(got).contains(new ChatEvent.Stop(FinishReason.TOOL_CALLS, "tool_calls"));
    }

    @Test
    void streamErrorStatusFailsBeforeAnyEvent() {
        handler = (req, body) -> req.response().setStatusCode(503).putHeader("retry-after", "4")
                .putHeader("content-type", "application/json").end(Fixtures.text("error-overloaded.json"));
        List<ChatEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        UpstreamError error = failure(() -> adapter.stream(groq(), hello(), OPTIONS).onItem().invoke(seen::add)
                .collect().asList().await().atMost(WAIT));
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(4));
        assertThat(seen).isEmpty();
    }

    @Test
    void errorObjectMidStreamAfterTheTextThatCameWithIt() {
        // the whole body in one write: the text delta and the error object arrive in the same read
        handler = (req, body) -> sse(req, Fixtures.text("stream-error-midstream.sse"));
        List<ChatEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        UpstreamError error = failure(() -> adapter.stream(groq(), hello(), OPTIONS).onItem().invoke(seen::add)
                .collect().asList().await().atMost(WAIT));
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.SERVER_ERROR);
        assertThat(seen).contains(new ChatEvent.TextDelta("Once upon"));
    }

    @Test
    void htmlPageWithStatus200IsMalformed() {
        handler = (req, body) -> req.response().setStatusCode(200).putHeader("content-type", "text/html")
                .end("<html><head><title>Sign in to Wi-Fi</title></head></html>");
        UpstreamError error = failure(() -> adapter.stream(groq(), hello(), OPTIONS).collect().asList()
                .await().atMost(WAIT));
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
        assertThat(error.getMessage()).contains("HTML page").contains("Sign in to Wi-Fi");
    }

    @Test
    void streamCutByTheProviderIsNeverACleanEnd() {
        handler = (req, body) -> sse(req, Fixtures.text("stream-cut.sse"));
        assertThat(failure(() -> adapter.stream(groq(), hello(), OPTIONS).collect().asList().await().atMost(WAIT))
                .kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
        // the connection itself dropped mid-stream
        handler = (req, body) -> {
            req.response().setStatusCode(200).putHeader("content-type", "text/event-stream").setChunked(true)
                    .write(OpenAiStreamMapperTest.chunk("{\"content\":\"par\"}", null));
            vertx.setTimer(50, t -> req.connection().close());
        };
        assertThat(failure(() -> adapter.stream(groq(), hello(), OPTIONS).collect().asList().await().atMost(WAIT))
                .kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
    }

    @Test
    void jsonAnswerToAStreamingRequestIsReplayed() {
        handler = (req, body) -> json(req, 200, Fixtures.text("response-tool-calls.json"));
        List<ChatEvent> got = adapter.stream(groq(), hello(), OPTIONS).collect().asList().await().atMost(WAIT);
        assertThat(got.getFirst()).isEqualTo(new ChatEvent.Start("chatcmpl-abc123", "gpt-4o-mini-2024-07-18"));
        assertThat(got).contains(new ChatEvent.ToolCallStart(1, "call_def456", "get_local_time"),
                new ChatEvent.Stop(FinishReason.TOOL_CALLS, "tool_calls"));
        assertThat(got.getLast()).isInstanceOf(ChatEvent.UsageReport.class);
    }

    @Test
    void cancellingTheStreamCancelsTheUpstreamRequest() throws Exception {
        handler = (req, body) -> {
            req.response().setStatusCode(200).putHeader("content-type", "text/event-stream").setChunked(true);
            long timer = vertx.setPeriodic(20, t -> req.response().write(
                    OpenAiStreamMapperTest.chunk("{\"content\":\"tick \"}", null)));
            req.connection().closeHandler(v -> {
                vertx.cancelTimer(timer);
                clientClosed.complete(null);
            });
        };
        List<ChatEvent> got = adapter.stream(groq(), hello(), OPTIONS).select().first(4).collect().asList()
                .await().atMost(WAIT);
        assertThat(got).hasSize(4);
        clientClosed.get(5, TimeUnit.SECONDS);
    }

    @Test
    void firstTokenTimeoutAfterTheHeadersResetsTheRequest() throws Exception {
        handler = (req, body) -> req.response().setStatusCode(200).putHeader("content-type", "text/event-stream")
                .setChunked(true).write(OpenAiStreamMapperTest.chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
        CallOptions options = new CallOptions(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        long started = System.nanoTime();
        List<ChatEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        UpstreamError error = failure(() -> adapter.stream(groq(), hello(), options).onItem().invoke(seen::add)
                .collect().asList().await().atMost(WAIT));
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
        assertThat(error.getMessage()).contains("first token");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(seen).singleElement().isInstanceOf(ChatEvent.Start.class);
        clientClosed.get(5, TimeUnit.SECONDS);
    }

    @Test
    void firstTokenTimeoutBeforeAnyByteResetsTheRequest() throws Exception {
        handler = (req, body) -> {
            // hangs before the response head
        };
        CallOptions options = new CallOptions(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        assertThat(failure(() -> adapter.stream(groq(), hello(), options).collect().asList().await().atMost(WAIT))
                .kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
        clientClosed.get(5, TimeUnit.SECONDS);
    }

    @Test
    void totalTimeoutCutsAStreamThatNeverEnds() throws Exception {
        handler = (req, body) -> {
            req.response().setStatusCode(200).putHeader("content-type", "text/event-stream").setChunked(true);
            long timer = vertx.setPeriodic(30, t -> req.response().write(
                    OpenAiStreamMapperTest.chunk("{\"content\":\"more \"}", null)));
            req.connection().closeHandler(v -> {
                vertx.cancelTimer(timer);
                clientClosed.complete(null);
            });
        };
        CallOptions options = new CallOptions(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofMillis(400));
        UpstreamError error = failure(() -> adapter.stream(groq(), hello(), options).collect().asList()
                .await().atMost(WAIT));
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
        assertThat(error.getMessage()).contains("did not finish");
        clientClosed.get(5, TimeUnit.SECONDS);
    }

    @Test
    void requestsTheCodecRefusesNeverLeave() {
        ChatRequest bad = ChatRequest.builder("m").message(new dev.switchboard.llm.ChatMessage(
                dev.switchboard.llm.Role.ASSISTANT, List.of(dev.switchboard.llm.ContentPart.Image.fromUrl("https://x/y.png"))))
                .build();
        handler = (req, body) -> json(req, 200, Fixtures.text("response-text.json"));
        assertThatThrownBy(() -> adapter.stream(groq(), bad, OPTIONS).collect().asList().await().atMost(WAIT))
                .isInstanceOfSatisfying(UpstreamError.class, e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.BAD_REQUEST));
        assertThat(received.isDone()).isFalse();
    }
}
