package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.http.SseEvent;
import dev.switchboard.providers.http.SseParser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnthropicStreamMapperTest {

    static final String MODEL = "claude-sonnet-4-20250514";

    @Test
    void fullTextStream() {
        AnthropicStreamMapper mapper = new AnthropicStreamMapper();
        List<ChatEvent> events = Fixtures.mapWhole("stream-text.sse", mapper);

        assertThat(events).containsExactly(
                new ChatEvent.Start("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", MODEL),
                new ChatEvent.TextDelta("Hello"),
                new ChatEvent.TextDelta("! How can I"),
                new ChatEvent.TextDelta(" help you today?"),
                new ChatEvent.UsageReport(new Usage(25, 15, 0, 0, 0)),
                new ChatEvent.Stop(FinishReason.STOP, "end_turn"));
        assertThat(mapper.isDone()).isTrue();
        mapper.finish();
    }

    @Test
    void toolUseStreamWithInputInPieces() throws Exception {
        List<ChatEvent> events = Fixtures.mapWhole("stream-tool-use.sse", new AnthropicStreamMapper());

        assertThat(events.subList(0, 4)).containsExactly(
                new ChatEvent.Start("msg_014p7gG3wDgGV9EUtLvnow3U", MODEL),
                new ChatEvent.TextDelta("Okay, let me check"),
                new ChatEvent.TextDelta(" the weather for San Francisco, CA:"),
                new ChatEvent.ToolCallStart(0, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather"));
        StringBuilder arguments = new StringBuilder();
        int i = 4;
        for (; events.get(i) instanceof ChatEvent.ToolCallDelta d && d.index() == 0; i++) {
            assertThat(d.argumentsDelta()).isNotEmpty();
            arguments.append(d.argumentsDelta());
        }
        assertThat(i).as("pieces of the first call's input").isEqualTo(4 + 8);
        JsonNode input = AnthropicCodec.JSON.readTree(arguments.toString());
        assertThat(input).isEqualTo(AnthropicCodec.JSON.readTree(
                "{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}"));
        assertThat(events.subList(i, events.size())).containsExactly(
                new ChatEvent.ToolCallStart(1, "toolu_01Ck9pQwUe3nB5tFv7yXr2Za", "get_time"),
                // a call without arguments says {} as the non-streamed response would
                new ChatEvent.ToolCallDelta(1, "{}"),
                new ChatEvent.UsageReport(new Usage(472, 89, 0, 0, 0)),
                new ChatEvent.Stop(FinishReason.TOOL_CALLS, "tool_use"));
    }

    @Test
    void thinkingWithSignatureAndRedactedThinking() {
        List<ChatEvent> events = Fixtures.mapWhole("stream-thinking.sse", new AnthropicStreamMapper());

        assertThat(events).containsExactly(
                new ChatEvent.Start("msg_01Think8sTrEaMxYz", MODEL),
                new ChatEvent.ReasoningDelta("Let me solve this step by step:\n\n1. First break down 27 * 453", null, null),
                new ChatEvent.ReasoningDelta("\n2. 453 = 400 + 50 + 3", null, null),
                new ChatEvent.ReasoningDelta(null,
                        "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds3GLWT3ffA8Ig69zu2oxkRMvX7ZMTfW0VAQF0Jag=", null),
                new ChatEvent.ReasoningDelta(null, null,
                        "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP="),
                new ChatEvent.TextDelta("27 * 453 = 12,231"),
                new ChatEvent.UsageReport(new Usage(2048 + 1536, 220, 1536, 0, 0)),
                new ChatEvent.Stop(FinishReason.STOP, "end_turn"));
        // a signature alone is not content (TTFT waits for thinking text); redacted thinking is
        assertThat(events.get(3).isContent()).isFalse();
        assertThat(events.get(4).isContent()).isTrue();
    }

    @Test
    void usageFromMessageDeltaIsCumulativeAndReplacesTheStart() {
        List<ChatEvent> events = Fixtures.mapWhole("stream-cumulative-usage.sse", new AnthropicStreamMapper());
        assertThat(events.subList(events.size() - 2, events.size())).containsExactly(
                new ChatEvent.UsageReport(new Usage(849 + 4000 + 100, 47, 4000, 100, 0)),
                new ChatEvent.Stop(FinishReason.LENGTH, "max_tokens"));
    }

    @Test
    void pingsAndUnknownEventsAndDeltasAreIgnored() {
        AnthropicStreamMapper mapper = new AnthropicStreamMapper();
        String stream = """
                event: ping
                data: {"type": "ping"}

                event: message_start
                data: {"type": "message_start", "message": {"id": "msg_1", "model": "m", "content": [], "usage": {"input_tokens": 3}}}

                event: some_future_event
                data: {"type": "some_future_event", "anything": [1, 2, 3]}

                event: content_block_start
                data: {"type": "content_block_start", "index": 0, "content_block": {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}}}

                event: content_block_delta
                data: {"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": "{\\"query\\": \\"x\\"}"}}
                """;
        // a server tool's input streams as input_json_delta too, but it is no call for the client to run
        List<ChatEvent> events = new ArrayList<>();
        SseParser.parseAll(stream).forEach(e -> events.addAll(mapper.onEvent(e)));
        assertThat(events).containsExactly(new ChatEvent.Start("msg_1", "m"));

        AnthropicStreamMapper second = new AnthropicStreamMapper();
        List<ChatEvent> more = new ArrayList<>();
        SseParser.parseAll("""
                event: message_start
                data: {"type": "message_start", "message": {"id": "msg_2", "model": "m", "content": []}}

                event: content_block_start
                data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

                event: content_block_delta
                data: {"type": "content_block_delta", "index": 0, "delta": {"type": "citations_delta", "citation": {"type": "char_location"}}}

                event: content_block_delta
                data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "ok"}}
                """).forEach(e -> more.addAll(second.onEvent(e)));
        assertThat(more).containsExactly(new ChatEvent.Start("msg_2", "m"), new ChatEvent.TextDelta("ok"));
    }

    @Test
    void errorEventMidStreamFailsWithItsKind() {
        AnthropicStreamMapper mapper = new AnthropicStreamMapper();
        List<SseEvent> parsed = SseParser.parseAll(Fixtures.text("stream-error.sse"));
        List<ChatEvent> events = new ArrayList<>();
        for (SseEvent e : parsed.subList(0, parsed.size() - 1)) {
            events.addAll(mapper.onEvent(e));
        }
        assertThat(events).containsExactly(new ChatEvent.Start("msg_01ErrMidStream", MODEL),
                new ChatEvent.TextDelta("Once upon"));
        assertThatThrownBy(() -> mapper.onEvent(parsed.getLast())).isInstanceOfSatisfying(UpstreamError.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
            assertThat(e.providerMessage()).isEqualTo("Overloaded");
        });
    }

    @Test
    void malformedData() {
        AnthropicStreamMapper mapper = new AnthropicStreamMapper();
        mapper.onEvent(new SseEvent("message_start",
                "{\"type\": \"message_start\", \"message\": {\"id\": \"msg_1\", \"content\": []}}"));
        for (SseEvent bad : List.of(
                new SseEvent("content_block_delta", "{\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\": \"text_del"),
                new SseEvent("message", "[DONE]"),
                new SseEvent("message", ""),
                new SseEvent("content_block_delta", "{\"type\": \"content_block_delta\", \"index\": 5, \"delta\": {\"type\": \"text_delta\", \"text\": \"x\"}}"),
                new SseEvent("content_block_start", "{\"type\": \"content_block_start\", \"content_block\": {\"type\": \"text\", \"text\": \"\"}}"),
                new SseEvent("message_start", "{\"type\": \"message_start\", \"message\": {\"id\": \"msg_again\"}}"))) {
            assertThatThrownBy(() -> mapper.onEvent(bad)).as(bad.data())
                    .isInstanceOfSatisfying(UpstreamError.class,
                            e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE));
        }
        AnthropicStreamMapper fresh = new AnthropicStreamMapper();
        assertThatThrownBy(() -> fresh.onEvent(new SseEvent("content_block_delta",
                "{\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\": \"text_delta\", \"text\": \"x\"}}")))
                .as("content before message_start")
                .isInstanceOfSatisfying(UpstreamError.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE));
    }

    @Test
    void streamCutBeforeMessageStopIsAnErrorNeverAStop() {
        AnthropicStreamMapper mapper = new AnthropicStreamMapper();
        List<ChatEvent> events = Fixtures.mapWhole("stream-cut.sse", mapper);
        assertThat(events).containsExactly(new ChatEvent.Start("msg_01CutShort", MODEL),
                new ChatEvent.TextDelta("Once upon a time"));
        assertThat(mapper.isDone()).isFalse();
        assertThatThrownBy(mapper::finish).isInstanceOfSatisfying(UpstreamError.class,
                e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.CONNECTION));

        assertThatThrownBy(new AnthropicStreamMapper()::finish).isInstanceOfSatisfying(UpstreamError.class,
                e -> assertThat(e.getMessage()).contains("before it began"));
    }

    @Test
    void eventsAfterMessageStopAreIgnored() {
        AnthropicStreamMapper mapper = new AnthropicStreamMapper();
        Fixtures.mapWhole("stream-text.sse", mapper);
        assertThat(mapper.onEvent(new SseEvent("content_block_delta", "{\"type\": \"content_block_delta\", "
                + "\"index\": 0, \"delta\": {\"type\": \"text_delta\", \"text\": \"late\"}}"))).isEmpty();
    }

    @Test
    void anySplitOfTheBytesGivesTheSameEvents() {
        List<ChatEvent> expected = Fixtures.mapWhole("stream-thinking.sse", new AnthropicStreamMapper());
        byte[] bytes = Fixtures.bytes("stream-thinking.sse");
        Random random = new Random(11);
        for (int round = 0; round < 100; round++) {
            AnthropicStreamMapper mapper = new AnthropicStreamMapper();
            List<ChatEvent> events = new ArrayList<>();
            SseParser parser = new SseParser(e -> events.addAll(mapper.onEvent(e)));
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + random.nextInt(40));
                parser.feed(Arrays.copyOfRange(bytes, at, at + n));
                at += n;
            }
            mapper.finish();
            assertThat(events).as("round " + round).isEqualTo(expected);
        }
    }

    @Test
    void bedrockStyleJsonChunksMapTheSame() {
        // Bedrock's InvokeModelWithResponseStream carries the same JSON without SSE names; the type is inside
        List<ChatEvent> expected = Fixtures.mapWhole("stream-tool-use.sse", new AnthropicStreamMapper());
        AnthropicStreamMapper mapper = new AnthropicStreamMapper();
        List<ChatEvent> events = new ArrayList<>();
        SseParser.parseAll(Fixtures.text("stream-tool-use.sse")).forEach(e -> events.addAll(mapper.onData(e.data())));
        assertThat(events).isEqualTo(expected);
    }

    @Test
    void theSseNameStandsInForAMissingType() {
        AnthropicStreamMapper mapper = new AnthropicStreamMapper();
        assertThat(mapper.onEvent(new SseEvent("message_start", "{\"message\": {\"id\": \"msg_1\", \"model\": \"m\"}}")))
                .containsExactly(new ChatEvent.Start("msg_1", "m"));
        assertThat(mapper.onEvent(new SseEvent("ping", "{}"))).isEmpty();
    }

    @Test
    void errorEventsAreRedacted() {
        String key = "configured-key-123456";
        AnthropicStreamMapper mapper = new AnthropicStreamMapper(key);
        assertThatThrownBy(() -> mapper.onEvent(new SseEvent("error",
                "{\"type\": \"error\", \"error\": {\"type\": \"api_error\", \"message\": \"bad key " + key + "\"}}")))
                .isInstanceOfSatisfying(UpstreamError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamErrorKind.SERVER_ERROR);
                    assertThat(e.getMessage()).doesNotContain(key);
                });
    }
}
