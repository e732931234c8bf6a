package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiSseEncoderTest {

    static final Served SERVED = new Served("gen-1", "openai/gpt-4.1", "azure", 1750000000L, null);

    /** The stream of stream-text-and-tools.sse, with upstream tool indexes that do not start at 0. */
    static final List<ChatEvent> TEXT_AND_TOOLS = List.of(
            new ChatEvent.Start("up-1", "gpt-4.1"),
            new ChatEvent.ReasoningDelta("Think.", null, null),
            new ChatEvent.TextDelta("Hel"),
            new ChatEvent.TextDelta(""),
            new ChatEvent.TextDelta("lo"),
            new ChatEvent.ToolCallStart(3, "call_a", "get_weather"),
            new ChatEvent.ToolCallDelta(3, "{\"city\":"),
            new ChatEvent.ToolCallStart(5, "call_b", "now"),
            new ChatEvent.ToolCallDelta(3, "\"Paris\"}"),
            new ChatEvent.ToolCallDelta(5, ""),
            new ChatEvent.UsageReport(new Usage(50, 20, 0, 0, 5)),
            new ChatEvent.Stop(FinishReason.TOOL_CALLS, "tool_use"));

    static String stream(OpenAiSseEncoder encoder, List<ChatEvent> events, boolean end, BigDecimal cost) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        events.forEach(e -> out.writeBytes(encoder.onEvent(e)));
        if (end) {
            out.writeBytes(encoder.end(null, cost));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Each data line as JSON, or the text after "data: " when it is not JSON ([DONE]). */
    static List<Object> frames(String sse) {
        List<Object> frames = new ArrayList<>();
        assertThat(sse).endsWith("\n\n");
        for (String event : sse.split("\n\n")) {
            assertThat(event).startsWith("data: ");
            String data = event.substring(6);
            frames.add(data.startsWith("{") ? Fixtures.tree(data.getBytes(StandardCharsets.UTF_8)) : data);
        }
        return frames;
    }

    @Test
    void textReasoningToolCallsStopUsageAndDone() {
        String sse = stream(new OpenAiSseEncoder(SERVED, false), TEXT_AND_TOOLS, true, new BigDecimal("0.00021"));
        assertThat(frames(sse)).isEqualTo(frames(Fixtures.text("stream-text-and-tools.sse")));
    }

    @Test
    void excludedReasoningIsNotSentAndTheRoleGoesWithTheFirstContent() {
        List<Object> frames = frames(stream(new OpenAiSseEncoder(SERVED, true), TEXT_AND_TOOLS, true, null));
        JsonNode first = (JsonNode) frames.getFirst();
        assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(first.at("/choices/0/delta/content").asText()).isEqualTo("Hel");
        assertThat(frames).noneMatch(f -> f instanceof JsonNode n && n.at("/choices/0/delta").has("reasoning"));
        JsonNode usage = (JsonNode) frames.get(frames.size() - 2);
        assertThat(usage.get("usage").has("cost")).isFalse();
        assertThat(frames).filteredOn(f -> f instanceof JsonNode n && n.at("/choices/0/delta").has("role"))
                .hasSize(1);
    }

    @Test
    void endWithoutStopSendsAFinishChunkFirstAndGivenUsageWins() {
        OpenAiSseEncoder encoder = new OpenAiSseEncoder(SERVED, false);
        encoder.onEvent(new ChatEvent.UsageReport(new Usage(1, 1, 0, 0, 0)));
        String text = new String(encoder.onEvent(new ChatEvent.TextDelta("Hi")), StandardCharsets.UTF_8);
        assertThat(text).contains("\"provider\":\"azure\"").contains("\"role\":\"assistant\"");
        List<Object> frames = frames(new String(encoder.end(new Usage(9, 4, 2, 0, 0), BigDecimal.ONE),
                StandardCharsets.UTF_8));
        assertThat(frames).hasSize(3);
        assertThat(((JsonNode) frames.get(0)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(((JsonNode) frames.get(0)).at("/choices/0/delta").isEmpty()).isTrue();
        JsonNode usage = ((JsonNode) frames.get(1)).get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(9);
        assertThat(usage.at("/prompt_tokens_details/cached_tokens").asInt()).isEqualTo(2);
        assertThat(usage.get("cost").decimalValue()).isEqualByComparingTo("1");
        assertThat(((JsonNode) frames.get(1)).get("choices").isEmpty()).isTrue();
        assertThat(frames.get(2)).isEqualTo("[DONE]");
        assertThat(encoder.end(null, null)).as("only one end").isEmpty();
    }

    @Test
    void endAfterToolCallsWithoutStopFinishesWithToolCalls() {
        OpenAiSseEncoder encoder = new OpenAiSseEncoder(SERVED, false);
        encoder.onEvent(new ChatEvent.ToolCallStart(0, "c", "f"));
        JsonNode finish = (JsonNode) frames(new String(encoder.end(null, null), StandardCharsets.UTF_8)).getFirst();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void emptyStreamStillHasARoleAFinishAUsageChunkAndDone() {
        OpenAiSseEncoder encoder = new OpenAiSseEncoder(SERVED, false);
        assertThat(encoder.onEvent(new ChatEvent.Start("x", "y"))).isEmpty();
        List<Object> frames = frames(new String(encoder.end(null, null), StandardCharsets.UTF_8));
        assertThat(frames).hasSize(3);
        assertThat(((JsonNode) frames.get(0)).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(((JsonNode) frames.get(1)).at("/usage/total_tokens").asInt()).isZero();
    }

    @Test
    void midStreamErrorHasNoDoneAndEndsTheStream() {
        OpenAiSseEncoder encoder = new OpenAiSseEncoder(SERVED, false);
        String sse = stream(encoder, List.of(new ChatEvent.TextDelta("Hel")), false, null)
                + new String(encoder.error(new ProxyError(ProxyErrorType.UPSTREAM_FAILED,
                "The provider azure failed mid-stream: connection reset. Retrying may help.", null, null)),
                StandardCharsets.UTF_8);
        assertThat(frames(sse)).isEqualTo(frames(Fixtures.text("stream-error.sse")));
        assertThat(sse).doesNotContain("[DONE]");
        assertThat(encoder.onEvent(new ChatEvent.TextDelta("more"))).isEmpty();
        assertThat(encoder.end(null, null)).as("a failed stream never ends cleanly").isEmpty();
    }

    @Test
    void secondStopAndUnknownToolDeltasAreIgnored() {
        OpenAiSseEncoder encoder = new OpenAiSseEncoder(SERVED, false);
        assertThat(encoder.onEvent(new ChatEvent.ToolCallDelta(7, "{}"))).isEmpty();
        assertThat(encoder.onEvent(new ChatEvent.Stop(FinishReason.LENGTH, "length"))).isNotEmpty();
        assertThat(encoder.onEvent(new ChatEvent.Stop(FinishReason.STOP, "stop"))).isEmpty();
    }

    @Test
    void keepAliveIsAnSseComment() {
        assertThat(new String(OpenAiSseEncoder.keepAlive(), StandardCharsets.US_ASCII)).isEqualTo(": keep-alive\n\n");
    }
}
