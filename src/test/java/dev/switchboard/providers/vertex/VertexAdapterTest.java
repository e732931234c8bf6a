package dev.switchboard.providers.vertex;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.Role;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.providers.ProviderSettings;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimCounters;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimServer;
import dev.switchboard.sim.SimServiceAccount;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adapter over real HTTP against the simulator's Vertex protocol: access tokens from a service-account key whose
 * token_uri points at the simulator (Google's auth library signs the JWT, the simulator verifies it), the Gemini API
 * form with an API key, and each fault knob classified.
 */
class VertexAdapterTest {

    static final String PROJECT = "adapter-project";
    static final String KEY = SimConfig.DEFAULT_API_KEY;
    static final SimProfile FAST = SimProfile.builder().ttftMs(3).ttftSpread(0.2).tokensPerSecond(4000)
            .outputTokens(24).outputTokensSpread(0.2).build();
    static final CallOptions OPTIONS = new CallOptions(Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(10), Duration.ofSeconds(20));
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static Vertx vertx;
    static SimServer sim;
    static SimServiceAccount account;
    static Path keyFile;
    static VertexAccessTokens tokens;
    static VertexAdapter adapter;

    @BeforeAll
    static void start() throws IOException {
        vertx = Vertx.vertx();
        account = SimServiceAccount.generate("gateway@" + PROJECT + ".iam.gserviceaccount.com");
        sim = new SimServer(vertx, SimConfig.defaults().withSeed(7).withDefaultProfile(FAST)
                .withGoogleServiceAccount(account));
        sim.start(0);
        keyFile = writeKey("key.json", account, PROJECT);
        tokens = new VertexAccessTokens(Infrastructure.getDefaultWorkerPool(), Clock.systemUTC());
        adapter = new VertexAdapter(new UpstreamHttp(io.vertx.mutiny.core.Vertx.newInstance(vertx)), tokens);
    }

    @AfterAll
    static void stop() {
        sim.stop();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    static Path writeKey(String name, SimServiceAccount serviceAccount, String project) throws IOException {
        return Files.writeString(dir.resolve(name), serviceAccount.toKeyJson(sim.baseUrl() + "/token", project));
    }

    static ProviderSettings keyFileSettings(Path file) {
        return new ProviderSettings("google-vertex", Optional.of(sim.baseUrl()), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(file.toString()), Optional.empty(), Optional.empty(),
                Optional.empty(), true);
    }

    static ProviderSettings apiKeySettings(String key) {
        return new ProviderSettings("google-ai-studio", Optional.of(sim.baseUrl()), Optional.of(key),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), true);
    }

    static UpstreamTarget target(String model) {
        return target(model, keyFileSettings(keyFile));
    }

    static UpstreamTarget target(String model, ProviderSettings settings) {
        return new UpstreamTarget(settings.slug(), ProviderKind.VERTEX, sim.baseUrl(), model, "us-central1",
                settings);
    }

    static ChatRequest ask(String model) {
        return ChatRequest.builder(model).system("You are terse.").user("What is the weather like in Paris?")
                .maxTokens(256).build();
    }

    static ToolDefinition weather() {
        ObjectNode schema = GeminiCodec.JSON.createObjectNode().put("type", "object");
        schema.putObject("properties").putObject("city").put("type", "string");
        schema.putArray("required").add("city");
        return new ToolDefinition("get_weather", "Current weather of a city", schema, false);
    }

    static List<ChatEvent> collect(UpstreamTarget target, ChatRequest request) {
        return adapter.stream(target, request, OPTIONS).collect().asList().await().atMost(WAIT);
    }

    static UpstreamError chatFailure(UpstreamTarget target, ChatRequest request, CallOptions options) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> adapter.chat(target, request, options).await().atMost(WAIT));
        assertThat(t).isInstanceOf(UpstreamError.class);
        return (UpstreamError) t;
    }

    static UpstreamError streamFailure(UpstreamTarget target, ChatRequest request, CallOptions options) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> adapter.stream(target, request, options).collect().asList().await().atMost(WAIT));
        assertThat(t).isInstanceOf(UpstreamError.class);
        return (UpstreamError) t;
    }

    static String text(List<ChatEvent> events) {
        StringBuilder sb = new StringBuilder();
        events.stream().filter(ChatEvent.TextDelta.class::isInstance)
                .forEach(e -> sb.append(((ChatEvent.TextDelta) e).text()));
        return sb.toString();
    }

    @Test
    void chatAnswersWithTextAndUsage() {
        ChatResponse response = adapter.chat(target("gemini-2.5-flash"), ask("gemini-2.5-flash"), OPTIONS)
                .await().atMost(WAIT);

        assertThat(response.text()).matches("[A-Z].*[.!]");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.nativeFinishReason()).isEqualTo("STOP");
        assertThat(response.model()).isEqualTo("gemini-2.5-flash");
        assertThat(response.id()).isNotBlank();
        assertThat(response.usage().inputTokens()).isPositive();
        assertThat(response.usage().outputTokens()).isEqualTo(response.text().split(" ").length);
        // counted just after the last byte went out, so possibly after we have it
        awaitCounters("gemini-2.5-flash", c -> c.completed() == 1);
    }

    @Test
    void streamDeliversDeltasThenUsageAndStop() {
        List<ChatEvent> events = collect(target("gemini-stream"), ask("gemini-stream"));

        assertThat(events.getFirst()).isInstanceOf(ChatEvent.Start.class);
        assertThat(events.stream().filter(ChatEvent.TextDelta.class::isInstance).count()).isGreaterThan(1);
        assertThat(text(events)).matches("[A-Z].*[.!]");
        assertThat(events.get(events.size() - 2)).isInstanceOfSatisfying(ChatEvent.UsageReport.class,
                u -> assertThat(u.usage().outputTokens()).isEqualTo(text(events).split(" ").length));
        assertThat(events.getLast()).isEqualTo(new ChatEvent.Stop(FinishReason.STOP, "STOP"));
    }

    @Test
    void maxTokensEndsWithLength() {
        ChatRequest request = ChatRequest.builder("gemini-short").user("Tell me a long story.").maxTokens(3).build();
        ChatResponse response = adapter.chat(target("gemini-short"), request, OPTIONS).await().atMost(WAIT);
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.nativeFinishReason()).isEqualTo("MAX_TOKENS");
        assertThat(response.usage().outputTokens()).isEqualTo(3);
    }

    @Test
    void toolCallRoundTrip() {
        ChatRequest first = ChatRequest.builder("gemini-tools").user("Weather in Paris?")
                .tools(List.of(weather()), ToolChoice.AUTO).build();
        ChatResponse call = adapter.chat(target("gemini-tools"), first, OPTIONS).await().atMost(WAIT);

        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        ContentPart.ToolCall toolCall = call.toolCalls().getFirst();
        assertThat(toolCall.id()).isEqualTo("call_0_get_weather");
        assertThat(toolCall.name()).isEqualTo("get_weather");
        assertThat(toolCall.arguments()).contains("\"city\"");

        // the id travels back with the result; Gemini gets the function's name, and the simulator checks the turns
        ChatRequest second = ChatRequest.builder("gemini-tools").user("Weather in Paris?")
                .message(new ChatMessage(Role.ASSISTANT, call.content()))
                .message(new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult(toolCall.id(),
                        List.of(ContentPart.Text.of("{\"temperature\":21,\"sky\":\"clear\"}")), false))))
                .tools(List.of(weather()), ToolChoice.AUTO).build();
        ChatResponse answer = adapter.chat(target("gemini-tools"), second, OPTIONS).await().atMost(WAIT);
        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(answer.text()).isNotBlank();

        List<ChatEvent> streamed = collect(target("gemini-tools"), second);
        assertThat(streamed.getLast()).isEqualTo(new ChatEvent.Stop(FinishReason.STOP, "STOP"));
    }

    @Test
    void streamedToolCallArrivesWhole() {
        ChatRequest request = ChatRequest.builder("gemini-stream-tools").user("Weather in Paris?")
                .tools(List.of(weather()), new ToolChoice.Named("get_weather")).build();
        List<ChatEvent> events = collect(target("gemini-stream-tools"), request);

        assertThat(events).contains(new ChatEvent.ToolCallStart(0, "call_0_get_weather", "get_weather"));
        ChatEvent.ToolCallDelta delta = events.stream().filter(ChatEvent.ToolCallDelta.class::isInstance)
                .map(ChatEvent.ToolCallDelta.class::cast).findFirst().orElseThrow();
        assertThat(delta.argumentsDelta()).startsWith("{\"city\":");
        assertThat(events.getLast()).isEqualTo(new ChatEvent.Stop(FinishReason.TOOL_CALLS, "STOP"));
    }

    @Test
    void thinkingComesBackAsReasoningWithItsSignature() {
        ChatRequest request = ChatRequest.builder("gemini-thinking").user("Why is the sky blue?").maxTokens(4096)
                .reasoning(new ReasoningOptions(null, 2048, false)).build();
        ChatResponse response = adapter.chat(target("gemini-thinking"), request, OPTIONS).await().atMost(WAIT);

        ContentPart.Reasoning thought = (ContentPart.Reasoning) response.content().getFirst();
        assertThat(thought.text()).isNotBlank();
        assertThat(response.content()).anySatisfy(p -> assertThat(p).isInstanceOfSatisfying(
                ContentPart.Reasoning.class, r -> assertThat(r.signature()).isNotBlank()));
        assertThat(response.usage().reasoningTokens()).isPositive();
        assertThat(response.usage().outputTokens()).isGreaterThan(response.usage().reasoningTokens());

        // the whole answer goes back in the next turn, signatures where they came
        ChatRequest next = ChatRequest.builder("gemini-thinking").user("Why is the sky blue?")
                .message(new ChatMessage(Role.ASSISTANT, response.content())).user("And at sunset?").maxTokens(4096)
                .reasoning(new ReasoningOptions(null, 2048, false)).build();
        List<ChatEvent> events = collect(target("gemini-thinking"), next);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ChatEvent.ReasoningDelta.class,
                r -> assertThat(r.text()).isNotEmpty()));
        assertThat(events.getLast()).isInstanceOf(ChatEvent.Stop.class);
    }

    @Test
    void apiKeyGoesToTheGeminiApiInAHeader() {
        UpstreamTarget target = target("gemini-studio", apiKeySettings(KEY));
        assertThat(VertexAdapter.url(target, new VertexAdapter.Auth(java.util.Map.of(), null, List.of(), true, null),
                "gemini-studio", true)).isEqualTo(sim.baseUrl() + "/v1beta/models/gemini-studio:streamGenerateContent"
                + "?alt=sse");

        ChatResponse response = adapter.chat(target, ask("gemini-studio"), OPTIONS).await().atMost(WAIT);
        assertThat(response.text()).isNotBlank();
        assertThat(text(collect(target, ask("gemini-studio")))).isNotBlank();
    }

    @Test
    void badApiKeyIsAnAuthenticationError() {
        UpstreamError error = chatFailure(target("gemini-bad-key", apiKeySettings("not-a-key-0123456789")),
                ask("gemini-bad-key"), OPTIONS);
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.getMessage() + error.providerMessage()).doesNotContain("not-a-key-0123456789");
    }

    @Test
    void aKeyTheSimulatorDoesNotKnowIsAnAuthenticationError() throws IOException {
        SimServiceAccount impostor = SimServiceAccount.generate(account.clientEmail());
        Path file = writeKey("impostor.json", impostor, PROJECT);
        UpstreamTarget target = target("gemini-impostor", keyFileSettings(file));

        UpstreamError error = chatFailure(target, ask("gemini-impostor"), OPTIONS);
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(error.providerMessage()).isEqualTo("invalid_grant: Invalid JWT Signature.");
        assertThat(streamFailure(target, ask("gemini-impostor"), OPTIONS).kind())
                .isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        // refused at the token endpoint: no generation request was made
        assertThat(sim.runtime().counters().get("gemini-impostor").received()).isZero();
    }

    @Test
    void aMissingOrBrokenKeyFileIsAnAuthenticationError() throws IOException {
        assertThat(chatFailure(target("gemini-no-file", keyFileSettings(dir.resolve("absent.json"))),
                ask("gemini-no-file"), OPTIONS).kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"type\":\"service_account\"}");
        assertThat(chatFailure(target("gemini-no-file", keyFileSettings(broken)), ask("gemini-no-file"), OPTIONS)
                .kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
    }

    @Test
    void theTokenIsFetchedOnceAndReused() throws IOException {
        Path file = writeKey("cached.json", account, PROJECT);
        VertexAccessTokens fresh = new VertexAccessTokens(Infrastructure.getDefaultWorkerPool(), Clock.systemUTC());
        VertexAdapter own = new VertexAdapter(new UpstreamHttp(io.vertx.mutiny.core.Vertx.newInstance(vertx)), fresh);
        UpstreamTarget target = target("gemini-cached", keyFileSettings(file));
        long before = sim.runtime().googleAuth().tokenRequests();

        for (int i = 0; i < 3; i++) {
            own.chat(target, ask("gemini-cached"), OPTIONS).await().atMost(WAIT);
            own.stream(target, ask("gemini-cached"), OPTIONS).collect().asList().await().atMost(WAIT);
        }

        assertThat(sim.runtime().googleAuth().tokenRequests() - before).isEqualTo(1);
        awaitCounters("gemini-cached", c -> c.completed() == 6);
    }

    @Test
    void errorStatusesAreClassified() {
        record Case(String model, SimProfile profile, UpstreamErrorKind kind, int status) {
        }
        List<Case> cases = List.of(
                new Case("gemini-429", FAST.toBuilder().rateLimitedRate(1).build(), UpstreamErrorKind.RATE_LIMITED, 429),
                new Case("gemini-overloaded", FAST.toBuilder().overloadedRate(1).build(), UpstreamErrorKind.OVERLOADED,
                        503),
                new Case("gemini-503", FAST.toBuilder().unavailableRate(1).build(), UpstreamErrorKind.OVERLOADED, 503),
                new Case("gemini-500", FAST.toBuilder().serverErrorRate(1).build(), UpstreamErrorKind.SERVER_ERROR,
                        500));
        for (Case c : cases) {
            sim.runtime().profiles().put(c.model(), c.profile());
            UpstreamError chat = chatFailure(target(c.model()), ask(c.model()), OPTIONS);
            assertThat(chat.kind()).as(c.model()).isEqualTo(c.kind());
            assertThat(chat.httpStatus()).as(c.model()).isEqualTo(c.status());
            UpstreamError stream = streamFailure(target(c.model()), ask(c.model()), OPTIONS);
            assertThat(stream.kind()).as(c.model() + " streamed").isEqualTo(c.kind());
        }
    }

    @Test
    void aGeminiApiQuotaErrorCarriesItsRetryDelay() {
        sim.runtime().profiles().put("gemini-studio-429", FAST.toBuilder().rateLimitedRate(1).retryAfterSeconds(17)
                .build());
        UpstreamError error = chatFailure(target("gemini-studio-429", apiKeySettings(KEY)), ask("gemini-studio-429"),
                OPTIONS);
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.RATE_LIMITED);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(17));
    }

    @Test
    void streamFaultsAreClassified() {
        record Case(String model, SimProfile profile, UpstreamErrorKind kind) {
        }
        List<Case> cases = List.of(
                new Case("gemini-abort", FAST.toBuilder().abortRate(1).build(), UpstreamErrorKind.CONNECTION),
                new Case("gemini-malformed", FAST.toBuilder().malformedRate(1).build(),
                        UpstreamErrorKind.MALFORMED_RESPONSE),
                new Case("gemini-mid-error", FAST.toBuilder().midStreamErrorRate(1).build(),
                        UpstreamErrorKind.SERVER_ERROR));
        for (Case c : cases) {
            sim.runtime().profiles().put(c.model(), c.profile());
            List<ChatEvent> seen = new ArrayList<>();
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> adapter
                    .stream(target(c.model()), ask(c.model()), OPTIONS).onItem().invoke(seen::add)
                    .collect().asList().await().atMost(WAIT));
            assertThat(failure).as(c.model()).isInstanceOfSatisfying(UpstreamError.class,
                    e -> assertThat(e.kind()).isEqualTo(c.kind()));
            // content came first: the fault hit mid-stream, and it never ends with a clean Stop
            assertThat(seen).as(c.model()).anyMatch(ChatEvent::isContent).noneMatch(ChatEvent.Stop.class::isInstance);
        }
        sim.runtime().profiles().put("gemini-abort-chat", FAST.toBuilder().abortRate(1).build());
        assertThat(chatFailure(target("gemini-abort-chat"), ask("gemini-abort-chat"), OPTIONS).kind())
                .isIn(UpstreamErrorKind.CONNECTION, UpstreamErrorKind.MALFORMED_RESPONSE);
        sim.runtime().profiles().put("gemini-malformed-chat", FAST.toBuilder().malformedRate(1).build());
        assertThat(chatFailure(target("gemini-malformed-chat"), ask("gemini-malformed-chat"), OPTIONS).kind())
                .isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
    }

    @Test
    void deadlinesTimeOutAndResetTheRequest() {
        sim.runtime().profiles().put("gemini-hang", FAST.toBuilder().hangRate(1).build());
        CallOptions quick = new CallOptions(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(10),
                Duration.ofMillis(600));
        UpstreamError chat = chatFailure(target("gemini-hang"), ask("gemini-hang"), quick);
        assertThat(chat.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
        UpstreamError stream = streamFailure(target("gemini-hang"), ask("gemini-hang"), quick);
        assertThat(stream.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
        assertThat(stream.getMessage()).contains("first token");
        awaitCounters("gemini-hang", s -> s.cancelled() == 2);

        sim.runtime().profiles().put("gemini-slow", FAST.toBuilder().ttftMs(2000).ttftSpread(0).build());
        assertThat(streamFailure(target("gemini-slow"), ask("gemini-slow"), quick).kind())
                .isEqualTo(UpstreamErrorKind.TIMEOUT);
    }

    @Test
    void cancellingAStreamClosesTheUpstreamRequest() {
        sim.runtime().profiles().put("gemini-cancel", FAST.toBuilder().tokensPerSecond(20).outputTokens(400)
                .outputTokensSpread(0).build());
        CompletableFuture<ChatEvent> first = new CompletableFuture<>();
        Cancellable subscription = adapter.stream(target("gemini-cancel"), ask("gemini-cancel"), OPTIONS)
                .subscribe().with(e -> {
                    if (e.isContent()) {
                        first.complete(e);
                    }
                }, first::completeExceptionally);
        assertThat(first).succeedsWithin(WAIT);
        subscription.cancel();
        awaitCounters("gemini-cancel", s -> s.cancelled() == 1);
    }

    @Test
    void claudeGoesToRawPredictWithAnthropicsBody() {
        String model = "claude-sonnet-4@20250514";
        ChatResponse response = adapter.chat(target(model), ask(model), OPTIONS).await().atMost(WAIT);
        assertThat(response.text()).matches("[A-Z].*[.!]");
        assertThat(response.id()).startsWith("msg_01");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.nativeFinishReason()).isEqualTo("end_turn");
        assertThat(response.usage().outputTokens()).isEqualTo(response.text().split(" ").length);

        List<ChatEvent> events = collect(target(model), ask(model));
        assertThat(events.getFirst()).isInstanceOf(ChatEvent.Start.class);
        assertThat(text(events)).isNotBlank();
        assertThat(events.getLast()).isEqualTo(new ChatEvent.Stop(FinishReason.STOP, "end_turn"));
        awaitCounters(model, c -> c.completed() == 2);
    }

    @Test
    void claudeToolUseRoundTrip() {
        String model = "claude-tools@20250514";
        ChatRequest first = ChatRequest.builder(model).user("Weather in Paris?")
                .tools(List.of(weather()), ToolChoice.AUTO).build();
        ChatResponse call = adapter.chat(target(model), first, OPTIONS).await().atMost(WAIT);
        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        ContentPart.ToolCall toolCall = call.toolCalls().getFirst();
        assertThat(toolCall.id()).startsWith("toolu_01");

        ChatRequest second = ChatRequest.builder(model).user("Weather in Paris?")
                .message(new ChatMessage(Role.ASSISTANT, call.content()))
                .message(new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult(toolCall.id(),
                        List.of(ContentPart.Text.of("18 C, sunny")), false))))
                .tools(List.of(weather()), ToolChoice.AUTO).build();
        List<ChatEvent> events = collect(target(model), second);
        assertThat(events.getLast()).isEqualTo(new ChatEvent.Stop(FinishReason.STOP, "end_turn"));
    }

    @Test
    void claudeErrorsInEitherShapeAreClassified() {
        sim.runtime().profiles().put("claude-429", FAST.toBuilder().rateLimitedRate(1).build());
        UpstreamError quota = chatFailure(target("claude-429"), ask("claude-429"), OPTIONS);
        assertThat(quota.kind()).isEqualTo(UpstreamErrorKind.RATE_LIMITED);
        assertThat(quota.getMessage()).contains("RESOURCE_EXHAUSTED");
        sim.runtime().profiles().put("claude-529", FAST.toBuilder().overloadedRate(1).build());
        UpstreamError overloaded = streamFailure(target("claude-529"), ask("claude-529"), OPTIONS);
        assertThat(overloaded.kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(overloaded.httpStatus()).isEqualTo(529);
        sim.runtime().profiles().put("claude-mid", FAST.toBuilder().midStreamErrorRate(1).build());
        assertThat(streamFailure(target("claude-mid"), ask("claude-mid"), OPTIONS).kind())
                .isEqualTo(UpstreamErrorKind.OVERLOADED);
        sim.runtime().profiles().put("claude-hang", FAST.toBuilder().hangRate(1).build());
        assertThat(streamFailure(target("claude-hang"), ask("claude-hang"), new CallOptions(Duration.ofSeconds(5),
                Duration.ofMillis(300), Duration.ofSeconds(10), Duration.ofSeconds(5))).kind())
                .isEqualTo(UpstreamErrorKind.TIMEOUT);
    }

    @Test
    void claudeNeedsAServiceAccount() {
        UpstreamError error = chatFailure(target("claude-keyed@20250514", apiKeySettings(KEY)),
                ask("claude-keyed@20250514"), OPTIONS);
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(error.getMessage()).contains("credentials-file");
        assertThat(sim.runtime().counters().get("claude-keyed@20250514").received()).isZero();
    }

    /** Polls the simulator's counters until the condition holds; the deadline bounds the loop, no fixed sleep. */
    static void awaitCounters(String model, Predicate<SimCounters.ModelStats> condition) {
        long end = System.nanoTime() + WAIT.toNanos();
        SimCounters.ModelStats last = null;
        while (System.nanoTime() < end) {
            last = sim.runtime().counters().get(model);
            if (condition.test(last)) {
                return;
            }
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS)).join();
        }
        throw new AssertionError("counters of " + model + " never matched; last: " + last);
    }
}
