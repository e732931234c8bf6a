package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
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
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The OpenAI adapter over real HTTP against the simulated upstream's OpenAI protocol. */
class OpenAiAdapterSimTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final CallOptions FAST = new CallOptions(Duration.ofSeconds(2), Duration.ofSeconds(2),
            Duration.ofSeconds(2), Duration.ofSeconds(10));

    static Vertx vertx;
    static SimServer sim;
    static OpenAiAdapter adapter;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        sim = new SimServer(vertx, SimConfig.defaults().withSeed(42).withDefaultProfile(SimProfile.builder()
                .ttftMs(3).ttftSpread(0.1).tokensPerSecond(5000).outputTokens(20).outputTokensSpread(0.1).build()));
        sim.start(0);
        adapter = new OpenAiAdapter(new UpstreamHttp(new io.vertx.mutiny.core.Vertx(vertx)));
    }

    @AfterAll
    static void stop() {
        sim.stop();
        vertx.close();
    }

    static UpstreamTarget target(String model, String key) {
        return new UpstreamTarget("openai", ProviderKind.OPENAI, sim.baseUrl() + "/v1", model, null,
                new ProviderSettings("openai", Optional.empty(), Optional.of(key), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), true));
    }

    static ChatRequest hello(String model) {
        return ChatRequest.builder(model).system("Be brief.").user("Say hello").maxTokens(64).build();
    }

    @Test
    void nonStreamingCall() {
        ChatResponse r = adapter.chat(target("gpt-ok", SimConfig.DEFAULT_API_KEY), hello("gpt-ok"), FAST)
                .await().atMost(WAIT);
        assertThat(r.text()).isNotBlank();
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage().inputTokens()).isPositive();
        assertThat(r.usage().outputTokens()).isPositive();
    }

    @Test
    void streamingCallGivesOrderedEvents() {
        List<ChatEvent> events = adapter.stream(target("gpt-stream", SimConfig.DEFAULT_API_KEY),
                hello("gpt-stream"), FAST).collect().asList().await().atMost(WAIT);
        assertThat(events.getFirst()).isInstanceOf(ChatEvent.Start.class);
        assertThat(events).filteredOn(ChatEvent.TextDelta.class::isInstance).isNotEmpty();
        assertThat(events).filteredOn(ChatEvent.UsageReport.class::isInstance).singleElement()
                .satisfies(u -> assertThat(((ChatEvent.UsageReport) u).usage().outputTokens()).isPositive());
        // OpenAI sends usage in a last chunk of its own, after the finish reason
        assertThat(events).filteredOn(ChatEvent.Stop.class::isInstance)
                .containsExactly(new ChatEvent.Stop(FinishReason.STOP, "stop"));
        assertThat(events.subList(events.size() - 2, events.size()))
                .anyMatch(ChatEvent.Stop.class::isInstance).anyMatch(ChatEvent.UsageReport.class::isInstance);
    }

    @Test
    void toolCallRoundTrip() throws Exception {
        ObjectNode schema = (ObjectNode) new ObjectMapper().readTree("""
                {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");
        ToolDefinition weather = new ToolDefinition("get_weather", "Weather in a city", schema, false);
        ChatRequest ask = ChatRequest.builder("gpt-tools").user("Weather in Paris?").maxTokens(128)
                .tools(List.of(weather), ToolChoice.AUTO).build();
        ChatResponse call = adapter.chat(target("gpt-tools", SimConfig.DEFAULT_API_KEY), ask, FAST)
                .await().atMost(WAIT);
        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        ContentPart.ToolCall toolCall = call.toolCalls().getFirst();
        assertThat(toolCall.name()).isEqualTo("get_weather");
        assertThat(new ObjectMapper().readTree(toolCall.arguments()).has("city")).isTrue();

        ChatRequest answer = ChatRequest.builder("gpt-tools").user("Weather in Paris?").maxTokens(128)
                .tools(List.of(weather), ToolChoice.AUTO)
                .message(new ChatMessage(Role.ASSISTANT, List.of(toolCall)))
                .message(new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult(toolCall.id(),
                        List.of(ContentPart.Text.of("18°C and sunny")), false))))
                .build();
        ChatResponse text = adapter.chat(target("gpt-tools", SimConfig.DEFAULT_API_KEY), answer, FAST)
                .await().atMost(WAIT);
        assertThat(text.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(text.text()).isNotBlank();
    }

    @Test
    void badKeyIsAnAuthenticationError() {
        UpstreamError e = assertThrows(UpstreamError.class, () -> adapter.chat(
                target("gpt-key", "sk-wrong-key-0123456789abcdef"), hello("gpt-key"), FAST).await().atMost(WAIT));
        assertThat(e.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage() + e.providerMessage()).doesNotContain("sk-wrong-key-0123456789abcdef");
    }

    @Test
    void faultKnobsGiveTheirErrorKinds() {
        assertThat(fault("gpt-429", SimProfile.builder().rateLimitedRate(1).retryAfterSeconds(7), false).retryAfter())
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(fault("gpt-429s", SimProfile.builder().rateLimitedRate(1), true).kind())
                .isEqualTo(UpstreamErrorKind.RATE_LIMITED);
        // OpenAI has no 529: the simulator answers an overloaded OpenAI endpoint with 503
        assertThat(fault("gpt-503", SimProfile.builder().overloadedRate(1), false).kind())
                .isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(fault("gpt-500", SimProfile.builder().serverErrorRate(1), true).kind())
                .isEqualTo(UpstreamErrorKind.SERVER_ERROR);
        assertThat(fault("gpt-hang", SimProfile.builder().hangRate(1), true).kind())
                .isEqualTo(UpstreamErrorKind.TIMEOUT);
        assertThat(fault("gpt-malformed", SimProfile.builder().malformedRate(1), true).kind())
                .isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
        // an OpenAI stream reports a late failure as an error object of type server_error
        assertThat(fault("gpt-midstream", SimProfile.builder().midStreamErrorRate(1), true).kind())
                .isEqualTo(UpstreamErrorKind.SERVER_ERROR);
        assertThat(fault("gpt-abort", SimProfile.builder().abortRate(1), true).kind())
                .isIn(UpstreamErrorKind.CONNECTION, UpstreamErrorKind.MALFORMED_RESPONSE);
    }

    @Test
    void cancellingTheStreamCancelsTheUpstreamCall() {
        String model = "gpt-slow";
        sim.runtime().profiles().put(model, SimProfile.builder().ttftMs(5).tokensPerSecond(20).outputTokens(400).build());
        AssertSubscriber<ChatEvent> subscriber = adapter.stream(target(model, SimConfig.DEFAULT_API_KEY),
                hello(model), FAST).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        subscriber.awaitItems(3, WAIT);
        subscriber.cancel();
        long deadline = System.nanoTime() + WAIT.toNanos();
        SimCounters.ModelStats stats = sim.runtime().counters().get(model);
        while (stats.cancelled() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            stats = sim.runtime().counters().get(model);
        }
        assertThat(stats.cancelled()).as("the simulator saw the caller go away").isEqualTo(1);
        assertThat(stats.completed()).isZero();
    }

    private UpstreamError fault(String model, SimProfile.Builder profile, boolean stream) {
        sim.runtime().profiles().put(model, profile.ttftMs(3).tokensPerSecond(5000).outputTokens(20).build());
        CallOptions options = new CallOptions(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(500),
                Duration.ofSeconds(5));
        return assertThrows(UpstreamError.class, () -> {
            if (stream) {
                adapter.stream(target(model, SimConfig.DEFAULT_API_KEY), hello(model), options).collect().asList()
                        .await().atMost(WAIT);
            } else {
                adapter.chat(target(model, SimConfig.DEFAULT_API_KEY), hello(model), options).await().atMost(WAIT);
            }
        });
    }
}
