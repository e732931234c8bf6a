package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ChatEvent;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fixtures under src/test/resources/fixtures/bedrock/, written from the shapes AWS documents. A stream fixture
 * ({@code .jsonl}) lists one frame a line — {@code {"event": type, "payload": {...}}}, {@code {"exception": type,
 * "payload": {...}}} or {@code {"error": code, "message": text}} — and is encoded here with the event-stream
 * library, as Bedrock encodes it.
 */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/bedrock/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(String json) {
        try {
            return ConverseCodec.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String name) {
        return tree(new String(bytes(name), StandardCharsets.UTF_8));
    }

    /** The frames of a stream fixture, each encoded on its own. */
    static List<byte[]> frames(String name) {
        List<byte[]> frames = new ArrayList<>();
        for (String line : new String(bytes(name), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode frame = tree(line);
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            byte[] payload;
            if (frame.has("event")) {
                headers.put(":event-type", HeaderValue.fromString(frame.get("event").asText()));
                headers.put(":content-type", HeaderValue.fromString("application/json"));
                headers.put(":message-type", HeaderValue.fromString("event"));
                payload = frame.get("payload").toString().getBytes(StandardCharsets.UTF_8);
            } else if (frame.has("exception")) {
                headers.put(":exception-type", HeaderValue.fromString(frame.get("exception").asText()));
                headers.put(":content-type", HeaderValue.fromString("application/json"));
                headers.put(":message-type", HeaderValue.fromString("exception"));
                payload = frame.get("payload").toString().getBytes(StandardCharsets.UTF_8);
            } else {
                headers.put(":error-code", HeaderValue.fromString(frame.get("error").asText()));
                headers.put(":error-message", HeaderValue.fromString(frame.get("message").asText()));
                headers.put(":message-type", HeaderValue.fromString("error"));
                payload = new byte[0];
            }
            frames.add(encode(new Message(headers, payload)));
        }
        return frames;
    }

    /** A stream fixture as one body. */
    static byte[] stream(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames(name).forEach(out::writeBytes);
        return out.toByteArray();
    }

    static byte[] encode(Message message) {
        ByteBuffer buffer = message.toByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    static ConverseStreamMapper mapper() {
        return new ConverseStreamMapper("req-1", "anthropic.claude-sonnet-4-20250514-v1:0",
                List.of("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    }

    /** Every event of a whole body fed at once, then its end; a failure is thrown. */
    static List<ChatEvent> mapAll(byte[] body) {
        List<ChatEvent> events = new ArrayList<>();
        ConverseStreamMapper mapper = mapper();
        mapper.feed(body, events::add);
        mapper.end(events::add);
        return events;
    }
}
