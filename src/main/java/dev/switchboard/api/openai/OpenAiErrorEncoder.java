package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;

import static dev.switchboard.api.openai.OpenAiResponseEncoder.NODES;

/** A {@link ProxyError} as OpenAI's error body, {@code {"error":{"message","type","code","param"}}}. */
public final class OpenAiErrorEncoder {

    private OpenAiErrorEncoder() {
    }

    public static byte[] encode(ProxyError error) {
        ObjectNode root = NODES.objectNode();
        ObjectNode body = root.putObject("error");
        body.put("message", error.message());
        body.put("type", error.type().openAiType());
        body.put("code", code(error));
        body.put("param", error.param());
        return OpenAiResponseEncoder.write(root);
    }

    /** The error's own code, or the one OpenAI (or OpenRouter, where OpenAI has none) uses for its kind. */
    public static String code(ProxyError error) {
        if (error.code() != null) {
            return error.code();
        }
        return switch (error.type()) {
            case INVALID_REQUEST -> null;
            case AUTHENTICATION -> "invalid_api_key";
            case PERMISSION -> "permission_denied";
            case NOT_FOUND -> "model_not_found";
            case REQUEST_TOO_LARGE -> "request_too_large";
            case BUDGET_EXCEEDED -> "budget_exceeded";
            case RATE_LIMITED -> "rate_limit_exceeded";
            case UPSTREAM_FAILED -> "upstream_error";
            case UNAVAILABLE -> "service_unavailable";
            case TIMEOUT -> "timeout";
            case INTERNAL -> "internal_error";
        };
    }
}
