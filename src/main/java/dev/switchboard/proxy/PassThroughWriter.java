package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.http.SseEvent;

import java.nio.charset.StandardCharsets;

/**
 * Writes a provider's own answer back to a caller of the same protocol: as the provider wrote it, except that it
 * says who served it (the generation id, the public model, the provider) and what it cost, in the places the
 * protocol has for them. Events that carry neither go out as they came; one writer per response.
 */
public interface PassThroughWriter {

    /** A whole answer. */
    byte[] answer(ObjectNode json);

    /** One event of a stream. */
    byte[] frame(SseEvent event);

    /** An SSE event as it goes on the wire; multi-line data keeps one {@code data:} line per line. */
    static byte[] sse(String event, String data) {
        StringBuilder sb = new StringBuilder(data.length() + 32);
        if (event != null && !"message".equals(event)) {
            sb.append("event: ").append(event).append('\n');
        }
        int start = 0;
        while (true) {
            int nl = data.indexOf('\n', start);
            sb.append("data: ").append(data, start, nl < 0 ? data.length() : nl).append('\n');
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}
