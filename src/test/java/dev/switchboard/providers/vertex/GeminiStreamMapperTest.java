package dev.switchboard.providers.vertex;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.http.SseParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class GeminiStreamMapperTest {

    /** What a stream gave: its events, and the failure that ended it (null for a clean end). */
    record Outcome(List<ChatEvent> events, UpstreamError failure) {

        String text() {
            StringBuilder sb = new StringBuilder();
            all(ChatEvent.TextDelta.class).forEach(e -> sb.append(e.text()));
            return sb.toString();
        }

        String reasoning() {
            StringBuilder sb = new StringBuilder();
            all(ChatEvent.ReasoningDelta.class).forEach(e -> sb.append(e.text()));
            return sb.toString();
        }

        <T extends ChatEvent> List<T> all(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    /** Feeds a body as the network might deliver it: split at random points, inside lines and characters. */
    static Outcome run(String body, long seed) {
        GeminiStreamMapper mapper = new GeminiStreamMapper("requested-model", List.of());
        List<ChatEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(e -> events.addAll(mapper.onEvent(e)));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Random random = new Random(seed);
        try {
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + random.nextInt(40));
                parser.feed(Arrays.copyOfRange(bytes, at, at + n));
                at += n;
            }
            parser.end();
            events.addAll(mapper.onEnd());
            return new Outcome(events, null);
        } catch (UpstreamError e) {
            return new Outcome(events, e);
        }
    }

    static Outcome run(String fixture) {
        String body = Fixtures.text(fixture);
        Outcome first = run(body, 1);
        // any split gives the same events
        for (long seed = 2; seed < 12; seed++) {
            Outcome other = run(body, seed);
            assertThat(other.events()).isEqualTo(first.events());
            assertThat(other.failure() == null ? null : other.failure().kind())
                    .isEqualTo(first.failure() == null ? null : first.failure().kind());
        }
        return first;
    }

    @Test
    void textStream() {
        Outcome outcome = run("stream-text.sse");
        assertThat(outcome.failure()).isNull();
        assertThat(outcome.events().getFirst()).isEqualTo(new ChatEvent.Start("stream-text-1", "gemini-2.5-flash"));
        assertThat(outcome.all(ChatEvent.TextDelta.class)).hasSize(3);
        assertThat(outcome.text()).isEqualTo("Paris is mild today, around 18 degrees.");
        assertThat(outcome.events().subList(outcome.events().size() - 2, outcome.events().size())).containsExactly(
                new ChatEvent.UsageReport(new Usage(9, 13, 0, 0, 0)), new ChatEvent.Stop(FinishReason.STOP, "STOP"));
    }

    @Test
    void theLastUsageWins() {
        Outcome outcome = run("stream-usage-each-chunk.sse");
        assertThat(outcome.text()).isEqualTo("The answer is 42.");
        assertThat(outcome.all(ChatEvent.UsageReport.class)).containsExactly(
                new ChatEvent.UsageReport(new Usage(5, 6, 0, 0, 0)));
    }

    @Test
    void functionCallsArriveWhole() {
        Outcome outcome = run("stream-function-calls.sse");
        assertThat(outcome.failure()).isNull();
        assertThat(outcome.events()).containsSubsequence(
                new ChatEvent.ReasoningDelta("", "CiQBVKhc7kFRDp0Vx0lM", null),
                new ChatEvent.ToolCallStart(0, "call_0_get_weather", "get_weather"),
                new ChatEvent.ToolCallDelta(0, "{\"city\":\"Paris\"}"),
                new ChatEvent.ToolCallStart(1, "call_1_get_weather", "get_weather"),
                new ChatEvent.ToolCallDelta(1, "{\"city\":\"Lyon\"}"),
                new ChatEvent.UsageReport(new Usage(40, 75, 0, 0, 55)),
                new ChatEvent.Stop(FinishReason.TOOL_CALLS, "STOP"));
        // a signature alone is no content: the first token is the call
        assertThat(outcome.events().stream().filter(ChatEvent::isContent).findFirst())
                .contains(new ChatEvent.ToolCallStart(0, "call_0_get_weather", "get_weather"));
    }

    @Test
    void thoughtsStreamAsReasoning() {
        Outcome outcome = run("stream-thinking.sse");
        assertThat(outcome.reasoning()).isEqualTo("**Weighing the options**\n\nShorter wavelengths scatter more.");
        assertThat(outcome.events().stream().filter(ChatEvent::isContent).findFirst().orElseThrow())
                .isInstanceOf(ChatEvent.ReasoningDelta.class);
        assertThat(outcome.events()).containsSubsequence(
                new ChatEvent.ReasoningDelta("", "CvUBAVSoXO5tKq0x2fSm", null),
                new ChatEvent.TextDelta("Blue light"),
                new ChatEvent.TextDelta(" scatters the most."),
                new ChatEvent.UsageReport(new Usage(8, 126, 0, 0, 120)),
                new ChatEvent.Stop(FinishReason.STOP, "STOP"));
    }

    @Test
    void aStreamCutBeforeTheFinishFails() {
        Outcome outcome = run("stream-cut.sse");
        assertThat(outcome.text()).isEqualTo("Paris is mild");
        assertThat(outcome.failure().kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
        assertThat(outcome.all(ChatEvent.Stop.class)).isEmpty();
    }

    @Test
    void anErrorInTheStreamIsClassified() {
        Outcome outcome = run("stream-error.sse");
        assertThat(outcome.text()).isEqualTo("Paris is");
        assertThat(outcome.failure().kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(outcome.failure().getMessage()).contains("in the middle of the stream");
        assertThat(outcome.failure().providerMessage()).isEqualTo("The model is overloaded. Please try again later.");
    }

    @Test
    void aMalformedChunkFails() {
        Outcome outcome = run("stream-malformed.sse");
        assertThat(outcome.text()).isEqualTo("Paris is");
        assertThat(outcome.failure().kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
    }

    @Test
    void aBlockedPromptFailsTheStream() {
        Outcome outcome = run("stream-blocked.sse");
        assertThat(outcome.failure().kind()).isEqualTo(UpstreamErrorKind.CONTENT_FILTERED);
        assertThat(outcome.events()).noneMatch(ChatEvent::isContent);
    }

    @Test
    void aRecitationStopIsAContentFilter() {
        Outcome outcome = run("stream-recitation.sse");
        assertThat(outcome.failure()).isNull();
        assertThat(outcome.events().getLast()).isEqualTo(new ChatEvent.Stop(FinishReason.CONTENT_FILTER,
                "RECITATION"));
    }

    @Test
    void doneOnceTheFinishReasonCame() {
        GeminiStreamMapper mapper = new GeminiStreamMapper("m", List.of());
        mapper.onChunk(Fixtures.tree("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"a\"}]}}]}"));
        assertThat(mapper.isDone()).isFalse();
        List<ChatEvent> last = mapper.onChunk(Fixtures.tree(
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"b\"}]},\"finishReason\":\"MAX_TOKENS\"}]}"));
        assertThat(last).containsExactly(new ChatEvent.TextDelta("b"));
        assertThat(mapper.isDone()).isTrue();
        // no usage came: only the stop
        assertThat(mapper.onEnd()).containsExactly(new ChatEvent.Stop(FinishReason.LENGTH, "MAX_TOKENS"));
    }

    @Test
    void theModelNameFallsBackToTheRequestedOne() {
        GeminiStreamMapper mapper = new GeminiStreamMapper("gemini-asked", List.of());
        assertThat(mapper.onChunk(Fixtures.tree("{\"candidates\":[]}"))).containsExactly(
                new ChatEvent.Start(null, "gemini-asked"));
    }
}
