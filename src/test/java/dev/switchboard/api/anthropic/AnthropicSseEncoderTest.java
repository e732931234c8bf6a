package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;
import dev.switchboard.testing.FixtureFiles;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AnthropicSseEncoderTest {

    static final Served SERVED = new Served("gen-42", "anthropic/claude-sonnet-4", "anthropic", 1700000000L, null);

    /** Tool calls after thinking and text: the stream of a typical agent turn. */
    static List<ChatEvent> agentTurn() {
        return List.of(
                new ChatEvent.Start("msg_up", "claude-sonnet-4-20250514"),
                new ChatEvent.ReasoningDelta("The user wants ", null, null),
                new ChatEvent.ReasoningDelta("the weather.", null, null),
                new ChatEvent.ReasoningDelta("", "EqQBsig==", null),
                new ChatEvent.ReasoningDelta("", null, "EmwKredacted"),
                new ChatEvent.TextDelta("Let me "),
                new ChatEvent.TextDelta(""),
                new ChatEvent.TextDelta("check."),
                new ChatEvent.ToolCallStart(0, "toolu_01", "get_weather"),
                new ChatEvent.ToolCallDelta(0, "{\"city\":"),
                new ChatEvent.ToolCallDelta(0, ""),
                new ChatEvent.ToolCallDelta(0, " \"Paris\"}"),
                new ChatEvent.ToolCallStart(1, "toolu_02", "get_time"),
                new ChatEvent.UsageReport(new Usage(1200, 85, 1000, 150, 0)),
                new ChatEvent.Stop(FinishReason.TOOL_CALLS, "tool_use"));
    }

    static String encodeAll(AnthropicSseEncoder encoder, List<ChatEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        events.forEach(e -> out.writeBytes(encoder.onEvent(e)));
        return out.toString(StandardCharsets.UTF_8);
    }

    record Frame(String event, JsonNode data) {
    }

    static List<Frame> frames(String sse) {
        List<Frame> frames = new ArrayList<>();
        for (String chunk : sse.split("\n\n")) {
            if (chunk.isBlank()) {
                continue;
            }
            String[] lines = chunk.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            Frame frame = new Frame(lines[0].substring(7), FixtureFiles.tree(lines[1].substring(6)));
            assertThat(frame.data().get("type").asText()).isEqualTo(frame.event());
            frames.add(frame);
        }
        return frames;
    }

    @Test
    void agentTurnMatchesTheFixture() {
        AnthropicSseEncoder encoder = new AnthropicSseEncoder(SERVED, false);
        String sse = encodeAll(encoder, agentTurn())
                + new String(encoder.end(null, new BigDecimal("0.0042")), StandardCharsets.UTF_8);
        String expected = new FixtureFiles("anthropic-in").text("stream-agent-turn.sse");
        assertThat(sse).endsWith("\n\n");
        // frame by frame with JSON equality, so the fixture can be written readably
        List<Frame> actual = frames(sse);
        List<Frame> wanted = frames(expected);
        assertThat(actual).hasSameSizeAs(wanted);
        for (int i = 0; i < wanted.size(); i++) {
            assertThat(actual.get(i)).as("frame %d", i).isEqualTo(wanted.get(i));
        }
    }

    @Test
    void framesAreExactlyEventDataBlankLine() {
        AnthropicSseEncoder encoder = new AnthropicSseEncoder(SERVED, false);
        String first = new String(encoder.onEvent(new ChatEvent.TextDelta("Hi")), StandardCharsets.UTF_8);
        assertThat(first).isEqualTo("""
                event: message_start
                data: {"type":"message_start","message":{"id":"gen-42","type":"message","role":"assistant",\
                "model":"anthropic/claude-sonnet-4","provider":"anthropic","content":[],"stop_reason":null,\
                "stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,\
                "cache_read_input_tokens":0}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

                """);
        assertThat(AnthropicSseEncoder.keepAlive()).isEqualTo(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void usageKnownBeforeTheFirstEventGoesIntoMessageStart() {
        AnthropicSseEncoder encoder = new AnthropicSseEncoder(SERVED, false);
        List<Frame> frames = frames(new String(encoder.onEvent(
                new ChatEvent.UsageReport(new Usage(300, 0, 200, 0, 0))), StandardCharsets.UTF_8));
        assertThat(frames).hasSize(1);
        assertThat(frames.getFirst().data().at("/message/usage/input_tokens").asInt()).isEqualTo(100);
        assertThat(frames.getFirst().data().at("/message/usage/cache_read_input_tokens").asInt()).isEqualTo(200);
    }

    @Test
    void excludedReasoningSendsNoThinkingBlocks() {
        AnthropicSseEncoder encoder = new AnthropicSseEncoder(SERVED, true);
        List<Frame> frames = frames(encodeAll(encoder, agentTurn()));
        assertThat(frames).filteredOn(f -> f.event().equals("content_block_start"))
                .extracting(f -> f.data().at("/content_block/type").asText())
                .containsExactly("text", "tool_use", "tool_use");
        assertThat(frames).filteredOn(f -> f.event().equals("content_block_start"))
                .extracting(f -> f.data().get("index").asInt()).containsExactly(0, 1, 2);
    }

    @Test
    void thinkingAfterASignatureStartsANewBlock() {
        AnthropicSseEncoder encoder = new AnthropicSseEncoder(SERVED, false);
        List<Frame> frames = frames(encodeAll(encoder, List.of(
                new ChatEvent.ReasoningDelta("one", "sig1", null),
                new ChatEvent.ReasoningDelta("two", null, null))));
        assertThat(frames).extracting(Frame::event).containsExactly("message_start", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_stop", "content_block_start",
                "content_block_delta");
    }

    @Test
    void interleavedToolArgumentsKeepTheirBlockIndex() {
        AnthropicSseEncoder encoder = new AnthropicSseEncoder(SERVED, false);
        List<Frame> frames = frames(encodeAll(encoder, List.of(
                new ChatEvent.ToolCallStart(0, "a", "f"),
                new ChatEvent.ToolCallStart(1, "b", "g"),
                new ChatEvent.ToolCallDelta(0, "{}"),
                new ChatEvent.ToolCallDelta(7, "{\"lost\":1}"))));
        Frame last = frames.getLast();
        assertThat(last.event()).isEqualTo("content_block_delta");
        assertThat(last.data().get("index").asInt()).isZero();
        assertThat(last.data().at("/delta/partial_json").asText()).isEqualTo("{}");
    }

    @Test
    void endWithoutEventsStillMakesACompleteMessage() {
        AnthropicSseEncoder encoder = new AnthropicSseEncoder(SERVED, false);
        List<Frame> frames = frames(new String(encoder.end(new Usage(10, 0, 0, 0, 0), null),
                StandardCharsets.UTF_8));
        assertThat(frames).extracting(Frame::event).containsExactly("message_start", "message_delta",
                "message_stop");
        assertThat(frames.get(1).data().at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(frames.get(1).data().at("/usage/input_tokens").asInt()).isEqualTo(10);
        assertThat(frames.get(1).data().at("/usage").has("cost")).isFalse();
        assertThat(encoder.end(null, null)).isEmpty();
        assertThat(encoder.onEvent(new ChatEvent.TextDelta("late"))).isEmpty();
    }

    @Test
    void errorEndsTheStreamAndNothingFollows() {
        AnthropicSseEncoder encoder = new AnthropicSseEncoder(SERVED, false);
        encoder.onEvent(new ChatEvent.TextDelta("partial"));
        String error = new String(encoder.error(new ProxyError(ProxyErrorType.UPSTREAM_FAILED,
                "The provider's stream broke after the answer began; retry the request.", null, null)),
                StandardCharsets.UTF_8);
        assertThat(error).isEqualTo("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"The provider's stream broke after the answer began; retry the request.\"}}\n\n");
        assertThat(encoder.onEvent(new ChatEvent.TextDelta("more"))).isEmpty();
        assertThat(encoder.end(Usage.NONE, null)).isEmpty();
        assertThat(encoder.error(new ProxyError(ProxyErrorType.INTERNAL, "again", null, null))).isEmpty();
    }
}
