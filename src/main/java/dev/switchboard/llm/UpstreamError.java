package dev.switchboard.llm;

import java.time.Duration;

/**
 * An upstream call that failed, classified. The message is safe to show a caller: adapters put the provider's own
 * words in {@link #providerMessage()} only after removing anything that could be a credential, and never put request
 * headers or URLs with keys in either.
 */
public class UpstreamError extends RuntimeException {

    private final UpstreamErrorKind kind;
    private final Integer httpStatus;
    private final Duration retryAfter;
    private final String providerMessage;

    public UpstreamError(UpstreamErrorKind kind, Integer httpStatus, Duration retryAfter, String message,
                         String providerMessage) {
        super(message, null, false, false);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
        this.providerMessage = providerMessage;
    }

    public static UpstreamError of(UpstreamErrorKind kind, String message) {
        return new UpstreamError(kind, null, null, message, null);
    }

    public UpstreamErrorKind kind() {
        return kind;
    }

    /** The upstream HTTP status, when there was a response. */
    public Integer httpStatus() {
        return httpStatus;
    }

    /** How long the provider asked us to wait (Retry-After), when it said. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public String providerMessage() {
        return providerMessage;
    }
}
