package dev.switchboard.proxy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.llm.Usage;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SimProfileOverrides;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.AttemptRecord;
import dev.switchboard.usage.GenerationLog;
import dev.switchboard.usage.GenerationRecord;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.switchboard.proxy.ProxyTestSupport.KEY;
import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Stream continuation ({@code provider.continue_on_stream_failure: true}) over real HTTP, with the official SDKs as
 * clients and the simulator as every upstream: a primary that dies mid-stream after sending text is continued by the
 * next capable provider, which the simulator sees as a prefill (its answer goes on after it); the SDK sees one
 * coherent stream, marked continued in its last event, and the generation record says so with both attempts. Without
 * the field, or with no capable candidate left, the stream ends with the protocol's error event as before.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class StreamContinuationTest {

    /** Long enough for a mid-stream abort to leave some words out and some to continue. */
    private static final SimProfile HEALTHY = QUICK.toBuilder().outputTokens(40).outputTokensSpread(0).build();
    private static final SimProfile ABORTS = HEALTHY.toBuilder().abortRate(1).build();
    private static final SimProfile ERRORS_MID_STREAM = HEALTHY.toBuilder().midStreamErrorRate(1).build();

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    @Inject
    GenerationLog generations;

    private String base;
    private OpenAIClient openAi;
    private AnthropicClient anthropic;
    private SimProfileOverrides profiles;

    @BeforeEach
    void setUp() {
        base = root.toString().replaceAll("/$", "");
        openAi = ProxyTestSupport.openAiSdk(base, KEY);
        anthropic = ProxyTestSupport.anthropicSdk(base, KEY);
        profiles = new SimProfileOverrides(ProxyTestSupport.sim(simulator).profiles());
        for (String upstream : List.of("relay-oa", "relay-an", "relay-br", "relay-bk", "relay-plain-oa",
                "relay-plain-bk", "relay-plain-vx")) {
            profiles.put(upstream, HEALTHY);
        }
        ProxyTestSupport.sim(simulator).counters().reset();
        health.reset();
    }

    @AfterEach
    void tearDown() {
        profiles.close();
        health.reset();
        openAi.close();
        anthropic.close();
    }

    // ---- the OpenAI SDK

    @Test
    void openAiCallerOpenAiPrimaryContinuedByAnthropic() {
        profiles.put("relay-oa", ABORTS);
        Continued seen = openAiStream(List.of(TestCatalog.ROUTE_OPENAI, TestCatalog.ROUTE_ANTHROPIC));
        assertOneCoherentStream(seen, "relay-an");
        assertThat(ProxyTestSupport.counters(simulator, "relay-oa").aborted()).isEqualTo(1);
        assertRecorded(seen, TestCatalog.ROUTE_OPENAI, TestCatalog.ROUTE_ANTHROPIC, "openai");
    }

    @Test
    void openAiCallerAnthropicPrimaryContinuedByBedrockConverse() {
        profiles.put("relay-an", ERRORS_MID_STREAM);
        Continued seen = openAiStream(List.of(TestCatalog.ROUTE_ANTHROPIC, TestCatalog.ROUTE_BEDROCK));
        assertOneCoherentStream(seen, "relay-br");
        assertThat(ProxyTestSupport.counters(simulator, "relay-an").midStreamErrors()).isEqualTo(1);
        assertRecorded(seen, TestCatalog.ROUTE_ANTHROPIC, TestCatalog.ROUTE_BEDROCK, "openai");
    }

    // ---- the Anthropic SDK

    @Test
    void anthropicCallerOpenAiPrimaryContinuedByAnthropic() {
        profiles.put("relay-oa", ABORTS);
        Continued seen = anthropicStream(List.of(TestCatalog.ROUTE_OPENAI, TestCatalog.ROUTE_ANTHROPIC));
        assertOneCoherentStream(seen, "relay-an");
        assertRecorded(seen, TestCatalog.ROUTE_OPENAI, TestCatalog.ROUTE_ANTHROPIC, "anthropic");
    }

    @Test
    void anthropicCallerAnthropicPrimaryContinuedByAnOpenAiHostWithPrefix() {
        // an Anthropic caller on an Anthropic upstream would pass through; a continuable stream is encoded instead
        profiles.put("relay-an", ABORTS);
        Continued seen = anthropicStream(List.of(TestCatalog.ROUTE_ANTHROPIC, TestCatalog.ROUTE_BACKUP));
        // the OpenAI-compatible host got the partial answer as a final assistant message marked prefix: true
        assertOneCoherentStream(seen, "relay-bk");
        assertRecorded(seen, TestCatalog.ROUTE_ANTHROPIC, TestCatalog.ROUTE_BACKUP, "anthropic");
    }

    // ---- a continuation that fails, and none at all

    @Test
    void aContinuationFailingBeforeItsFirstTokenGoesToTheNextCapableCandidate() {
        profiles.put("relay-oa", ABORTS);
        profiles.put("relay-an", HEALTHY.toBuilder().serverErrorRate(1).build());
        Continued seen = openAiStream(List.of(TestCatalog.ROUTE_OPENAI, TestCatalog.ROUTE_ANTHROPIC,
                TestCatalog.ROUTE_BEDROCK));
        assertOneCoherentStream(seen, "relay-br");
        assertThat(seen.mark.get("continued_by").asText()).isEqualTo(TestCatalog.ROUTE_BEDROCK);
        GenerationRecord record = ProxyTestSupport.generation(generations, seen.id);
        assertThat(record.continued()).isTrue();
        assertThat(record.attempts()).extracting(AttemptRecord::provider).containsExactly(TestCatalog.ROUTE_OPENAI,
                TestCatalog.ROUTE_ANTHROPIC, TestCatalog.ROUTE_BEDROCK);
        assertThat(record.attempts()).extracting(AttemptRecord::continuation).containsExactly(false, true, true);
        assertThat(record.attempts().get(1).errorKind()).isEqualTo("server_error");
        assertThat(record.attempts().get(2).outcome()).isEqualTo("ok");
    }

    @Test
    void aContinuationThatDiesAfterSendingTextIsContinuedInTurn() {
        profiles.put("relay-oa", ABORTS);
        profiles.put("relay-an", ABORTS);
        Continued seen = anthropicStream(List.of(TestCatalog.ROUTE_OPENAI, TestCatalog.ROUTE_ANTHROPIC,
                TestCatalog.ROUTE_BEDROCK));
        assertThat(seen.starts).isEqualTo(1);
        assertThat(seen.stops).isEqualTo(1);
        assertThat(seen.blocks).isEqualTo(1);
        String first = ProxyTestSupport.sim(simulator).counters().lastPrefill("relay-an");
        String second = ProxyTestSupport.sim(simulator).counters().lastPrefill("relay-br");
        assertThat(second).as("the second prefill holds the first and what route-anthropic added").startsWith(first)
                .hasSizeGreaterThan(first.length());
        assertThat(seen.text).startsWith(second).hasSizeGreaterThan(second.length());
        assertThat(seen.mark.get("interrupted_provider").asText()).isEqualTo(TestCatalog.ROUTE_OPENAI);
        assertThat(seen.mark.get("continued_by").asText()).isEqualTo(TestCatalog.ROUTE_BEDROCK);
        assertThat(seen.mark.get("continuations").asInt()).isEqualTo(2);
        GenerationRecord record = ProxyTestSupport.generation(generations, seen.id);
        assertThat(record.continued()).isTrue();
        assertThat(record.attempts()).extracting(AttemptRecord::continuation).containsExactly(false, true, true);
        assertThat(record.attempts()).extracting(AttemptRecord::outcome).last().isEqualTo("ok");
    }

    @Test
    void withNoCandidateThatCanContinueTheStreamEndsWithTheErrorEventAsBefore() {
        profiles.put("relay-plain-oa", ABORTS);
        // route-backup is not flagged assistant_prefill here and route-vertex serves Gemini: neither can continue
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        Throwable error = catchThrowable(() -> {
            try (var stream = openAi.chat().completions().createStreaming(openAiParams(TestCatalog.RELAY_PLAIN,
                    List.of(TestCatalog.ROUTE_OPENAI, TestCatalog.ROUTE_BACKUP, TestCatalog.ROUTE_VERTEX), true))) {
                stream.stream().forEach(chunks::add);
            }
        });
        assertThat(error).isInstanceOfAny(com.openai.errors.SseException.class,
                        com.openai.errors.InternalServerException.class)
                .hasMessageContaining("no remaining provider could continue it")
                .hasMessageContaining("incomplete");
        assertThat(chunks).isNotEmpty();
        assertThat(ProxyTestSupport.received(simulator, "relay-plain-bk")).isZero();
        assertThat(ProxyTestSupport.received(simulator, "relay-plain-vx")).isZero();
        GenerationRecord record = ProxyTestSupport.generation(generations, chunks.getFirst().id());
        assertThat(record.status()).isEqualTo("error");
        assertThat(record.continued()).isFalse();
        assertThat(record.attempts()).singleElement().satisfies(a -> assertThat(a.continuation()).isFalse());
    }

    @Test
    void withoutTheFieldTheStreamEndsWithTheErrorEventAndNoBackupIsCalled() {
        profiles.put("relay-oa", ABORTS);
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        Throwable error = catchThrowable(() -> {
            try (var stream = openAi.chat().completions().createStreaming(openAiParams(TestCatalog.RELAY,
                    List.of(TestCatalog.ROUTE_OPENAI, TestCatalog.ROUTE_ANTHROPIC), false))) {
                stream.stream().forEach(chunks::add);
            }
        });
        assertThat(error).isInstanceOfAny(com.openai.errors.SseException.class,
                com.openai.errors.InternalServerException.class).hasMessageContaining("could not be retried elsewhere");
        assertThat(ProxyTestSupport.received(simulator, "relay-an")).isZero();
        GenerationRecord record = ProxyTestSupport.generation(generations, chunks.getFirst().id());
        assertThat(record.continued()).isFalse();
        assertThat(record.status()).isEqualTo("error");

        // Anthropic's stream ends with its error event just the same
        health.reset();
        Throwable anthropicError = catchThrowable(() -> {
            try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(
                    anthropicParams(List.of(TestCatalog.ROUTE_OPENAI, TestCatalog.ROUTE_ANTHROPIC), false))) {
                stream.stream().forEach(e -> { });
            }
        });
        assertThat(anthropicError).isInstanceOfAny(com.anthropic.errors.SseException.class,
                com.anthropic.errors.InternalServerException.class);
        assertThat(ProxyTestSupport.received(simulator, "relay-an")).isZero();
    }

    @Test
    void aValueThatIsNotABooleanIsTheCallersError() {
        HttpResponse<String> openAiAnswer = ProxyTestSupport.openAi(base, """
                {"model": "routelab/relay", "stream": true, "messages": [{"role": "user", "content": "Hi"}],
                 "provider": {"continue_on_stream_failure": "yes"}}""");
        assertThat(openAiAnswer.statusCode()).isEqualTo(400);
        JsonNode openAiError = ProxyTestSupport.json(openAiAnswer).get("error");
        assertThat(openAiError.get("param").asText()).isEqualTo("provider.continue_on_stream_failure");
        assertThat(openAiError.get("message").asText()).contains("true or false");

        HttpResponse<String> anthropicAnswer = ProxyTestSupport.anthropic(base, """
                {"model": "routelab/relay", "max_tokens": 64, "stream": true,
                 "messages": [{"role": "user", "content": "Hi"}], "provider": {"continue_on_stream_failure": 1}}""");
        assertThat(anthropicAnswer.statusCode()).isEqualTo(400);
        JsonNode anthropicError = ProxyTestSupport.json(anthropicAnswer);
        assertThat(anthropicError.get("type").asText()).isEqualTo("error");
        assertThat(anthropicError.path("error").path("message").asText())
                .contains("provider.continue_on_stream_failure");
        assertThat(ProxyTestSupport.received(simulator, "relay-oa")).isZero();
    }

    // ---- what the clients saw

    /** One stream as a client saw it: its id, text, how many starts, stops and blocks, the mark on its end. */
    private record Continued(String id, String text, int starts, int stops, int blocks, JsonNode mark) {
    }

    private Continued openAiStream(List<String> order) {
        List<ChatCompletionChunk> chunks;
        try (var stream = openAi.chat().completions().createStreaming(openAiParams(TestCatalog.RELAY, order, true))) {
            chunks = stream.stream().toList();
        }
        assertThat(chunks).extracting(ChatCompletionChunk::id).as("one id on every chunk").containsOnly(
                chunks.getFirst().id());
        String text = chunks.stream().flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
        int roles = (int) chunks.stream().flatMap(c -> c.choices().stream())
                .filter(c -> c.delta().role().isPresent()).count();
        int finishes = (int) chunks.stream().flatMap(c -> c.choices().stream())
                .filter(c -> c.finishReason().isPresent()).count();
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.index()).distinct().toList())
                .as("one choice").containsExactly(0L);
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.usage()).as("usage on the last chunk").isPresent();
        JsonValue mark = last._additionalProperties().get("switchboard");
        assertThat(mark).as("the last chunk is marked").isNotNull();
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c ->
                assertThat(c._additionalProperties()).doesNotContainKey("switchboard"));
        return new Continued(last.id(), text, roles, finishes, 1, ProxyTestSupport.JSON.valueToTree(
                mark.convert(Object.class)));
    }

    private Continued anthropicStream(List<String> order) {
        List<RawMessageStreamEvent> events;
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(
                anthropicParams(order, true))) {
            events = stream.stream().toList();
        }
        MessageAccumulator accumulator = MessageAccumulator.create();
        events.forEach(accumulator::accumulate);
        int starts = (int) events.stream().filter(RawMessageStreamEvent::isMessageStart).count();
        int stops = (int) events.stream().filter(RawMessageStreamEvent::isMessageStop).count();
        int blocks = (int) events.stream().filter(RawMessageStreamEvent::isContentBlockStart).count();
        assertThat(events.stream().filter(RawMessageStreamEvent::isContentBlockDelta)
                .map(e -> e.asContentBlockDelta().index()).distinct().toList()).as("one block").containsExactly(0L);
        var delta = events.stream().filter(RawMessageStreamEvent::isMessageDelta).reduce((a, b) -> b).orElseThrow()
                .asMessageDelta();
        com.anthropic.core.JsonValue mark = delta._additionalProperties().get("switchboard");
        assertThat(mark).as("message_delta is marked").isNotNull();
        String text = accumulator.message().content().getFirst().text().orElseThrow().text();
        return new Continued(accumulator.message().id(), text, starts, stops, blocks,
                ProxyTestSupport.JSON.valueToTree(mark.convert(Object.class)));
    }

    /**
     * One start, one stop, one block; the text is the partial answer the backup received as its prefill followed by
     * what the backup wrote after it (going on mid-sentence, as the simulator continues a prefill).
     */
    private void assertOneCoherentStream(Continued seen, String backupUpstream) {
        assertThat(seen.starts).as("one start (role chunk / message_start)").isEqualTo(1);
        assertThat(seen.stops).as("one stop (finish_reason / message_stop)").isEqualTo(1);
        assertThat(seen.blocks).as("one content block").isEqualTo(1);
        String prefill = ProxyTestSupport.sim(simulator).counters().lastPrefill(backupUpstream);
        assertThat(prefill).as("the backup was sent the partial answer as a prefill").isNotBlank();
        assertThat(seen.text).startsWith(prefill);
        String continuation = seen.text.substring(prefill.length());
        assertThat(continuation).as("the backup's continuation follows the prefill").isNotBlank()
                .startsWith(" ").doesNotContain(prefill);
        assertThat(seen.mark.get("continued").asBoolean()).isTrue();
        assertThat(seen.mark.get("continuations").asInt()).isEqualTo(1);
    }

    private void assertRecorded(Continued seen, String interrupted, String continuedBy, String protocol) {
        assertThat(seen.mark.get("interrupted_provider").asText()).isEqualTo(interrupted);
        assertThat(seen.mark.get("continued_by").asText()).isEqualTo(continuedBy);
        GenerationRecord record = ProxyTestSupport.generation(generations, seen.id);
        assertThat(record.status()).isEqualTo("ok");
        assertThat(record.protocol()).isEqualTo(protocol);
        assertThat(record.continued()).isTrue();
        assertThat(record.providerSlug()).as("the provider the headers named").isEqualTo(interrupted);
        assertThat(record.finishReason()).isEqualTo("stop");
        assertThat(record.attempts()).extracting(AttemptRecord::provider).containsExactly(interrupted, continuedBy);
        assertThat(record.attempts()).extracting(AttemptRecord::continuation).containsExactly(false, true);
        assertThat(record.attempts().getFirst().outcome()).isNotEqualTo("ok");
        assertThat(record.attempts().getLast().outcome()).isEqualTo("ok");
        Usage usage = record.usage();
        assertThat(usage).isNotNull();
        assertThat(usage.outputTokens()).as("the continuation's output at least").isPositive();
        assertThat(record.costUsd()).isNotNull().isPositive();

        JsonNode served = ProxyTestSupport.json(generationApi(seen.id)).path("data");
        assertThat(served.path("continued").asBoolean()).isTrue();
        assertThat(served.path("attempts").get(1).path("continuation").asBoolean()).isTrue();
        assertThat(served.path("attempts").get(0).has("continuation")).isFalse();
    }

    private HttpResponse<String> generationApi(String id) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/generation?id="
                            + id)).header("authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static ChatCompletionCreateParams openAiParams(String model, List<String> order, boolean continueIt) {
        return ChatCompletionCreateParams.builder().model(model).maxCompletionTokens(200)
                .addUserMessage("Tell me about routing.")
                .putAdditionalBodyProperty("provider", JsonValue.from(provider(order, continueIt))).build();
    }

    private static MessageCreateParams anthropicParams(List<String> order, boolean continueIt) {
        return MessageCreateParams.builder().model(TestCatalog.RELAY).maxTokens(200)
                .addUserMessage("Tell me about routing.")
                .putAdditionalBodyProperty("provider", com.anthropic.core.JsonValue.from(provider(order, continueIt)))
                .build();
    }

    private static Map<String, Object> provider(List<String> order, boolean continueIt) {
        return continueIt ? Map.of("order", order, "only", order, "continue_on_stream_failure", true)
                : Map.of("order", order, "only", order);
    }
}
