package dev.switchboard.providers;

import java.time.Duration;
import java.util.Map;

/**
 * Time limits of one upstream attempt: to connect, to the first content token, between two chunks of a stream, and
 * for the whole call. A non-streaming call has no first token: its limit is the total. {@code traceHeaders} carry
 * the attempt's trace context to the provider ({@code traceparent}, {@code tracestate}); empty when not traced.
 * {@code assistantPrefill}: the request's final assistant message is a prefill the answer must continue (a stream
 * continuation), for the hosts that need it said ({@code prefix: true} on Mistral and DeepSeek); Anthropic's
 * Messages and Converse take any final assistant message so.
 */
public record CallOptions(Duration connectTimeout, Duration firstTokenTimeout, Duration idleTimeout,
                          Duration totalTimeout, Map<String, String> traceHeaders, boolean assistantPrefill) {

    public static final CallOptions DEFAULTS = new CallOptions(Duration.ofSeconds(5), Duration.ofSeconds(60),
            Duration.ofSeconds(60), Duration.ofMinutes(10));

    public CallOptions {
        traceHeaders = Map.copyOf(traceHeaders);
    }

    public CallOptions(Duration connectTimeout, Duration firstTokenTimeout, Duration idleTimeout,
                       Duration totalTimeout) {
        this(connectTimeout, firstTokenTimeout, idleTimeout, totalTimeout, Map.of(), false);
    }

    public CallOptions(Duration connectTimeout, Duration firstTokenTimeout, Duration idleTimeout,
                       Duration totalTimeout, Map<String, String> traceHeaders) {
        this(connectTimeout, firstTokenTimeout, idleTimeout, totalTimeout, traceHeaders, false);
    }

    /** The same limits for a call that carries these trace headers. */
    public CallOptions withTraceHeaders(Map<String, String> headers) {
        return new CallOptions(connectTimeout, firstTokenTimeout, idleTimeout, totalTimeout, headers,
                assistantPrefill);
    }

    /** The same call, its final assistant message marked as the prefill the answer continues. */
    public CallOptions withAssistantPrefill() {
        return new CallOptions(connectTimeout, firstTokenTimeout, idleTimeout, totalTimeout, traceHeaders, true);
    }
}
