package dev.switchboard.providers.bedrock;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConverseStreamMapperTest {

    @Test
    void textStream() {
        assertThat(Fixtures.mapAll(Fixtures.stream("stream-text.jsonl"))).containsExactly(
                new ChatEvent.Start("req-1", "anthropic.claude-sonnet-4-20250514-v1:0"),
                new ChatEvent.TextDelta("Hello"),
                new ChatEvent.TextDelta("! How can I"),
                new ChatEvent.TextDelta(" help? ☀️"),
                new ChatEvent.UsageReport(new Usage(12, 7, 0, 0, 0)),
                new ChatEvent.Stop(FinishReason.STOP, "end_turn"));
    }

    @Test
    void toolUseStreamNumbersParallelCallsFromZero() {
        assertThat(Fixtures.mapAll(Fixtures.stream("stream-tool-use.jsonl"))).containsExactly(
                new ChatEvent.Start("req-1", "anthropic.claude-sonnet-4-20250514-v1:0"),
                new ChatEvent.TextDelta("Let me check both cities."),
                new ChatEvent.ToolCallStart(0, "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "get_weather"),
                new ChatEvent.ToolCallDelta(0, "{\"city\": \"Pa"),
                new ChatEvent.ToolCallDelta(0, "ris\"}"),
                new ChatEvent.ToolCallStart(1, "tooluse_Wq2Pn4Xr8Tb1Yc6Vd0Ls3M", "get_weather"),
                new ChatEvent.ToolCallDelta(1, "{\"city\": \"Berlin\"}"),
                new ChatEvent.UsageReport(new Usage(412, 78, 0, 0, 0)),
                new ChatEvent.Stop(FinishReason.TOOL_CALLS, "tool_use"));
    }

    @Test
    void reasoningTextSignatureAndRedactedContentThenCachedUsage() {
        assertThat(Fixtures.mapAll(Fixtures.stream("stream-reasoning.jsonl"))).containsExactly(
                new ChatEvent.Start("req-1", "anthropic.claude-sonnet-4-20250514-v1:0"),
                new ChatEvent.ReasoningDelta("The user wants", null, null),
                new ChatEvent.ReasoningDelta(" 27 * 453.", null, null),
                new ChatEvent.ReasoningDelta(null, "EqoBCkgIARABGAIiQLx1c2lnbmF0dXJl", null),
                new ChatEvent.ReasoningDelta(null, null, "EmwKAhgBEgy3va3pzix"),
                new ChatEvent.TextDelta("12,231."),
                new ChatEvent.UsageReport(new Usage(46 + 1024 + 602, 190, 1024, 602, 0)),
                new ChatEvent.Stop(FinishReason.LENGTH, "max_tokens"));
    }

    @Test
    void aStreamThatEndsAfterMessageStopWithoutMetadataStillStops() {
        List<ChatEvent> events = Fixtures.mapAll(Fixtures.stream("stream-no-metadata.jsonl"));
        assertThat(events.getLast()).isEqualTo(new ChatEvent.Stop(FinishReason.STOP, "stop_sequence"));
        assertThat(events).noneMatch(ChatEvent.UsageReport.class::isInstance);
    }

    @Test
    void anExceptionFrameFailsAfterTheEventsBeforeIt() {
        List<ChatEvent> events = new ArrayList<>();
        ConverseStreamMapper mapper = Fixtures.mapper();
        assertThatThrownBy(() -> mapper.feed(Fixtures.stream("stream-exception.jsonl"), events::add))
                .isInstanceOfSatisfying(UpstreamError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamErrorKind.RATE_LIMITED);
                    assertThat(e.getMessage()).contains("throttlingException")
                            .contains("Too many tokens, please wait before trying again.");
                });
        assertThat(events).containsExactly(new ChatEvent.Start("req-1", "anthropic.claude-sonnet-4-20250514-v1:0"),
                new ChatEvent.TextDelta("The answer"));
    }

    @Test
    void anErrorFrameFailsWithItsCode() {
        byte[] body = frame(Map.of(":message-type", "error", ":error-code", "InternalFailure",
                ":error-message", "We encountered an internal error."), new byte[0]);
        assertThatThrownBy(() -> Fixtures.mapAll(body)).isInstanceOfSatisfying(UpstreamError.class,
                e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.SERVER_ERROR));
    }

    @Test
    void aStreamCutBeforeMessageStopIsAConnectionFailure() {
        assertThatThrownBy(() -> Fixtures.mapAll(Fixtures.stream("stream-cut.jsonl")))
                .isInstanceOfSatisfying(UpstreamError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
                    assertThat(e.getMessage()).contains("no messageStop");
                });
        assertThatThrownBy(() -> Fixtures.mapAll(new byte[0])).isInstanceOfSatisfying(UpstreamError.class,
                e -> assertThat(e.getMessage()).contains("before it began"));
    }

    @Test
    void aStreamCutInsideAFrameIsAConnectionFailure() {
        byte[] whole = Fixtures.stream("stream-text.jsonl");
        byte[] cut = Arrays.copyOf(whole, whole.length - 10);
        assertThatThrownBy(() -> Fixtures.mapAll(cut)).isInstanceOfSatisfying(UpstreamError.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamErrorKind.CONNECTION);
            assertThat(e.getMessage()).contains("inside an event frame");
        });
    }

    /** Every split of the body into two chunks, and byte-by-byte, yields the same events as the whole body. */
    @ParameterizedTest
    @ValueSource(strings = {"stream-text.jsonl", "stream-tool-use.jsonl", "stream-reasoning.jsonl"})
    void framesSplitAtAnyByteGiveTheSameEvents(String fixture) {
        byte[] body = Fixtures.stream(fixture);
        List<ChatEvent> whole = Fixtures.mapAll(body);
        for (int cut = 0; cut <= body.length; cut++) {
            assertThat(mapInChunks(body, cut)).as("split at " + cut).isEqualTo(whole);
        }
        assertThat(mapInChunks(body, oneByteChunks(body.length))).isEqualTo(whole);
        Random random = new Random(7);
        for (int run = 0; run < 50; run++) {
            assertThat(mapInChunks(body, randomChunks(body.length, random))).isEqualTo(whole);
        }
    }

    @Test
    void paddingAndUnknownEventsAndMessageTypesAreSkipped() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<byte[]> frames = Fixtures.frames("stream-text.jsonl");
        body.writeBytes(frames.getFirst());
        body.writeBytes(event("citationsDelta", "{\"contentBlockIndex\":0,\"p\":\"abc\"}"));
        body.writeBytes(frame(Map.of(":message-type", "future-type"), "{}".getBytes()));
        frames.subList(1, frames.size()).forEach(body::writeBytes);
        assertThat(Fixtures.mapAll(body.toByteArray())).isEqualTo(Fixtures.mapAll(Fixtures.stream("stream-text.jsonl")));
    }

    @Test
    void brokenFramesAndPayloadsAreMalformed() {
        byte[] good = Fixtures.stream("stream-text.jsonl");
        byte[] flipped = good.clone();
        flipped[40] ^= 0x01;
        byte[] garbage = "<html><body>Internal error</body></html>".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream badJson = new ByteArrayOutputStream();
        badJson.writeBytes(Fixtures.frames("stream-text.jsonl").getFirst());
        badJson.writeBytes(event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"He"));
        for (byte[] body : List.of(flipped, garbage, badJson.toByteArray())) {
            assertThatThrownBy(() -> Fixtures.mapAll(body)).isInstanceOfSatisfying(UpstreamError.class,
                    e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE));
        }
    }

    @Test
    void eventsOutOfOrderAreMalformed() {
        byte[] noStart = event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}");
        byte[] toolInputWithoutStart = concat(Fixtures.frames("stream-text.jsonl").getFirst(),
                event("contentBlockDelta", "{\"contentBlockIndex\":3,\"delta\":{\"toolUse\":{\"input\":\"{}\"}}}"));
        for (byte[] body : List.of(noStart, toolInputWithoutStart)) {
            assertThatThrownBy(() -> Fixtures.mapAll(body)).isInstanceOfSatisfying(UpstreamError.class,
                    e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE));
        }
    }

    @Test
    void nothingAfterTheEndIsMapped() {
        ConverseStreamMapper mapper = Fixtures.mapper();
        List<ChatEvent> events = new ArrayList<>();
        mapper.feed(Fixtures.stream("stream-text.jsonl"), events::add);
        assertThat(mapper.isDone()).isTrue();
        mapper.feed(event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"late\"}}"), events::add);
        mapper.end(events::add);
        assertThat(events.getLast()).isInstanceOf(ChatEvent.Stop.class);
        assertThat(events).hasSize(6);
    }

    private static List<ChatEvent> mapInChunks(byte[] body, int... cuts) {
        List<ChatEvent> events = new ArrayList<>();
        ConverseStreamMapper mapper = Fixtures.mapper();
        int from = 0;
        for (int cut : cuts) {
            mapper.feed(Arrays.copyOfRange(body, from, cut), events::add);
            from = cut;
        }
        mapper.feed(Arrays.copyOfRange(body, from, body.length), events::add);
        mapper.end(events::add);
        return events;
    }

    private static int[] oneByteChunks(int length) {
        int[] cuts = new int[length];
        for (int i = 0; i < length; i++) {
            cuts[i] = i;
        }
        return cuts;
    }

    private static int[] randomChunks(int length, Random random) {
        return random.ints(random.nextInt(1, 20), 0, length + 1).sorted().toArray();
    }

    static byte[] event(String type, String payload) {
        return frame(Map.of(":message-type", "event", ":event-type", type, ":content-type", "application/json"),
                payload.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] frame(Map<String, String> headers, byte[] payload) {
        Map<String, HeaderValue> values = new LinkedHashMap<>();
        headers.forEach((k, v) -> values.put(k, HeaderValue.fromString(v)));
        return Fixtures.encode(new Message(values, payload));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
