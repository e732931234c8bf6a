package dev.switchboard.providers.openai;

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

class OpenAiStreamMapperTest {

    static final String KEY = "sk-proj-T3stK3yAbCdEfGhIjKlMnOpQrStUvWxYz0123456789";

    /** What a stream gave: its events, and the failure that ended it (null for a clean end). */
    record Outcome(List<ChatEvent> events, UpstreamError failure) {

        String text() {
            StringBuilder sb = new StringBuilder();
            events.stream().filter(ChatEvent.TextDelta.class::isInstance)
                    .forEach(e -> sb.append(((ChatEvent.TextDelta) e).text()));
            return sb.toString();
        }

        String reasoning() {
            StringBuilder sb = new StringBuilder();
            events.stream().filter(ChatEvent.ReasoningDelta.class::isInstance)
                    .forEach(e -> sb.append(((ChatEvent.ReasoningDelta) e).text()));
            return sb.toString();
        }

        String arguments(int index) {
            StringBuilder sb = new StringBuilder();
            events.stream().filter(e -> e instanceof ChatEvent.ToolCallDelta d && d.index() == index)
                    .forEach(e -> sb.append(((ChatEvent.ToolCallDelta) e).argumentsDelta()));
            return sb.toString();
        }

        <T extends ChatEvent> List<T> all(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    /** Feeds a body as the network might deliver it: split at random points, inside lines and characters. */
    static Outcome run(String body, long seed) {
        OpenAiStreamMapper mapper = new OpenAiStreamMapper(List.of(KEY));
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

    static Outcome run(String body) {
        Outcome first = run(body, 1);
        // any split gives the same events
        for (long seed = 2; seed < 12; seed++) {
            Outcome other = run(body, seed);
            assertThat(other.events()).hasSameSizeAs(first.events());
            assertThat(String.valueOf(other.failure() == null ? null : other.failure().kind()))
                    .isEqualTo(String.valueOf(first.failure() == null ? null : first.failure().kind()));
        }
        return first;
    }

    @Test
    void textStream() {
        Outcome out = run(Fixtures.text("stream-text.sse"));
        assertThat(out.failure()).isNull();
        assertThat(out.events().getFirst())
                .isEqualTo(new ChatEvent.Start("chatcmpl-BTmGHb4zLlKbm7NSXBXgfsQAJ0yHT", "gpt-4.1-mini-2025-04-14"));
        assertThat(out.text()).isEqualTo("Hello! How can I help?");
        // the empty first content ("") is no delta: time to first token waits for real text
        assertThat(out.all(ChatEvent.TextDelta.class)).hasSize(7).allMatch(ChatEvent::isContent);
        assertThat(out.events().subList(out.events().size() - 2, out.events().size())).containsExactly(
                new ChatEvent.Stop(FinishReason.STOP, "stop"),
                new ChatEvent.UsageReport(new Usage(19, 10, 0, 0, 0)));
        assertThat(out.all(ChatEvent.Start.class)).hasSize(1);
    }

    @Test
    void twoParallelToolCallsSplitAcrossChunks() {
        Outcome out = run(Fixtures.text("stream-tool-calls.sse"));
        assertThat(out.failure()).isNull();
        assertThat(out.all(ChatEvent.ToolCallStart.class)).containsExactly(
                new ChatEvent.ToolCallStart(0, "call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather"),
                new ChatEvent.ToolCallStart(1, "call_ABkTeEiLqMYTUJTBB5pCBOkX", "get_time"));
        assertThat(out.arguments(0)).isEqualTo("{\"location\":\"Paris, France\"}");
        assertThat(out.arguments(1)).isEqualTo("{\"tz\":\"Europe/Paris\"}");
        assertThat(out.all(ChatEvent.Stop.class)).containsExactly(new ChatEvent.Stop(FinishReason.TOOL_CALLS, "tool_calls"));
        assertThat(out.all(ChatEvent.UsageReport.class))
                .containsExactly(new ChatEvent.UsageReport(new Usage(80, 48, 64, 0, 0)));
        assertThat(out.text()).isEmpty();
    }

    @Test
    void interleavedToolCallFragmentsAreToldApartByIndex() {
        String body = chunk("{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}},"
                + "{\"index\":1,\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{\\\"y\\\"\"}}]}", null)
                + chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"x\\\":1}\"}}]}", null)
                + chunk("{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\":2}\"}}]}", "tool_calls")
                + "data: [DONE]\n\n";
        Outcome out = run(body);
        assertThat(out.all(ChatEvent.ToolCallStart.class)).extracting(ChatEvent.ToolCallStart::name).containsExactly("f", "g");
        assertThat(out.arguments(0)).isEqualTo("{\"x\":1}");
        assertThat(out.arguments(1)).isEqualTo("{\"y\":2}");
    }

    @Test
    void toolCallsWithoutIndexOrIdStillComeApart() {
        String body = chunk("{\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{\\\"a\\\"\"}}]}", null)
                + chunk("{\"tool_calls\":[{\"function\":{\"arguments\":\":1}\"}}]}", "stop")
                + "data: [DONE]\n\n";
        Outcome out = run(body);
        assertThat(out.all(ChatEvent.ToolCallStart.class)).extracting(ChatEvent.ToolCallStart::index).containsExactly(0, 1);
        assertThat(out.all(ChatEvent.ToolCallStart.class)).allMatch(s -> s.id().startsWith("call_"));
        assertThat(out.arguments(1)).isEqualTo("{\"a\":1}");
        assertThat(out.all(ChatEvent.Stop.class).getFirst().reason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void deepSeekReasoningContentDeltasAndUsageOnTheFinishChunk() {
        Outcome out = run(Fixtures.text("stream-deepseek-reasoning.sse"));
        assertThat(out.failure()).isNull();
        assertThat(out.reasoning()).isEqualTo("Compare 9.11 and 9.8: tenths 1 < 8.");
        assertThat(out.text()).isEqualTo("9.8 is larger.");
        int lastReasoning = out.events().lastIndexOf(out.all(ChatEvent.ReasoningDelta.class).getLast());
        int firstText = out.events().indexOf(out.all(ChatEvent.TextDelta.class).getFirst());
        assertThat(lastReasoning).isLessThan(firstText);
        assertThat(out.all(ChatEvent.UsageReport.class))
                .containsExactly(new ChatEvent.UsageReport(new Usage(18, 60, 0, 0, 52)));
    }

    @Test
    void groqReasoningAndUsageInXGroq() {
        Outcome out = run(Fixtures.text("stream-groq-reasoning.sse"));
        assertThat(out.reasoning()).isEqualTo("The capital of France is Paris.");
        assertThat(out.text()).isEqualTo("Paris.");
        assertThat(out.all(ChatEvent.UsageReport.class)).containsExactly(new ChatEvent.UsageReport(new Usage(14, 22, 0, 0, 0)));
    }

    @Test
    void runningUsageTotalsAreReportedOnceWithTheLastValue() {
        String body = chunkWithUsage("{\"content\":\"a\"}", null, "{\"prompt_tokens\":5,\"completion_tokens\":1}")
                + chunkWithUsage("{\"content\":\"b\"}", null, "{\"prompt_tokens\":5,\"completion_tokens\":2}")
                + chunkWithUsage("{}", "stop", "{\"prompt_tokens\":5,\"completion_tokens\":3}")
                + "data: [DONE]\n\n";
        assertThat(run(body).all(ChatEvent.UsageReport.class))
                .containsExactly(new ChatEvent.UsageReport(new Usage(5, 3, 0, 0, 0)));
    }

    @Test
    void errorObjectMidStream() {
        Outcome out = run(Fixtures.text("stream-error-midstream.sse"));
        assertThat(out.text()).isEqualTo("Once upon");
        assertThat(out.all(ChatEvent.Stop.class)).isEmpty();
        assertThat(out.failure().kind()).isEqualTo(UpstreamErrorKind.SERVER_ERROR);
        assertThat(out.failure().getMessage()).contains("middle of the stream")
                .contains("The server had an error while processing your request");
    }

    @Test
    void errorObjectsMidStreamAreClassified() {
        assertThat(errorKind("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}"))
                .isEqualTo(UpstreamErrorKind.RATE_LIMITED);
        assertThat(errorKind("{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\",\"code\":\"context_length_exceeded\"}}"))
                .isEqualTo(UpstreamErrorKind.CONTEXT_TOO_LONG);
        assertThat(errorKind("{\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"}}"))
                .isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(errorKind("{\"error\":{\"message\":\"Service Unavailable\",\"code\":503}}"))
                .isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(errorKind("{\"object\":\"error\",\"message\":\"Internal error\",\"type\":\"InternalServerError\",\"code\":500}"))
                .isEqualTo(UpstreamErrorKind.SERVER_ERROR);
        assertThat(errorKind("{\"error\":\"upstream connect error\"}")).isEqualTo(UpstreamErrorKind.SERVER_ERROR);
    }

    @Test
    void namedErrorEvent() {
        Outcome out = run(chunk("{\"content\":\"x\"}", null)
                + "event: error\ndata: {\"error\":{\"message\":\"Too many requests\",\"type\":\"rate_limit_error\"}}\n\n");
        assertThat(out.failure().kind()).isEqualTo(UpstreamErrorKind.RATE_LIMITED);
        Outcome text = run("event: error\ndata: something broke\n\n");
        assertThat(text.failure().kind()).isEqualTo(UpstreamErrorKind.SERVER_ERROR);
        assertThat(text.failure().providerMessage()).isEqualTo("something broke");
    }

    @Test
    void keyEchoedInAStreamErrorIsRedacted() {
        Outcome out = run("data: {\"error\":{\"message\":\"Incorrect API key provided: " + KEY
                + "\",\"code\":\"invalid_api_key\"}}\n\n");
        assertThat(out.failure().kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(out.failure().getMessage()).doesNotContain(KEY).doesNotContain("T3stK3y").contains("[redacted]");
    }

    @Test
    void lineThatIsNotJsonIsMalformed() {
        Outcome out = run(Fixtures.text("stream-malformed.sse"));
        assertThat(out.text()).isEqualTo("Hi");
        assertThat(out.failure().kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
        assertThat(run("data: <html>oops</html>\n\n").failure().kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
        assertThat(run("data: [1,2]\n\n").failure().kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
        assertThat(run("data: {\"choices\":{\"no\":1}}\n\n").failure().kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
    }

    @Test
    void streamCutWithoutFinishOrDoneFails() {
        Outcome out = run(Fixtures.text("stream-cut.sse"));
        assertThat(out.text()).isEqualTo("The first half");
        assertThat(out.all(ChatEvent.Stop.class)).isEmpty();
        assertThat(out.failure().kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
        assertThat(run("").failure().kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
        assertThat(run(": keep-alive\n\n").failure().kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
    }

    @Test
    void finishReasonWithoutDoneEndsCleanlyWithUsage() {
        Outcome out = run(Fixtures.text("stream-no-done.sse"));
        assertThat(out.failure()).isNull();
        assertThat(out.text()).isEqualTo("Done");
        assertThat(out.events().subList(out.events().size() - 2, out.events().size())).containsExactly(
                new ChatEvent.Stop(FinishReason.LENGTH, "length"), new ChatEvent.UsageReport(new Usage(5, 1, 0, 0, 0)));
    }

    @Test
    void doneWithoutFinishReasonIsAStop() {
        Outcome out = run(chunk("{\"content\":\"x\"}", null) + "data: [DONE]\n\n");
        assertThat(out.failure()).isNull();
        assertThat(out.all(ChatEvent.Stop.class)).containsExactly(new ChatEvent.Stop(FinishReason.STOP, null));
        assertThat(run("data: [DONE]\n\n").failure().kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
    }

    @Test
    void contentFilterFinish() {
        Outcome out = run(Fixtures.text("stream-content-filter.sse"));
        assertThat(out.all(ChatEvent.Stop.class)).containsExactly(new ChatEvent.Stop(FinishReason.CONTENT_FILTER, "content_filter"));
    }

    @Test
    void nothingAfterDoneCounts() {
        Outcome out = run(chunk("{\"content\":\"x\"}", "stop") + "data: [DONE]\n\n" + "data: not json\n\n"
                + chunk("{\"content\":\"late\"}", null));
        assertThat(out.failure()).isNull();
        assertThat(out.text()).isEqualTo("x");
    }

    @Test
    void otherChoicesAndEmptyDeltasAreIgnored() {
        Outcome out = run(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null)
                + "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other\"}}]}\n\n"
                + chunk("{\"content\":\"mine\",\"refusal\":null}", "stop") + "data: [DONE]\n\n");
        assertThat(out.text()).isEqualTo("mine");
        assertThat(out.events()).hasSize(3);
    }

    @Test
    void refusalDeltasAreText() {
        Outcome out = run(chunk("{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can't\"}", null)
                + chunk("{\"refusal\":\" help with that.\"}", "stop") + "data: [DONE]\n\n");
        assertThat(out.text()).isEqualTo("I can't help with that.");
    }

    @Test
    void keepAlivesAreNotChunks() {
        Outcome out = run("data: {}\n\nevent: ping\ndata: {}\n\n" + chunk("{\"content\":\"x\"}", "stop")
                + "data: {}\n\ndata: [DONE]\n\n");
        assertThat(out.failure()).isNull();
        assertThat(out.events().getFirst()).isEqualTo(new ChatEvent.Start("chatcmpl-1", "m"));
        assertThat(out.events()).hasSize(3);
    }

    private static UpstreamErrorKind errorKind(String data) {
        Outcome out = run(chunk("{\"content\":\"x\"}", null) + "data: " + data + "\n\n");
        assertThat(out.failure()).as(data).isNotNull();
        return out.failure().kind();
    }

    static String chunk(String delta, String finish) {
        return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n";
    }

    static String chunkWithUsage(String delta, String finish, String usage) {
        return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}],\"usage\":" + usage + "}\n\n";
    }
}
