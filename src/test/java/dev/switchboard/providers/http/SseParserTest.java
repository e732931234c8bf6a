package dev.switchboard.providers.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTest {

    static final String BODY = ": keep-alive\n\n"
            + "event: message_start\ndata: {\"a\":1}\n\n"
            + "data: first line\r\ndata: second — ünïcødé ✓\r\n\r\n"
            + "event: ping\rdata: {}\r\r"
            + "data: [DONE]";

    static final List<SseEvent> EXPECTED = List.of(
            new SseEvent("message_start", "{\"a\":1}"),
            new SseEvent("message", "first line\nsecond — ünïcødé ✓"),
            new SseEvent("ping", "{}"),
            new SseEvent("message", "[DONE]"));

    @Test
    void wholeBody() {
        assertThat(SseParser.parseAll(BODY)).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void anySplitGivesTheSameEvents() {
        byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
        // every single split point, including inside multi-byte characters and between \r and \n
        for (int cut = 1; cut < bytes.length; cut++) {
            List<SseEvent> events = new ArrayList<>();
            SseParser parser = new SseParser(events::add);
            parser.feed(Arrays.copyOfRange(bytes, 0, cut));
            parser.feed(Arrays.copyOfRange(bytes, cut, bytes.length));
            parser.end();
            assertThat(events).as("split at " + cut).containsExactlyElementsOf(EXPECTED);
        }
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<SseEvent> events = new ArrayList<>();
            SseParser parser = new SseParser(events::add);
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + random.nextInt(7));
                parser.feed(Arrays.copyOfRange(bytes, at, at + n));
                at += n;
            }
            parser.end();
            assertThat(events).containsExactlyElementsOf(EXPECTED);
        }
    }

    @Test
    void eventsComeOutAsSoonAsTheirBlankLineArrives() {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        parser.feed("data: one\n".getBytes(StandardCharsets.UTF_8));
        assertThat(events).isEmpty();
        parser.feed("\n".getBytes(StandardCharsets.UTF_8));
        assertThat(events).containsExactly(new SseEvent("message", "one"));
    }
}
