package dev.switchboard.providers.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Incremental server-sent-events parser (the WHATWG rules): bytes arrive in arbitrary chunks, split anywhere (inside
 * a line, inside a UTF-8 character, between \r and \n); complete events come out as soon as their blank line has
 * arrived. Comments ({@code : keep-alive}) are skipped. One parser per stream: it holds that stream's partial line.
 */
public final class SseParser {

    private final Consumer<SseEvent> sink;
    private byte[] pending = new byte[0];
    private boolean lastWasCr;
    private String event;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    public SseParser(Consumer<SseEvent> sink) {
        this.sink = sink;
    }

    /** Collects the events of a whole body, for tests and non-incremental callers. */
    public static List<SseEvent> parseAll(String body) {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        parser.feed(body.getBytes(StandardCharsets.UTF_8));
        parser.end();
        return events;
    }

    public void feed(byte[] bytes) {
        int start = 0;
        byte[] buffer = pending.length == 0 ? bytes : concat(pending, bytes);
        pending = new byte[0];
        for (int i = 0; i < buffer.length; i++) {
            byte b = buffer[i];
            if (b == '\n' && lastWasCr) {
                // the \n of a \r\n pair: its line ended at the \r
                lastWasCr = false;
                start = i + 1;
                continue;
            }
            lastWasCr = false;
            if (b == '\n' || b == '\r') {
                line(new String(buffer, start, i - start, StandardCharsets.UTF_8));
                lastWasCr = b == '\r';
                start = i + 1;
            }
        }
        if (start < buffer.length) {
            pending = java.util.Arrays.copyOfRange(buffer, start, buffer.length);
        }
    }

    /** The stream ended: a last event without its blank line is dispatched, as browsers do not, but providers need. */
    public void end() {
        if (pending.length > 0) {
            line(new String(pending, StandardCharsets.UTF_8));
            pending = new byte[0];
        }
        dispatch();
    }

    private void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            default -> {
                // id and retry mean nothing for a request/response stream
            }
        }
    }

    private void dispatch() {
        if (hasData) {
            sink.accept(new SseEvent(event == null ? "message" : event, data.toString()));
        }
        event = null;
        data.setLength(0);
        hasData = false;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
