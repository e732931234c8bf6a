package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.Redaction;
import dev.switchboard.providers.http.RetryAfter;
import dev.switchboard.providers.openai.wire.ErrorObject;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies what an OpenAI-compatible host says went wrong — an HTTP status with an error body, or an error object
 * inside a stream — into our {@link UpstreamErrorKind}s. Reads OpenAI's {@code {"error":{message,type,code,param}}}
 * and the variants hosts use (a top-level {@code message} with {@code "object":"error"}, FastAPI's {@code detail},
 * Google's list-wrapped error with a numeric code), and survives bodies that are HTML or cut short. The provider's
 * words reach the caller only after {@link Redaction}: some hosts echo part of the key they refused.
 */
public final class OpenAiErrors {

    private static final int MAX_MESSAGE = 500;
    private static final Pattern HTML_TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    private static final Pattern CONTEXT_WORDS = Pattern.compile(
            "(?i)context[_ ]length|context window|maximum context|too many (input )?tokens|prompt is too long"
                    + "|input is too long|reduce the length of the (messages|input|prompt)|exceeds? the (model's )?"
                    + "(maximum )?(context|token limit)|input tokens exceed");
    private static final Pattern AUTH_WORDS = Pattern.compile(
            "(?i)incorrect api key|invalid api key|api key not valid|invalid_api_key|api_key_invalid"
                    + "|invalid authentication|unauthori[sz]ed|no api key|missing api key");

    private OpenAiErrors() {
    }

    /**
     * The error for a non-2xx answer.
     *
     * @param header  the response's header by (case-insensitive) name
     * @param body    the whole body as text, possibly empty, HTML, or cut short
     * @param secrets the credentials this call used, to be kept out of the message
     */
    public static UpstreamError fromResponse(int status, Function<String, String> header, String body,
                                             Collection<String> secrets, Instant now) {
        ErrorObject error = parse(body);
        String providerWords = error != null ? error.messageText() : textOf(body);
        UpstreamErrorKind kind = kind(status, error, providerWords);
        Duration retryAfter = kind == UpstreamErrorKind.RATE_LIMITED || kind == UpstreamErrorKind.OVERLOADED
                ? RetryAfter.parse(header, now) : null;
        return build(kind, status, retryAfter, headline(kind, status, error), providerWords, secrets);
    }

    /**
     * The error for an error object received in place of a chunk ({@code data: {"error":{...}}}) or in an SSE
     * {@code error} event: the HTTP status was 200, so the body alone tells what happened.
     */
    public static UpstreamError fromStream(JsonNode root, Collection<String> secrets) {
        return fromBodyOnly(root, secrets, " in the middle of the stream");
    }

    /** The error for an error object that a host sent as the whole body of a 200 answer. */
    public static UpstreamError fromOkBody(JsonNode root, Collection<String> secrets) {
        return fromBodyOnly(root, secrets, " (with HTTP 200)");
    }

    private static UpstreamError fromBodyOnly(JsonNode root, Collection<String> secrets, String where) {
        ErrorObject error = errorObject(root);
        String words = error != null ? error.messageText() : root.toString();
        Integer status = error != null ? numericStatus(error) : null;
        UpstreamErrorKind kind = status != null && status >= 400 ? kind(status, error, words)
                : streamKind(error, words);
        return build(kind, status, null, headline(kind, status, error) + where, words, secrets);
    }

    /** The error for a body that is not Chat Completions at all, where one was expected. */
    public static UpstreamError malformed(String what, String body, Collection<String> secrets) {
        String snippet = textOf(body);
        return build(UpstreamErrorKind.MALFORMED_RESPONSE, null, null, what, snippet, secrets);
    }

    static UpstreamErrorKind kind(int status, ErrorObject error, String words) {
        String code = lower(error == null ? null : error.codeText());
        String type = lower(error == null ? null : error.type());
        String message = words == null ? "" : words;
        boolean overloaded = code.contains("overloaded") || type.contains("overloaded")
                || message.toLowerCase(Locale.ROOT).contains("overloaded");
        if (code.equals("insufficient_quota") || status == 402) {
            // no credit on our account: not a passing rate limit, the endpoint is down until the operator pays
            return UpstreamErrorKind.AUTHENTICATION;
        }
        return switch (status) {
            case 400, 413, 422 -> {
                if (isContentFilter(code, type)) {
                    yield UpstreamErrorKind.CONTENT_FILTERED;
                }
                if (code.equals("context_length_exceeded") || code.equals("string_above_max_length")
                        || status == 413 || CONTEXT_WORDS.matcher(message).find()) {
                    yield UpstreamErrorKind.CONTEXT_TOO_LONG;
                }
                // Google's compatibility layer answers a bad key with 400 INVALID_ARGUMENT
                if (AUTH_WORDS.matcher(message).find() || code.equals("invalid_api_key")) {
                    yield UpstreamErrorKind.AUTHENTICATION;
                }
                yield UpstreamErrorKind.BAD_REQUEST;
            }
            case 401, 403 -> UpstreamErrorKind.AUTHENTICATION;
            case 404 -> UpstreamErrorKind.NOT_FOUND;
            case 408 -> UpstreamErrorKind.TIMEOUT;
            case 429 -> overloaded ? UpstreamErrorKind.OVERLOADED : UpstreamErrorKind.RATE_LIMITED;
            case 503, 529 -> UpstreamErrorKind.OVERLOADED;
            default -> {
                if (status >= 500) {
                    yield overloaded ? UpstreamErrorKind.OVERLOADED : UpstreamErrorKind.SERVER_ERROR;
                }
                if (status >= 400) {
                    yield UpstreamErrorKind.BAD_REQUEST;
                }
                // a redirect or another status no Chat Completions host answers with
                yield UpstreamErrorKind.MALFORMED_RESPONSE;
            }
        };
    }

    /** An error under status 200, told apart by its code and type alone; unknown ones are the provider's failure. */
    private static UpstreamErrorKind streamKind(ErrorObject error, String words) {
        String code = lower(error == null ? null : error.codeText());
        String type = lower(error == null ? null : error.type());
        String message = words == null ? "" : words;
        if (isContentFilter(code, type)) {
            return UpstreamErrorKind.CONTENT_FILTERED;
        }
        if (code.equals("context_length_exceeded") || CONTEXT_WORDS.matcher(message).find()) {
            return UpstreamErrorKind.CONTEXT_TOO_LONG;
        }
        if (code.contains("overloaded") || type.contains("overloaded")
                || message.toLowerCase(Locale.ROOT).contains("overloaded")) {
            return UpstreamErrorKind.OVERLOADED;
        }
        if (code.contains("rate_limit") || type.contains("rate_limit") || type.equals("tokens")
                || type.equals("requests")) {
            return UpstreamErrorKind.RATE_LIMITED;
        }
        if (code.equals("invalid_api_key") || type.contains("authentication")) {
            return UpstreamErrorKind.AUTHENTICATION;
        }
        if (code.contains("timeout") || type.contains("timeout")) {
            return UpstreamErrorKind.TIMEOUT;
        }
        return UpstreamErrorKind.SERVER_ERROR;
    }

    private static boolean isContentFilter(String code, String type) {
        return code.equals("content_filter") || code.equals("content_policy_violation")
                || code.equals("responsibleaipolicyviolation") || type.equals("content_filter")
                || code.equals("moderation_blocked");
    }

    /** A numeric error code or status some hosts put in the body (Google: {@code "code": 503}). */
    private static Integer numericStatus(ErrorObject error) {
        if (error.code() != null && error.code().canConvertToInt()) {
            return error.code().intValue();
        }
        if (error.code() != null && error.code().isTextual() && error.code().textValue().matches("[45]\\d\\d")) {
            return Integer.parseInt(error.code().textValue());
        }
        return null;
    }

    private static String headline(UpstreamErrorKind kind, Integer status, ErrorObject error) {
        String what = switch (kind) {
            case RATE_LIMITED -> "The provider rate-limited the request";
            case OVERLOADED -> "The provider is overloaded";
            case SERVER_ERROR -> "The provider failed";
            case TIMEOUT -> "The provider timed out";
            case CONNECTION -> "The connection to the provider failed";
            case MALFORMED_RESPONSE -> "The provider answered with an unexpected status";
            case AUTHENTICATION -> error != null && "insufficient_quota".equals(lower(error.codeText()))
                    || status != null && status == 402
                    ? "The provider account has no credit or quota left"
                    : "The provider refused our credentials";
            case NOT_FOUND -> "The provider does not know this model";
            case BAD_REQUEST -> "The provider refused the request";
            case CONTEXT_TOO_LONG -> "The request is too long for this provider's context";
            case CONTENT_FILTERED -> "The provider's content filter refused the request";
            case CANCELLED -> "The request was cancelled";
        };
        return status == null ? what : what + " (HTTP " + status + ")";
    }

    private static UpstreamError build(UpstreamErrorKind kind, Integer status, Duration retryAfter, String headline,
                                       String providerWords, Collection<String> secrets) {
        String safe = providerWords == null || providerWords.isBlank() ? null
                : shorten(Redaction.redact(providerWords.strip(), secrets));
        String message = safe == null ? headline : headline + ": " + safe;
        return new UpstreamError(kind, status, retryAfter, message, safe);
    }

    /** The error object of a body, or null when the body is not JSON or has none. */
    static ErrorObject parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return errorObject(OpenAiCodec.JSON.readTree(body));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Finds the error in the shapes hosts use; null when there is none. */
    static ErrorObject errorObject(JsonNode root) {
        if (root == null) {
            return null;
        }
        if (root.isArray() && !root.isEmpty()) {
            return errorObject(root.get(0));
        }
        if (!root.isObject()) {
            return null;
        }
        JsonNode error = root.get("error");
        try {
            if (error != null && error.isObject()) {
                return OpenAiCodec.JSON.treeToValue(error, ErrorObject.class);
            }
            if (error != null && error.isTextual()) {
                // {"error": "message"}, with a code and type beside it on some hosts
                return new ErrorObject(error, textField(root, "type"), root.get("code"), null, null);
            }
            if (root.has("message") || "error".equals(root.path("object").asText())) {
                return OpenAiCodec.JSON.treeToValue(root, ErrorObject.class);
            }
            if (root.has("detail")) {
                return new ErrorObject(root.get("detail"), null, null, null, null);
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /** Readable words from a body that is no JSON error: an HTML page's title, else its first characters. */
    private static String textOf(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        Matcher title = HTML_TITLE.matcher(body);
        if (title.find()) {
            return title.group(1).replaceAll("\\s+", " ").strip();
        }
        if (body.stripLeading().startsWith("<")) {
            return null;
        }
        return body.replaceAll("\\s+", " ").strip();
    }

    private static String shorten(String text) {
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static String textField(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isValueNode() ? value.asText() : null;
    }
}
