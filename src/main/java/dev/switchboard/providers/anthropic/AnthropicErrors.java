package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Classifies Anthropic's errors: an HTTP status with its {@code {"type":"error","error":{"type","message"}}} body, or
 * an {@code error} event inside a stream. The error type decides when it is one we know; the status decides
 * otherwise (bodies from a load balancer or CDN in front of the API are often HTML or empty). Provider messages are
 * kept, shortened and with anything key-like removed, because they are what lets a caller act ("prompt is too long:
 * 210000 tokens > 200000 maximum").
 */
public final class AnthropicErrors {

    private static final int MAX_MESSAGE = 600;

    private static final Pattern ANTHROPIC_KEY = Pattern.compile("sk-ant-[A-Za-z0-9_\\-]+");
    private static final Pattern OTHER_SK_KEY = Pattern.compile("\\bsk-[A-Za-z0-9_\\-]{16,}");
    private static final Pattern AWS_KEY_ID = Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b");
    private static final Pattern GOOGLE_KEY = Pattern.compile("\\bAIza[0-9A-Za-z_\\-]{30,}");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9._~+/\\-]{8,}=*");
    private static final Pattern LABELLED_SECRET = Pattern.compile("(?i)\\b(x-api-key|api[_-]?key|authorization|"
            + "access[_-]?token|secret[_-]?(?:access[_-]?)?key|token|password)(\"?\\s*[:=]\\s*)(\"?)[^\\s\"',;}]{6,}");

    private AnthropicErrors() {
    }

    /** An error status with its body (read whole; may be empty, HTML or JSON). */
    public static UpstreamError fromResponse(int status, String retryAfterHeader, byte[] body, String... secrets) {
        Duration retryAfter = parseRetryAfter(retryAfterHeader, Instant.now());
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        String type = null;
        String providerMessage = null;
        JsonNode error = parseErrorObject(text);
        if (error != null) {
            type = textOrNull(error.get("type"));
            providerMessage = textOrNull(error.get("message"));
        } else if (!text.isBlank()) {
            providerMessage = text.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
        }
        providerMessage = clean(providerMessage, secrets);
        UpstreamErrorKind kind = kind(type, status, providerMessage);
        return new UpstreamError(kind, status, retryAfter, describe(kind, status, type, providerMessage),
                providerMessage);
    }

    /** The error object in a body that came with a success status (some proxies do that), or null if none. */
    public static UpstreamError errorInBody(byte[] body, String... secrets) {
        JsonNode error = body == null ? null : parseErrorObject(new String(body, StandardCharsets.UTF_8));
        return error == null ? null : fromErrorObject(error, secrets);
    }

    /** An {@code error} event after the stream began; its status was 200, so the type alone decides. */
    public static UpstreamError fromErrorObject(JsonNode error, String... secrets) {
        String type = error == null ? null : textOrNull(error.get("type"));
        String message = clean(error == null ? null : textOrNull(error.get("message")),
                secrets == null ? new String[0] : secrets);
        UpstreamErrorKind kind = type == null ? UpstreamErrorKind.SERVER_ERROR : kind(type, 0, message);
        return new UpstreamError(kind, null, null, describe(kind, null, type, message), message);
    }

    static UpstreamErrorKind kind(String type, int status, String message) {
        if (type != null) {
            UpstreamErrorKind byType = switch (type) {
                case "invalid_request_error" -> tooLong(message) ? UpstreamErrorKind.CONTEXT_TOO_LONG
                        : UpstreamErrorKind.BAD_REQUEST;
                // a key the provider rejects, lacks rights for, or cannot bill: down for every caller until an
                // operator acts, which is what uptime must show
                case "authentication_error", "permission_error", "billing_error" -> UpstreamErrorKind.AUTHENTICATION;
                case "not_found_error" -> UpstreamErrorKind.NOT_FOUND;
                case "request_too_large" -> UpstreamErrorKind.BAD_REQUEST;
                case "rate_limit_error" -> UpstreamErrorKind.RATE_LIMITED;
                case "api_error" -> UpstreamErrorKind.SERVER_ERROR;
                case "overloaded_error" -> UpstreamErrorKind.OVERLOADED;
                case "timeout_error" -> UpstreamErrorKind.TIMEOUT;
                default -> null;
            };
            if (byType != null) {
                return byType;
            }
        }
        return switch (status) {
            case 400, 422 -> tooLong(message) ? UpstreamErrorKind.CONTEXT_TOO_LONG : UpstreamErrorKind.BAD_REQUEST;
            case 401, 402, 403 -> UpstreamErrorKind.AUTHENTICATION;
            case 404 -> UpstreamErrorKind.NOT_FOUND;
            case 408 -> UpstreamErrorKind.TIMEOUT;
            case 413 -> UpstreamErrorKind.BAD_REQUEST;
            case 429 -> UpstreamErrorKind.RATE_LIMITED;
            case 503, 529 -> UpstreamErrorKind.OVERLOADED;
            default -> status >= 500 || status == 0 ? UpstreamErrorKind.SERVER_ERROR : UpstreamErrorKind.BAD_REQUEST;
        };
    }

    /** Anthropic's words for a prompt over the context window, in a 400 invalid_request_error. */
    private static boolean tooLong(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("prompt is too long") || m.contains("exceed context limit")
                || m.contains("context window") || m.contains("context length");
    }

    private static String describe(UpstreamErrorKind kind, Integer status, String type, String providerMessage) {
        String what = switch (kind) {
            case RATE_LIMITED -> "The provider is rate limiting this account";
            case OVERLOADED -> "The provider is overloaded";
            case SERVER_ERROR -> "The provider had an internal error";
            case TIMEOUT -> "The provider timed out";
            case AUTHENTICATION -> "The provider refused the configured credentials";
            case NOT_FOUND -> "The provider does not know this model or resource";
            case CONTEXT_TOO_LONG -> "The prompt is too long for this model's context window";
            case BAD_REQUEST -> "The provider refused the request";
            default -> "The provider returned an error";
        };
        StringBuilder sb = new StringBuilder(what).append(" (");
        if (status != null) {
            sb.append("HTTP ").append(status);
            if (type != null) {
                sb.append(' ');
            }
        } else {
            sb.append("in stream");
            if (type != null) {
                sb.append(": ");
            }
        }
        if (type != null) {
            sb.append(type);
        }
        sb.append(')');
        if (providerMessage != null && !providerMessage.isBlank()) {
            sb.append(": ").append(providerMessage);
        }
        return sb.toString();
    }

    /** Retry-After as seconds (Anthropic's form) or an HTTP date; null when absent or unreadable. */
    static Duration parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        try {
            double seconds = Double.parseDouble(value);
            return seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds) ? null
                    : Duration.ofMillis((long) Math.ceil(seconds * 1000));
        } catch (NumberFormatException e) {
            // an HTTP date, below
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Removes what could be a credential from a provider's text: Anthropic keys ({@code sk-ant-...}) and other
     * {@code sk-} keys, AWS access key ids, Google API keys, bearer tokens, labelled secrets ({@code x-api-key: ...},
     * {@code "api_key": "..."}), and the exact values given.
     */
    public static String redact(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4) {
                out = out.replace(secret, "[redacted]");
            }
        }
        out = ANTHROPIC_KEY.matcher(out).replaceAll("sk-ant-[redacted]");
        out = OTHER_SK_KEY.matcher(out).replaceAll("sk-[redacted]");
        out = AWS_KEY_ID.matcher(out).replaceAll("[redacted]");
        out = GOOGLE_KEY.matcher(out).replaceAll("[redacted]");
        out = BEARER.matcher(out).replaceAll("$1[redacted]");
        out = LABELLED_SECRET.matcher(out).replaceAll("$1$2$3[redacted]");
        return out;
    }

    private static String clean(String message, String... secrets) {
        if (message == null || message.isBlank()) {
            return null;
        }
        String redacted = redact(message, secrets);
        return redacted.length() <= MAX_MESSAGE ? redacted : redacted.substring(0, MAX_MESSAGE) + "...";
    }

    private static JsonNode parseErrorObject(String text) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("{")) {
            return null;
        }
        try {
            JsonNode tree = AnthropicCodec.JSON.readTree(trimmed);
            JsonNode error = tree == null ? null : tree.get("error");
            return error != null && error.isObject() ? error : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() || !node.isValueNode() ? null : node.asText();
    }
}
