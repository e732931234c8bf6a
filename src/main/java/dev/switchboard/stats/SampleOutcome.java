package dev.switchboard.stats;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How one observed upstream call ended, and whose fault that was. The category decides what the call counts
 * against: uptime = successes / (successes + failures) × 100; rate limits are counted and shown apart; calls the
 * caller spoiled (a request the caller got wrong, a caller that went away) say nothing about the provider.
 */
public enum SampleOutcome {
    OK("ok", Category.SUCCESS),
    /** 5xx, overloaded. */
    SERVER_ERROR("server_error", Category.FAILURE),
    /** Connect, first-token, idle or total timeout. */
    TIMEOUT("timeout", Category.FAILURE),
    /** Refused, reset, TLS or DNS failure. */
    CONNECTION("connection", Category.FAILURE),
    /** A response we could not parse. */
    MALFORMED("malformed", Category.FAILURE),
    /** An error event inside a stream, or a stream cut off before its end. */
    STREAM_ERROR("stream_error", Category.FAILURE),
    /** 401/403 from the upstream: a misconfigured endpoint is down for its users. */
    AUTH("auth", Category.FAILURE),
    /** 404 from the upstream: the model id is gone or wrong. */
    NOT_FOUND("not_found", Category.FAILURE),
    /** The call completed with an error finish reason. */
    ERROR_FINISH("error_finish", Category.FAILURE),
    /** 429: counted and shown on its own, never against uptime. */
    RATE_LIMITED("rate_limited", Category.RATE_LIMITED),
    /** 400/413/422 caused by the caller's request. */
    CALLER_ERROR("caller_error", Category.EXCLUDED),
    /** The caller went away before the call ended. */
    CANCELLED("cancelled", Category.EXCLUDED);

    /** What an outcome counts against. */
    public enum Category {
        SUCCESS,
        /** The provider's fault: counts against uptime. */
        FAILURE,
        /** Counted and shown apart, not in uptime. */
        RATE_LIMITED,
        /** Caller errors and cancellations: counted in the total only. */
        EXCLUDED
    }

    private static final Map<String, SampleOutcome> BY_ID =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(SampleOutcome::id, Function.identity()));

    private final String id;
    private final Category category;

    SampleOutcome(String id, Category category) {
        this.id = id;
        this.category = category;
    }

    /** The lower_snake id stored in {@code samples.outcome} and used as the key of {@code rollups_*.failures}. */
    public String id() {
        return id;
    }

    public Category category() {
        return category;
    }

    public static Optional<SampleOutcome> fromId(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    /**
     * The default reading of an upstream HTTP error status. An adapter that knows better (an overloaded error in a
     * 200 stream, a 400 that says the context is too long for this endpoint only) classifies on its own.
     */
    public static SampleOutcome forHttpStatus(int status) {
        return switch (status) {
            case 401, 403 -> AUTH;
            case 404 -> NOT_FOUND;
            case 408 -> TIMEOUT;
            case 429 -> RATE_LIMITED;
            case 400, 413, 422 -> CALLER_ERROR;
            default -> status >= 200 && status < 300 ? OK : SERVER_ERROR;
        };
    }
}
