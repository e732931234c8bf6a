package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies what Bedrock says went wrong into our {@link UpstreamErrorKind}s: an HTTP error (status, the
 * {@code x-amzn-ErrorType} header, a {@code {"message": ...}} body), or an {@code exception} frame inside a
 * ConverseStream (its {@code :exception-type} header and the same body). The AWS error type decides where there is
 * one, the status where there is not. The provider's words reach the caller only with every credential of the call
 * and anything shaped like an AWS key removed: an InvalidSignatureException echoes the canonical request, signed
 * headers (a session token among them) included.
 */
public final class BedrockErrors {

    private static final int MAX_MESSAGE = 500;
    private static final Pattern CONTEXT_WORDS = Pattern.compile(
            "(?i)input is too long|prompt is too long|too many (input )?tokens|context (length|window)"
                    + "|maximum context|input length .*exceed|exceeds? the (model's )?(maximum )?(context|input)");
    private static final Pattern FILTER_WORDS = Pattern.compile(
            "(?i)content filtering policy|blocked by (the )?(content|safety)|content filter");
    /** AWS access key ids (long-term AKIA, temporary ASIA), Bedrock API keys, bearer values, signatures. */
    private static final Pattern AWS_SECRETS = Pattern.compile(
            "\\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}\\b|\\bABSK[A-Za-z0-9+/=]{8,}|bedrock-api-key-[A-Za-z0-9+/=._-]+"
                    + "|(?i:bearer)\\s+[^\\s\"',;]+|(?i:signature=)[0-9a-f]{16,}|(?i:x-amz-security-token:)[^\\s'\"]+");

    private BedrockErrors() {
    }

    /**
     * The error for a non-2xx answer.
     *
     * @param errorType  the {@code x-amzn-ErrorType} header, e.g. {@code ThrottlingException:http://internal...}
     * @param retryAfter the {@code Retry-After} header (Bedrock seldom sends one)
     * @param body       the body as received, possibly empty or not JSON
     * @param secrets    the credentials this call used, to be kept out of the message
     */
    public static UpstreamError fromResponse(int status, String errorType, String retryAfter, byte[] body,
                                             Collection<String> secrets) {
        JsonNode json = parse(body);
        String type = errorType(errorType, json);
        String words = words(json, body);
        UpstreamErrorKind kind = kind(type, status, words, originalStatus(json));
        Duration wait = kind == UpstreamErrorKind.RATE_LIMITED || kind == UpstreamErrorKind.OVERLOADED
                ? retryAfter(retryAfter) : null;
        return build(kind, status, wait, headline(kind) + " (" + (type == null ? "" : type + ", ") + "HTTP "
                + status + ")", words, secrets);
    }

    /** The error for an {@code exception} frame of a ConverseStream (the HTTP status was 200). */
    public static UpstreamError fromStreamException(String exceptionType, byte[] payload,
                                                    Collection<String> secrets) {
        JsonNode json = parse(payload);
        String type = errorType(exceptionType, json);
        String words = words(json, payload);
        UpstreamErrorKind kind = kind(type, 0, words, originalStatus(json));
        return build(kind, null, null, headline(kind) + " in the middle of the stream ("
                + (type == null ? "unknown exception" : type) + ")", words, secrets);
    }

    /** The error for an {@code error} frame: {@code :error-code} and {@code :error-message} headers, no body. */
    public static UpstreamError fromStreamError(String errorCode, String errorMessage, Collection<String> secrets) {
        String type = errorType(errorCode, null);
        UpstreamErrorKind kind = kind(type, 0, errorMessage, null);
        return build(kind, null, null, headline(kind) + " in the middle of the stream ("
                + (type == null ? "unknown error" : type) + ")", errorMessage, secrets);
    }

    /** The provider answered something that is not its protocol. */
    public static UpstreamError malformed(String what) {
        return new UpstreamError(UpstreamErrorKind.MALFORMED_RESPONSE, null, null, what, null);
    }

    /**
     * The kind for an AWS error type (compared without case: HTTP errors say {@code ThrottlingException}, stream
     * frames {@code throttlingException}); an unknown type falls back on the status.
     */
    static UpstreamErrorKind kind(String type, int status, String words, Integer originalStatus) {
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        String message = words == null ? "" : words;
        return switch (t) {
            case "validationexception", "serializationexception" -> refusal(message);
            case "accessdeniedexception", "unrecognizedclientexception", "invalidsignatureexception",
                 "incompletesignatureexception", "missingauthenticationtokenexception", "expiredtokenexception",
                 "invalidclienttokenid", "signaturedoesnotmatch", "notauthorized" -> UpstreamErrorKind.AUTHENTICATION;
            case "resourcenotfoundexception" -> UpstreamErrorKind.NOT_FOUND;
            case "throttlingexception", "servicequotaexceededexception", "toomanyrequestsexception" ->
                    UpstreamErrorKind.RATE_LIMITED;
            case "modeltimeoutexception" -> UpstreamErrorKind.TIMEOUT;
            case "serviceunavailableexception", "modelnotreadyexception" -> UpstreamErrorKind.OVERLOADED;
            case "internalserverexception", "internalfailure" -> UpstreamErrorKind.SERVER_ERROR;
            // the model's own service failed (mid-stream, or behind a 424); its status tells how: 529 is Claude's
            // overloaded, 429 its rate limit
            case "modelerrorexception", "modelstreamerrorexception" -> originalStatus == null || originalStatus < 400
                    ? UpstreamErrorKind.SERVER_ERROR : byStatus(originalStatus, message);
            default -> status == 0 ? UpstreamErrorKind.SERVER_ERROR : byStatus(status, message);
        };
    }

    private static UpstreamErrorKind byStatus(int status, String message) {
        return switch (status) {
            case 400, 413, 422 -> refusal(message);
            case 401, 403 -> UpstreamErrorKind.AUTHENTICATION;
            case 404 -> UpstreamErrorKind.NOT_FOUND;
            case 408 -> UpstreamErrorKind.TIMEOUT;
            case 429 -> UpstreamErrorKind.RATE_LIMITED;
            case 503, 529 -> UpstreamErrorKind.OVERLOADED;
            default -> status >= 500 || status == 424 ? UpstreamErrorKind.SERVER_ERROR
                    : status >= 400 ? UpstreamErrorKind.BAD_REQUEST : UpstreamErrorKind.MALFORMED_RESPONSE;
        };
    }

    /** A 400: the prompt too long for this model, a content filter, or a request this endpoint will not take. */
    private static UpstreamErrorKind refusal(String message) {
        if (CONTEXT_WORDS.matcher(message).find()) {
            return UpstreamErrorKind.CONTEXT_TOO_LONG;
        }
        if (FILTER_WORDS.matcher(message).find()) {
            return UpstreamErrorKind.CONTENT_FILTERED;
        }
        return UpstreamErrorKind.BAD_REQUEST;
    }

    /**
     * The bare error type: {@code ValidationException:http://internal.amazon.com/coral/...} and
     * {@code com.amazon.coral.service#UnrecognizedClientException} both name it with extras; the body's
     * {@code __type} or {@code code} stand in when there is no header.
     */
    static String errorType(String given, JsonNode json) {
        String type = given;
        if ((type == null || type.isBlank()) && json != null) {
            type = json.hasNonNull("__type") ? json.get("__type").asText()
                    : json.hasNonNull("code") ? json.get("code").asText() : null;
        }
        if (type == null || type.isBlank()) {
            return null;
        }
        type = type.strip();
        int colon = type.indexOf(':');
        if (colon > 0) {
            type = type.substring(0, colon);
        }
        int hash = type.lastIndexOf('#');
        if (hash >= 0) {
            type = type.substring(hash + 1);
        }
        return type.isBlank() ? null : type;
    }

    private static String headline(UpstreamErrorKind kind) {
        return switch (kind) {
            case RATE_LIMITED -> "Bedrock throttled the request";
            case OVERLOADED -> "Bedrock is unavailable or the model is not ready";
            case SERVER_ERROR -> "Bedrock failed";
            case TIMEOUT -> "The model timed out on Bedrock";
            case CONNECTION -> "The connection to Bedrock failed";
            case MALFORMED_RESPONSE -> "Bedrock answered with an unexpected status";
            case AUTHENTICATION -> "Bedrock refused our credentials or access to the model";
            case NOT_FOUND -> "Bedrock does not know this model in this region";
            case BAD_REQUEST -> "Bedrock refused the request";
            case CONTEXT_TOO_LONG -> "The request is too long for this model on Bedrock";
            case CONTENT_FILTERED -> "Bedrock's content filter refused the request";
            case CANCELLED -> "The request was cancelled";
        };
    }

    private static UpstreamError build(UpstreamErrorKind kind, Integer status, Duration retryAfter, String headline,
                                       String words, Collection<String> secrets) {
        String safe = words == null || words.isBlank() ? null : shorten(redact(words.strip(), secrets));
        return new UpstreamError(kind, status, retryAfter, safe == null ? headline : headline + ": " + safe, safe);
    }

    /** Removes the call's credentials and anything shaped like an AWS credential. */
    static String redact(String text, Collection<String> secrets) {
        String out = text;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 8) {
                out = out.replace(secret, "[redacted]");
            }
        }
        Matcher m = AWS_SECRETS.matcher(out);
        return m.replaceAll("[redacted]");
    }

    /** The status the model's own service answered, which ModelErrorException and ModelStreamErrorException carry. */
    private static Integer originalStatus(JsonNode json) {
        return json != null && json.path("originalStatusCode").canConvertToInt()
                ? json.path("originalStatusCode").intValue() : null;
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode json = ConverseCodec.JSON.readTree(body);
            return json != null && json.isObject() ? json : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The body's {@code message} (AWS writes {@code Message} in some services), else its text if it is not JSON. */
    private static String words(JsonNode json, byte[] body) {
        if (json != null) {
            for (String field : new String[] {"message", "Message", "errorMessage"}) {
                if (json.hasNonNull(field)) {
                    return json.get(field).asText();
                }
            }
            return null;
        }
        if (body == null || body.length == 0) {
            return null;
        }
        String text = new String(body, 0, Math.min(body.length, 4 * MAX_MESSAGE), StandardCharsets.UTF_8);
        return text.stripLeading().startsWith("<") ? null : text.replaceAll("\\s+", " ");
    }

    /** Delay-seconds only: AWS services that send Retry-After at all send seconds. */
    private static Duration retryAfter(String value) {
        if (value == null || !value.strip().matches("\\d{1,6}")) {
            return null;
        }
        long seconds = Long.parseLong(value.strip());
        return seconds <= 0 ? null : Duration.ofSeconds(Math.min(seconds, 3600));
    }

    private static String shorten(String text) {
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
    }
}
