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
    MID_STREAM_ERROR;

    /** Faults answered with an HTTP error status instead of a response. */
    public boolean isErrorStatus() {
        return this == RATE_LIMITED || this == OVERLOADED || this == UNAVAILABLE || this == SERVER_ERROR;
    }
}
