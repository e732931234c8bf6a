package dev.switchboard.observe;

import dev.switchboard.api.ProxyErrorType;

/** How a proxied request ended, in a few classes an operator alerts on; {@link #id} is the metric label value. */
public enum RequestOutcome {
    SUCCESS("success"),
    /** The request was malformed, too large, named an unknown model, or every provider refused it (4xx). */
    CLIENT_ERROR("client_error"),
    /** No key, or a key that is unknown or revoked (401/403). */
    AUTH_ERROR("auth_error"),
    /** The key's rate limit, or every provider tried answered 429. */
    RATE_LIMITED("rate_limited"),
    /** The key's spend budget is used up (402). */
    BUDGET_EXCEEDED("budget_exceeded"),
    /** Providers failed (502), or one failed after its stream began. */
    UPSTREAM_ERROR("upstream_error"),
    /** Nothing could be tried now, every provider was overloaded, or the gateway is shutting down (503). */
    UNAVAILABLE("unavailable"),
    /** Every provider tried timed out (504). */
    TIMEOUT("timeout"),
    /** The caller went away before the answer ended (499). */
    CANCELLED("cancelled"),
    /** The gateway failed (500). */
    INTERNAL_ERROR("internal_error");

    private final String id;

    RequestOutcome(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static RequestOutcome of(ProxyErrorType type) {
        return switch (type) {
            case INVALID_REQUEST, NOT_FOUND, REQUEST_TOO_LARGE -> CLIENT_ERROR;
            case AUTHENTICATION, PERMISSION -> AUTH_ERROR;
            case RATE_LIMITED -> RATE_LIMITED;
            case BUDGET_EXCEEDED -> BUDGET_EXCEEDED;
            case UPSTREAM_FAILED -> UPSTREAM_ERROR;
            case UNAVAILABLE -> UNAVAILABLE;
            case TIMEOUT -> TIMEOUT;
            case INTERNAL -> INTERNAL_ERROR;
        };
    }
}
