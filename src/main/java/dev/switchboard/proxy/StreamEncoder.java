package dev.switchboard.proxy;

import dev.switchboard.api.ProxyError;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.Usage;

import java.math.BigDecimal;

/** Writes one stream in a client protocol: its events as they come, then its end or its failure. */
public interface StreamEncoder {

    /** SSE comment lines: ignored by every SSE client, they keep idle connections and proxies from timing out. */
    byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    byte[] onEvent(ChatEvent event);

    /** The end of a complete stream: final usage with its cost, then the protocol's end marker. */
    byte[] end(Usage usage, BigDecimal cost);

    /**
     * The end of a stream that another provider continued after its first one died: as {@link #end(Usage,
     * BigDecimal)}, the last event also carrying {@code mark}. A dialect with no place for it ends as usual.
     */
    default byte[] end(Usage usage, BigDecimal cost, ContinuationMark mark) {
        return end(usage, cost);
    }

    /** The end of a failed stream: the protocol's error event, never a clean end marker. */
    byte[] error(ProxyError error);
}
