package dev.switchboard.providers.vertex;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.Redaction;
import dev.switchboard.providers.http.RetryAfter;
import dev.switchboard.providers.vertex.wire.GenerateContentResponse;
import dev.switchboard.providers.vertex.wire.GoogleError;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies Google's errors — {@code {"error":{"code","message","status","details"}}} with an HTTP status, the same
 * wrapped in a list (Vertex's non-SSE stream), or inside an SSE stream — into our {@link UpstreamErrorKind}s, by the
 * canonical status first (INVALID_ARGUMENT, UNAUTHENTICATED, RESOURCE_EXHAUSTED, UNAVAILABLE...) and the HTTP status
 * where the body says nothing (an HTML page from Google's front end). The provider's words reach the caller only
 * after {@link Redaction}.
 */
public final class GeminiErrors {

    private static final int MAX_MESSAGE = 500;
    private static final Pattern HTML_TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    /** Gemini: "The input token count (1234567) exceeds the maximum number of tokens allowed (1048576)." */
    private static final Pattern CONTEXT_WORDS = Pattern.compile("(?i)token count.*exceeds|exceeds the maximum number "
            + "of tokens|maximum (input|context) (length|tokens)|too many tokens|context (length|window)"
            + "|request payload size exceeds|prompt is too long");
    private static final Pattern KEY_WORDS = Pattern.compile("(?i)api key not valid|api key expired|invalid api key");
    private static final Pattern RETRY_DELAY = Pattern.compile("(\\d+(?:\\.\\d+)?)s");

    private GeminiErrors() {
    }

    /**
     * The error for a non-2xx answer.
     *
     * @param header  the response's header by (case-insensitive) name
     * @param body    the whole body as text, possibly empty, HTML or cut short
     * @param secrets the credentials this call used (API key, access token), kept out of every message
     */
    public static UpstreamError fromResponse(int status, Function<String, String> header, String body,
                                             Collection<String> secrets, Instant now) {
        GoogleError.Status error = parse(body);
        String words = error != null && error.message() != null ? error.message() : textOf(body);
        UpstreamErrorKind kind = kind(status, error, words);
        Duration retryAfter = null;
        if (kind == UpstreamErrorKind.RATE_LIMITED || kind == UpstreamErrorKind.OVERLOADED) {
            retryAfter = RetryAfter.parse(header, now);
            if (retryAfter == null) {
                retryAfter = retryDelay(error);
            }
        }
        return build(kind, status, retryAfter, headline(kind, status, error), words, secrets);
    }

    /** The error for an error object received in place of a chunk: the HTTP status was 200. */
    public static UpstreamError fromStream(JsonNode root, Collection<String> secrets) {
        GoogleError.Status error = statusOf(root);
        String words = error != null && error.message() != null ? error.message() : String.valueOf(root);
        int code = error != null && error.code() != null ? error.code() : codeOf(error);
        UpstreamErrorKind kind = kind(code, error, words);
        return build(kind, null, kind == UpstreamErrorKind.RATE_LIMITED ? retryDelay(error) : null,
                headline(kind, code, error) + " in the middle of the stream", words, secrets);
    }

    /** A prompt Gemini refused to answer: {@code promptFeedback.blockReason} and no candidate. */
    public static UpstreamError blocked(GenerateContentResponse.PromptFeedback feedback) {
        String why = feedback.blockReasonMessage() != null ? feedback.blockReasonMessage() : feedback.blockReason();
        return new UpstreamError(UpstreamErrorKind.CONTENT_FILTERED, null, null,
                "The provider's safety filter blocked the prompt (" + feedback.blockReason() + ")", why);
    }

    /** The error for a body that is not Gemini's protocol, where an answer was expected. */
    public static UpstreamError malformed(String what, String body, Collection<String> secrets) {
        return build(UpstreamErrorKind.MALFORMED_RESPONSE, null, null, what, textOf(body), secrets);
    }

    static UpstreamErrorKind kind(int status, GoogleError.Status error, String words) {
        String canonical = error == null || error.status() == null ? "" : error.status().toUpperCase(Locale.ROOT);
        String message = words == null ? "" : words;
        if (reasonIs(error, "API_KEY_INVALID") || KEY_WORDS.matcher(message).find()) {
            // the Gemini API answers a bad key with 400 INVALID_ARGUMENT
            return UpstreamErrorKind.AUTHENTICATION;
        }
        UpstreamErrorKind byCanonical = switch (canonical) {
            case "UNAUTHENTICATED", "PERMISSION_DENIED" -> UpstreamErrorKind.AUTHENTICATION;
            case "NOT_FOUND" -> UpstreamErrorKind.NOT_FOUND;
            case "RESOURCE_EXHAUSTED" -> UpstreamErrorKind.RATE_LIMITED;
            case "UNAVAILABLE" -> UpstreamErrorKind.OVERLOADED;
            case "DEADLINE_EXCEEDED" -> UpstreamErrorKind.TIMEOUT;
            case "INTERNAL", "UNKNOWN", "DATA_LOSS" -> UpstreamErrorKind.SERVER_ERROR;
            case "CANCELLED" -> UpstreamErrorKind.CANCELLED;
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" ->
                    CONTEXT_WORDS.matcher(message).find() ? UpstreamErrorKind.CONTEXT_TOO_LONG
                            : UpstreamErrorKind.BAD_REQUEST;
            default -> null;
        };
        if (byCanonical != null) {
            return byCanonical;
        }
        return switch (status) {
            case 400, 422 -> CONTEXT_WORDS.matcher(message).find() ? UpstreamErrorKind.CONTEXT_TOO_LONG
                    : UpstreamErrorKind.BAD_REQUEST;
            case 413 -> UpstreamErrorKind.CONTEXT_TOO_LONG;
            case 401, 403 -> UpstreamErrorKind.AUTHENTICATION;
            case 404 -> UpstreamErrorKind.NOT_FOUND;
            case 408, 504 -> UpstreamErrorKind.TIMEOUT;
            case 429 -> UpstreamErrorKind.RATE_LIMITED;
            case 499 -> UpstreamErrorKind.CANCELLED;
            case 503, 529 -> UpstreamErrorKind.OVERLOADED;
            default -> {
                if (status >= 500) {
                    yield UpstreamErrorKind.SERVER_ERROR;
                }
                if (status >= 400) {
                    yield UpstreamErrorKind.BAD_REQUEST;
                }
                // a redirect or another status Google does not answer an API call with
                yield UpstreamErrorKind.MALFORMED_RESPONSE;
            }
        };
    }

    /** The google.rpc.RetryInfo delay ("17s", "0.5s") of a quota error, where Google gives one. */
    static Duration retryDelay(GoogleError.Status error) {
        if (error == null || error.details() == null) {
            return null;
        }
        for (JsonNode detail : error.details()) {
            if (detail.path("@type").asText("").endsWith("google.rpc.RetryInfo")) {
                Matcher m = RETRY_DELAY.matcher(detail.path("retryDelay").asText(""));
                if (m.matches()) {
                    long millis = (long) (Double.parseDouble(m.group(1)) * 1000);
                    return millis > 0 ? Duration.ofMillis(Math.min(millis, Duration.ofHours(1).toMillis())) : null;
                }
            }
        }
        return null;
    }

    private static boolean reasonIs(GoogleError.Status error, String reason) {
        if (error == null || error.details() == null) {
            return false;
        }
        for (JsonNode detail : error.details()) {
            if (reason.equals(detail.path("reason").asText(""))) {
                return true;
            }
        }
        return false;
    }

    /** The status object of a body: {@code {"error":{...}}} or {@code [{"error":{...}}]}; null if neither. */
    static GoogleError.Status parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return statusOf(GeminiCodec.JSON.readTree(body));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static GoogleError.Status statusOf(JsonNode root) {
        JsonNode node = root != null && root.isArray() && !root.isEmpty() ? root.get(0) : root;
        if (node == null || !node.path("error").isObject()) {
            return null;
        }
        try {
            return GeminiCodec.JSON.treeToValue(node.get("error"), GoogleError.Status.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The HTTP code a canonical status maps to, for stream errors that give only the status name. */
    private static int codeOf(GoogleError.Status error) {
        String canonical = error == null || error.status() == null ? "" : error.status();
        return switch (canonical) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> 400;
            case "UNAUTHENTICATED" -> 401;
            case "PERMISSION_DENIED" -> 403;
            case "NOT_FOUND" -> 404;
            case "RESOURCE_EXHAUSTED" -> 429;
            case "CANCELLED" -> 499;
            case "UNAVAILABLE" -> 503;
            case "DEADLINE_EXCEEDED" -> 504;
            default -> 500;
        };
    }

    private static String headline(UpstreamErrorKind kind, Integer status, GoogleError.Status error) {
        String what = switch (kind) {
            case RATE_LIMITED -> "The provider's quota is exhausted (rate limited)";
            case OVERLOADED -> "The provider is overloaded";
            case SERVER_ERROR -> "The provider failed with an internal error";
            case TIMEOUT -> "The provider's deadline expired";
            case AUTHENTICATION -> "The provider refused our credentials";
            case NOT_FOUND -> "The provider does not know this model, project or location";
            case CONTEXT_TOO_LONG -> "The prompt is too long for this model";
            case BAD_REQUEST -> "The provider refused the request";
            case CANCELLED -> "The request was cancelled";
            case CONTENT_FILTERED -> "The provider's safety filter refused the request";
            default -> "The provider answered something unexpected";
        };
        StringBuilder sb = new StringBuilder(what);
        if (status != null || error != null && error.status() != null) {
            sb.append(" (");
            if (status != null) {
                sb.append(status);
            }
            if (error != null && error.status() != null) {
                sb.append(status != null ? " " : "").append(error.status());
            }
            sb.append(')');
        }
        return sb.toString();
    }

    private static UpstreamError build(UpstreamErrorKind kind, Integer status, Duration retryAfter, String message,
                                       String providerWords, Collection<String> secrets) {
        String words = providerWords == null ? null : Redaction.redact(providerWords.strip(), secrets);
        if (words != null && words.length() > MAX_MESSAGE) {
            words = words.substring(0, MAX_MESSAGE) + "...";
        }
        return new UpstreamError(kind, status, retryAfter, message, words == null || words.isEmpty() ? null : words);
    }

    /** What a human would read of a body that is not Google's JSON: an HTML page's title, or the text itself. */
    private static String textOf(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        Matcher title = HTML_TITLE.matcher(body);
        if (title.find()) {
            return title.group(1).strip();
        }
        return body.strip();
    }
}
