package dev.switchboard.sim;

/** What goes wrong with one simulated request, decided by its {@link SimPlan}. */
public enum SimFault {
    NONE,
    /** 429 with Retry-After, before the first byte. */
    RATE_LIMITED,
    /** Anthropic's 529 {@code overloaded_error}; OpenAI says 503. Before the first byte. */
    OVERLOADED,
    /** 503, before the first byte. */
    UNAVAILABLE,
    /** 500, before the first byte. */
    SERVER_ERROR,
    /** No byte at all until the client gives up. */
    HANG,
    /** The connection is closed after some chunks (or half the body). */
    ABORT,
    /** One chunk (or the body) carries truncated JSON. */
    MALFORMED,
    /** The stream ends with the protocol's error event after some chunks. */
    MID_STREAM_ERROR,
    /** 429 with no Retry-After, before the first byte. */
    RATE_LIMITED_NO_RETRY_AFTER,
    /** 502, before the first byte. */
    BAD_GATEWAY,
    /** Status 200 and the headers at the TTFT, then the connection is closed before any body byte. */
    RESET_AFTER_HEADERS,
    /** Headers and some chunks (or half the body), then silence on an open connection. */
    STALL,
    /** One frame's framing is broken (SSE: no blank-line separator; Bedrock: the frame cut short at the end). */
    BAD_FRAMING,
    /** Every token {@code dripIntervalMs} after the previous one. */
    SLOW_DRIP,
    /** One Bedrock event-stream frame with a wrong message checksum; elsewhere the malformed chunk or body. */
    BAD_CHECKSUM;

    /** Faults answered with an HTTP error status instead of a response. */
    public boolean isErrorStatus() {
        return this == RATE_LIMITED || this == OVERLOADED || this == UNAVAILABLE || this == SERVER_ERROR
                || this == RATE_LIMITED_NO_RETRY_AFTER || this == BAD_GATEWAY;
    }

    /** Faults that hit one content frame of a stream (or the body of a whole answer). */
    boolean hitsAFrame() {
        return this == ABORT || this == MALFORMED || this == MID_STREAM_ERROR || this == STALL || this == BAD_FRAMING
                || this == BAD_CHECKSUM;
    }
}
