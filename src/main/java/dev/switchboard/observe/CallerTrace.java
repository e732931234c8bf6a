package dev.switchboard.observe;

/**
 * The W3C trace context a caller sent with its request (its {@code traceparent} and {@code tracestate} headers,
 * null when absent): the request's span continues the caller's trace. Only these two headers, never the others,
 * which may hold credentials.
 */
public record CallerTrace(String traceparent, String tracestate) {

    public static final CallerTrace NONE = new CallerTrace(null, null);
}
