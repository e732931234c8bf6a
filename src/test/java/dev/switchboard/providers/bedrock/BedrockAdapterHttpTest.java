package dev.switchboard.providers.bedrock;

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
import dev.switchboard.providers.http.UpstreamRequest;
import dev.switchboard.providers.http.UpstreamResponse;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimCounters;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimServer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adapter end to end over real HTTP against the simulator's Bedrock protocol, which verifies every request's
 * SigV4 signature with the AWS SDK against its known test credentials.
 */
class BedrockAdapterHttpTest {

    static final String KEY_ID = SimConfig.DEFAULT_AWS_ACCESS_KEY_ID;
    static final String SECRET = SimConfig.DEFAULT_AWS_SECRET_ACCESS_KEY;
    static final SimProfile FAST = SimProfile.builder().ttftMs(3).ttftSpread(0.2).tokensPerSecond(4000)
            .outputTokens(24).outputTokensSpread(0.2).build();
    static final CallOptions OPTIONS = new CallOptions(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(10));
    static final Duration WAIT = Duration.ofSeconds(15);

    static Vertx vertx;
    static SimServer sim;
    static UpstreamHttp http;
    static BedrockAdapter adapter;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        sim = new SimServer(vertx, SimConfig.defaults().withSeed(20250101L).withDefaultProfile(FAST));
        sim.start(0);
        http = new UpstreamHttp(io.vertx.mutiny.core.Vertx.newInstance(vertx));
        adapter = new BedrockAdapter(http);
    }

    @AfterAll
    static void stop() throws Exception {
        sim.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static ProviderSettings settings(String keyId, String secret, String token, String apiKey) {
        return new ProviderSettings("amazon-bedrock", Optional.empty(), Optional.ofNullable(apiKey),
                Optional.of("us-east-1"), Optional.empty(), Optional.empty(), Optional.ofNullable(keyId),
                Optional.ofNullable(secret), Optional.ofNullable(token), true);
    }

    static UpstreamTarget target(String model, ProviderSettings settings) {
        return new UpstreamTarget("amazon-bedrock", ProviderKind.BEDROCK, sim.baseUrl(), model, "us-east-1",
                settings);
    }

    static UpstreamTarget target(String model) {
        return target(model, settings(KEY_ID, SECRET, null, null));
    }

    static ChatRequest hello() {
        return ChatRequest.builder("anthropic/claude-sonnet-4").user("What is the weather like in Paris?")
                .maxTokens(1024).build();
    }

    static ToolDefinition weather() {
        ObjectNode schema = (ObjectNode) Fixtures.tree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":"
                + "\"string\"},\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},"
                + "\"required\":[\"city\",\"unit\"]}");
        return new ToolDefinition("get_weather", "Current weather of a city", schema, false);
    }

    static ChatResponse chat(UpstreamTarget target, ChatRequest request, CallOptions options) {
        return adapter.chat(target, request, options).await().atMost(WAIT);
    }

    static List<ChatEvent> stream(UpstreamTarget target, ChatRequest request, CallOptions options) {
        return adapter.stream(target, request, options).collect().asList().await().atMost(WAIT);
    }

    /** The events a stream delivered before it failed, and its failure. */
    record Failed(List<ChatEvent> events, UpstreamError error) {
    }

    static Failed streamFailure(UpstreamTarget target, ChatRequest request, CallOptions options) {
        List<ChatEvent> events = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        adapter.stream(target, request, options).subscribe().with(events::add, failure::complete,
                () -> failure.complete(null));
        Throwable thrown = failure.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        assertThat(thrown).as("the stream failed").isInstanceOf(UpstreamError.class);
        return new Failed(List.copyOf(events), (UpstreamError) thrown);
    }

    static UpstreamError chatFailure(UpstreamTarget target, ChatRequest request, CallOptions options) {
        return failure(() -> chat(target, request, options));
    }

    static UpstreamError failure(Supplier<?> call) {
        try {
            call.get();
        } catch (UpstreamError e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }

    static void profile(String model, SimProfile profile) {
        sim.runtime().profiles().put(model, profile);
    }

    static SimCounters.ModelStats counters(String model) {
        return sim.runtime().counters().get(model);
    }

    static String text(List<ChatEvent> events) {
        StringBuilder sb = new StringBuilder();
        events.stream().filter(ChatEvent.TextDelta.class::isInstance)
                .forEach(e -> sb.append(((ChatEvent.TextDelta) e).text()));
        return sb.toString();
    }

    @Test
    void chatAnswersText() {
        ChatResponse response = chat(target("anthropic.claude-sonnet-4-20250514-v1:0"), hello(), OPTIONS);

        assertThat(response.text()).matches("[A-Z].*[.!]");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.nativeFinishReason()).isEqualTo("end_turn");
        assertThat(response.id()).matches("[0-9a-f-]{36}");
        assertThat(response.model()).isEqualTo("anthropic.claude-sonnet-4-20250514-v1:0");
        assertThat(response.usage().inputTokens()).isPositive();
        assertThat(response.usage().outputTokens()).isEqualTo(response.text().split(" ").length);
        // counted just after the last byte went out: the client may read it first
        await(() -> counters("anthropic.claude-sonnet-4-20250514-v1:0").completed() == 1);
    }

    @Test
    void streamDeliversStartDeltasUsageAndStop() {
        List<ChatEvent> events = stream(target("us.anthropic.claude-sonnet-4-20250514-v1:0"), hello(), OPTIONS);

        assertThat(events.getFirst()).isInstanceOfSatisfying(ChatEvent.Start.class, s -> {
            assertThat(s.id()).isNotBlank();
            assertThat(s.model()).isEqualTo("us.anthropic.claude-sonnet-4-20250514-v1:0");
        });
        assertThat(events.subList(1, events.size() - 2)).allMatch(ChatEvent.TextDelta.class::isInstance);
        assertThat(events.get(events.size() - 2)).isInstanceOfSatisfying(ChatEvent.UsageReport.class,
                u -> assertThat(u.usage().outputTokens()).isEqualTo(text(events).split(" ").length));
        assertThat(events.getLast()).isEqualTo(new ChatEvent.Stop(FinishReason.STOP, "end_turn"));
        assertThat(text(events)).matches("[A-Z].*[.!]");
    }

    @Test
    void toolRoundTrip() {
        ChatRequest ask = ChatRequest.builder("m").user("Weather in Paris?").maxTokens(512)
                .tools(List.of(weather()), ToolChoice.AUTO).build();
        ChatResponse call = chat(target("br-tools"), ask, OPTIONS);
        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        ContentPart.ToolCall toolCall = call.toolCalls().getFirst();
        assertThat(toolCall.id()).startsWith("tooluse_");
        assertThat(Fixtures.tree(toolCall.arguments()).path("unit").asText()).isIn("celsius", "fahrenheit");

        // the caller's history as OpenAI-style clients send it: the tool result and a question as two user turns
        ChatRequest answer = new ChatRequest("m", List.of(), List.of(ChatMessage.user("Weather in Paris?"),
                new ChatMessage(Role.ASSISTANT, call.content()),
                new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult(toolCall.id(),
                        List.of(ContentPart.Text.of("18 C, sunny")), false))),
                ChatMessage.user("Thanks, and is it windy?")),
                List.of(weather()), ToolChoice.AUTO, 512, null, null, null, null, null, null, null, null, null, null,
                null);
        ChatResponse done = chat(target("br-tools"), answer, OPTIONS);
        assertThat(done.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(done.text()).isNotBlank();
    }

    @Test
    void streamedToolCallAssemblesItsArguments() {
        ChatRequest ask = ChatRequest.builder("m").user("Weather?").maxTokens(512)
                .tools(List.of(weather()), new ToolChoice.Named("get_weather")).build();
        List<ChatEvent> events = stream(target("br-tools-stream"), ask, OPTIONS);

        ChatEvent.ToolCallStart start = events.stream().filter(ChatEvent.ToolCallStart.class::isInstance)
                .map(ChatEvent.ToolCallStart.class::cast).findFirst().orElseThrow();
        assertThat(start.index()).isZero();
        assertThat(start.name()).isEqualTo("get_weather");
        StringBuilder arguments = new StringBuilder();
        events.stream().filter(ChatEvent.ToolCallDelta.class::isInstance)
                .forEach(e -> arguments.append(((ChatEvent.ToolCallDelta) e).argumentsDelta()));
        assertThat(Fixtures.tree(arguments.toString()).has("city")).isTrue();
        assertThat(events.getLast()).isEqualTo(new ChatEvent.Stop(FinishReason.TOOL_CALLS, "tool_use"));
    }

    @Test
    void claudeReasoningComesBackSigned() {
        ChatRequest think = ChatRequest.builder("m").user("27 * 453?").maxTokens(4096)
                .reasoning(new ReasoningOptions(null, 1024, false)).build();
        ChatResponse response = chat(target("anthropic.claude-3-7-sonnet-20250219-v1:0"), think, OPTIONS);
        assertThat(response.content().getFirst()).isInstanceOfSatisfying(ContentPart.Reasoning.class, r -> {
            assertThat(r.text()).isNotBlank();
            assertThat(r.signature()).isNotBlank();
        });

        List<ChatEvent> events = stream(target("us.anthropic.claude-3-7-sonnet-20250219-v1:0"), think, OPTIONS);
        assertThat(events.get(1)).isInstanceOf(ChatEvent.ReasoningDelta.class);
        assertThat(events).anyMatch(e -> e instanceof ChatEvent.ReasoningDelta r && r.signature() != null);
        assertThat(text(events)).isNotBlank();
    }

    @Test
    void anArnModelIdTravelsInThePath() {
        String arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6";
        assertThat(chat(target(arn), hello(), OPTIONS).finishReason()).isEqualTo(FinishReason.STOP);
        await(() -> counters(arn).completed() == 1);
    }

    @Test
    void temporaryCredentialsAndApiKeysWork() {
        assertThat(chat(target("br-session", settings(KEY_ID, SECRET, "FwoGZXIvYXdzEJr-session", null)), hello(),
                OPTIONS).text()).isNotBlank();
        assertThat(chat(target("br-api-key", settings(null, null, null, SimConfig.DEFAULT_API_KEY)), hello(),
                OPTIONS).text()).isNotBlank();
    }

    @Test
    void aWrongSecretIsAnAuthenticationErrorThatNamesNoSecret() {
        String wrong = "wrongSecretAccessKeyWrongSecretAccessKey";
        UpstreamError error = chatFailure(target("br-403", settings(KEY_ID, wrong, null, null)), hello(), OPTIONS);
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(error.httpStatus()).isEqualTo(403);
        assertThat(error.getMessage()).contains("InvalidSignatureException")
                .contains("The request signature we calculated does not match").doesNotContain(wrong)
                .doesNotContain(KEY_ID);
        assertThat(counters("br-403").rejected()).isEqualTo(1);

        Failed streamed = streamFailure(target("br-403", settings(KEY_ID, wrong, null, null)), hello(), OPTIONS);
        assertThat(streamed.error().kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(streamed.events()).isEmpty();
    }

    @Test
    void anUnknownKeyIdOrApiKeyIsAnAuthenticationError() {
        UpstreamError unknown = chatFailure(target("br-403-id", settings("AKIAUNKNOWN000000000", SECRET, null, null)),
                hello(), OPTIONS);
        assertThat(unknown.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(unknown.getMessage()).contains("UnrecognizedClientException");

        UpstreamError badKey = chatFailure(target("br-403-key", settings(null, null, null, "ABSKbm90LWEta2V5")),
                hello(), OPTIONS);
        assertThat(badKey.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(badKey.getMessage()).doesNotContain("ABSKbm90LWEta2V5");
    }

    @Test
    void withoutCredentialsNothingIsSent() {
        UpstreamError error = chatFailure(target("br-none", settings(null, null, null, null)), hello(), OPTIONS);
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(error.getMessage()).contains("No credentials");
        assertThat(counters("br-none").received()).isZero();
    }

    @Test
    void aTamperedBodyOrPathIsRejectedAndTheUntouchedRequestAccepted() {
        UpstreamRequest signed = adapter.request(target("br-tamper"), hello(), false);
        assertThat(send(signed).status()).isEqualTo(200);

        String body = new String(signed.body(), StandardCharsets.UTF_8);
        byte[] altered = body.replace("Paris", "Rome!").getBytes(StandardCharsets.UTF_8);
        assertThat(altered).hasSameSizeAs(signed.body());
        UpstreamResponse tampered = send(new UpstreamRequest("POST", signed.url(), signed.headers(), altered));
        assertThat(tampered.status()).isEqualTo(403);
        assertThat(tampered.header("x-amzn-ErrorType")).startsWith("InvalidSignatureException");

        UpstreamResponse otherModel = send(new UpstreamRequest("POST", signed.url().replace("br-tamper", "br-tampex"),
                signed.headers(), signed.body()));
        assertThat(otherModel.status()).isEqualTo(403);
    }

    @Test
    void aStaleSignatureIsExpired() {
        BedrockAdapter past = new BedrockAdapter(http, new BedrockSigner(Clock.fixed(
                Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC)));
        UpstreamError error = failure(() -> past.chat(target("br-stale"), hello(), OPTIONS).await().atMost(WAIT));
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(error.getMessage()).contains("Signature expired");
    }

    private static UpstreamResponse send(UpstreamRequest request) {
        // the body is read in the pipeline that received the response, as the adapters read it
        return http.send(request, OPTIONS).onItem().transformToUni(r -> r.body().replaceWith(r)).await()
                .atMost(WAIT);
    }

    @Test
    void injectedErrorStatusesAreClassified() {
        record Case(String model, SimProfile profile, UpstreamErrorKind kind, int status) {
        }
        for (Case c : List.of(
                new Case("br-429", FAST.toBuilder().rateLimitedRate(1).build(), UpstreamErrorKind.RATE_LIMITED, 429),
                new Case("br-529", FAST.toBuilder().overloadedRate(1).build(), UpstreamErrorKind.OVERLOADED, 503),
                new Case("br-503", FAST.toBuilder().unavailableRate(1).build(), UpstreamErrorKind.OVERLOADED, 503),
                new Case("br-500", FAST.toBuilder().serverErrorRate(1).build(), UpstreamErrorKind.SERVER_ERROR, 500),
                new Case("br-424", FAST.toBuilder().midStreamErrorRate(1).build(), UpstreamErrorKind.OVERLOADED,
                        424))) {
            profile(c.model(), c.profile());
            UpstreamError error = chatFailure(target(c.model()), hello(), OPTIONS);
            assertThat(error.kind()).as(c.model()).isEqualTo(c.kind());
            assertThat(error.httpStatus()).as(c.model()).isEqualTo(c.status());
            if (c.status() != 424) {
                Failed streamed = streamFailure(target(c.model()), hello(), OPTIONS);
                assertThat(streamed.error().kind()).as(c.model() + " streamed").isEqualTo(c.kind());
                assertThat(streamed.events()).isEmpty();
            }
        }
    }

    @Test
    void anExceptionFrameMidStreamFailsAfterTheTextSoFar() {
        profile("br-midstream", FAST.toBuilder().outputTokens(60).outputTokensSpread(0).midStreamErrorRate(1).build());
        Failed failed = streamFailure(target("br-midstream"), hello(), OPTIONS);
        assertThat(failed.error().kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(failed.error().getMessage()).contains("modelStreamErrorException");
        assertThat(failed.events().getFirst()).isInstanceOf(ChatEvent.Start.class);
        assertThat(failed.events()).anyMatch(ChatEvent.TextDelta.class::isInstance)
                .noneMatch(ChatEvent.Stop.class::isInstance);
    }

    @Test
    void aMalformedFrameOrBodyIsAMalformedResponse() {
        profile("br-malformed", FAST.toBuilder().malformedRate(1).build());
        assertThat(streamFailure(target("br-malformed"), hello(), OPTIONS).error().kind())
                .isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
        assertThat(chatFailure(target("br-malformed"), hello(), OPTIONS).kind())
                .isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
    }

    @Test
    void anAbortedConnectionIsAConnectionFailure() {
        profile("br-abort", FAST.toBuilder().outputTokens(60).abortRate(1).build());
        Failed failed = streamFailure(target("br-abort"), hello(), OPTIONS);
        assertThat(failed.error().kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
        assertThat(failed.events()).noneMatch(ChatEvent.Stop.class::isInstance);
        assertThat(chatFailure(target("br-abort"), hello(), OPTIONS).kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
    }

    @Test
    void aHangingModelHitsTheDeadlines() {
        profile("br-hang", FAST.toBuilder().hangRate(1).build());
        CallOptions impatient = new CallOptions(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5),
                Duration.ofMillis(600));
        UpstreamError streamed = streamFailure(target("br-hang"), hello(), impatient).error();
        assertThat(streamed.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
        assertThat(streamed.getMessage()).contains("first token");
        UpstreamError chat = chatFailure(target("br-hang"), hello(), impatient);
        assertThat(chat.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
    }

    @Test
    void aSlowStreamHitsTheTotalDeadlineAfterItsFirstTokens() {
        profile("br-slow", FAST.toBuilder().tokensPerSecond(20).outputTokens(200).outputTokensSpread(0).build());
        CallOptions options = new CallOptions(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofMillis(500));
        Failed failed = streamFailure(target("br-slow"), hello(), options);
        assertThat(failed.error().kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
        assertThat(failed.error().getMessage()).contains("did not finish");
        assertThat(failed.events()).anyMatch(ChatEvent.TextDelta.class::isInstance);
    }

    @Test
    void cancellingTheStreamClosesTheUpstreamRequest() {
        profile("br-cancel", FAST.toBuilder().tokensPerSecond(50).outputTokens(500).outputTokensSpread(0).build());
        CompletableFuture<Void> firstText = new CompletableFuture<>();
        Multi<ChatEvent> events = adapter.stream(target("br-cancel"), hello(), OPTIONS);
        Cancellable subscription = events.subscribe().with(e -> {
            if (e instanceof ChatEvent.TextDelta) {
                firstText.complete(null);
            }
        }, f -> { });
        firstText.orTimeout(10, TimeUnit.SECONDS).join();
        subscription.cancel();
        await(() -> counters("br-cancel").cancelled() == 1);
        assertThat(counters("br-cancel").completed()).isZero();
    }

    /** Polls a condition about the simulator until it holds; the deadline bounds the loop. */
    private static void await(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition never held");
            }
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS)).join();
        }
    }

}
