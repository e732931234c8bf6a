package dev.switchboard.providers.anthropic;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.providers.http.SseParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Fixtures under src/test/resources/fixtures/anthropic/, written from the shapes Anthropic documents. */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/anthropic/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** What the mapper makes of a whole SSE fixture, up to (not including) a failure. */
    static List<ChatEvent> mapWhole(String name, AnthropicStreamMapper mapper) {
        List<ChatEvent> events = new ArrayList<>();
        SseParser.parseAll(text(name)).forEach(e -> events.addAll(mapper.onEvent(e)));
        return events;
    }
}
