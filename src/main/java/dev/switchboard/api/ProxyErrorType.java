package dev.switchboard.api;

/**
 * The kinds of error the proxy answers with, each with its HTTP status and its names in the two client protocols
 * (OpenAI's {@code error.type}, Anthropic's {@code error.type}).
 */
public enum ProxyErrorType {
    INVALID_REQUEST(400, "invalid_request_error", "invalid_request_error"),
    AUTHENTICATION(401, "authentication_error", "authentication_error"),
    PERMISSION(403, "permission_error", "permission_error"),
    NOT_FOUND(404, "not_found_error", "not_found_error"),
    REQUEST_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
    /** A gateway key's spend budget for its period is used up (OpenAI's quota error, Anthropic's billing error). */
    BUDGET_EXCEEDED(402, "insufficient_quota", "billing_error"),
    RATE_LIMITED(429, "rate_limit_error", "rate_limit_error"),
    /** Every candidate failed with a provider-side error. */
    UPSTREAM_FAILED(502, "api_error", "api_error"),
    /** No candidate could be tried now (all cooling down, circuits open, none configured), or all overloaded. */
    UNAVAILABLE(503, "api_error", "overloaded_error"),
    /** Every candidate timed out. */
    TIMEOUT(504, "api_error", "api_error"),
    INTERNAL(500, "api_error", "api_error");

    private final int status;
    private final String openAiType;
    private final String anthropicType;

    ProxyErrorType(int status, String openAiType, String anthropicType) {
        this.status = status;
        this.openAiType = openAiType;
        this.anthropicType = anthropicType;
    }

    public int status() {
        return status;
    }

    public String openAiType() {
        return openAiType;
    }

    public String anthropicType() {
        return anthropicType;
    }
}
