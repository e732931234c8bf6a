package dev.switchboard.providers.openai;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiErrorsTest {

    static final String KEY = "sk-proj-AbQ7rT2mWc9LkP4xZs8NfV1hJd6GyE3uXy9z";
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    static UpstreamError classify(int status, String fixture) {
        return classify(status, Map.of(), fixture == null ? "" : Fixtures.text(fixture));
    }

    static UpstreamError classify(int status, Map<String, String> headers, String body) {
        return OpenAiErrors.fromResponse(status, headers::get, body, List.of(KEY), NOW);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "400, error-context-length.json, CONTEXT_TOO_LONG",
            "400, error-bad-param.json, BAD_REQUEST",
            "400, error-azure-content-filter.json, CONTENT_FILTERED",
            "400, error-google-invalid-key.json, AUTHENTICATION",
            "401, error-invalid-key.json, AUTHENTICATION",
            "401, error-azure-unauthorized.json, AUTHENTICATION",
            "402, error-deepseek-402.json, AUTHENTICATION",
            "403, null, AUTHENTICATION",
            "404, error-model-not-found.json, NOT_FOUND",
            "408, null, TIMEOUT",
            "413, error-groq-413.json, CONTEXT_TOO_LONG",
            "422, error-mistral-422.json, BAD_REQUEST",
            "429, error-rate-limit.json, RATE_LIMITED",
            "429, error-insufficient-quota.json, AUTHENTICATION",
            "500, error-server.json, SERVER_ERROR",
            "502, error-cloudflare-502.html, SERVER_ERROR",
            "503, error-overloaded.json, OVERLOADED",
            "503, null, OVERLOADED",
            "504, null, SERVER_ERROR",
            "500, error-overloaded.json, OVERLOADED",
            "529, null, OVERLOADED",
            "409, null, BAD_REQUEST",
            "520, error-truncated.json, SERVER_ERROR",
            "302, null, MALFORMED_RESPONSE"})
    void statusAndBodyToKind(int status, String fixture, UpstreamErrorKind kind) {
        UpstreamError error = classify(status, fixture);
        assertThat(error.kind()).isEqualTo(kind);
        assertThat(error.httpStatus()).isEqualTo(status);
        assertThat(error.getMessage()).contains("HTTP " + status);
    }

    @Test
    void providerWordsReachTheMessage() {
        UpstreamError error = classify(400, "error-context-length.json");
        assertThat(error.getMessage()).isEqualTo("The request is too long for this provider's context (HTTP 400): "
                + "This model's maximum context length is 128000 tokens. However, your messages resulted in 130532 "
                + "tokens. Please reduce the length of the messages.");
        assertThat(error.providerMessage()).startsWith("This model's maximum context length");
        assertThat(classify(422, "error-mistral-422.json").getMessage()).contains("Extra inputs are not permitted");
        assertThat(classify(429, "error-insufficient-quota.json").getMessage())
                .startsWith("The provider account has no credit or quota left (HTTP 429)");
    }

    @Test
    void contextLengthFromWordsAlone() {
        assertThat(classify(400, Map.of(), "{\"error\":{\"message\":\"Please reduce the length of the messages or completion.\",\"type\":\"invalid_request_error\",\"param\":\"messages\"}}").kind())
                .isEqualTo(UpstreamErrorKind.CONTEXT_TOO_LONG);
        assertThat(classify(400, Map.of(), "{\"object\":\"error\",\"message\":\"This model's maximum context length is 32768 tokens. However, you requested 40000 tokens\",\"type\":\"BadRequestError\",\"code\":400}").kind())
                .isEqualTo(UpstreamErrorKind.CONTEXT_TOO_LONG);
    }

    @Test
    void nonJsonAndTruncatedBodies() {
        UpstreamError html = classify(502, "error-cloudflare-502.html");
        assertThat(html.getMessage()).isEqualTo("The provider failed (HTTP 502): 502 Bad Gateway");
        UpstreamError truncated = classify(429, Map.of(), Fixtures.text("error-truncated.json"));
        assertThat(truncated.kind()).isEqualTo(UpstreamErrorKind.RATE_LIMITED);
        assertThat(truncated.getMessage()).contains("Rate limit reached for requests");
        assertThat(classify(500, Map.of(), "").getMessage()).isEqualTo("The provider failed (HTTP 500)");
        assertThat(classify(500, Map.of(), "<html><body>oops</body></html>").getMessage()).isEqualTo("The provider failed (HTTP 500)");
        assertThat(classify(500, Map.of(), "upstream connect error or disconnect/reset before headers").getMessage())
                .isEqualTo("The provider failed (HTTP 500): upstream connect error or disconnect/reset before headers");
        assertThat(classify(500, Map.of(), "x".repeat(5000)).getMessage()).hasSizeLessThan(600);
    }

    @Test
    void retryAfterForms() {
        String body = Fixtures.text("error-rate-limit.json");
        assertThat(classify(429, Map.of("retry-after", "7"), body).retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(classify(429, Map.of("retry-after", "Sun, 01 Jun 2025 12:01:00 GMT"), body).retryAfter())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(classify(429, Map.of("retry-after-ms", "2600", "retry-after", "3"), body).retryAfter())
                .isEqualTo(Duration.ofMillis(2600));
        assertThat(classify(429, Map.of(), body).retryAfter()).isNull();
        assertThat(classify(503, Map.of("retry-after", "30"), "").retryAfter()).isEqualTo(Duration.ofSeconds(30));
        // a wait only matters where waiting helps
        assertThat(classify(400, Map.of("retry-after", "30"), "").retryAfter()).isNull();
    }

    @Test
    void echoedKeysAreRedacted() {
        UpstreamError masked = classify(401, "error-invalid-key.json");
        assertThat(masked.getMessage()).startsWith("The provider refused our credentials (HTTP 401): Incorrect API key provided: [redacted].")
                .doesNotContain("sk-").doesNotContain("Xy9z");
        assertThat(classify(401, "error-invalid-key-legacy.json").getMessage())
                .contains("Incorrect API key provided: [redacted].").doesNotContain("sk-abc");
        UpstreamError whole = classify(401, Map.of(), "{\"error\":{\"message\":\"Invalid API key: " + KEY
                + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
        assertThat(whole.getMessage()).doesNotContain(KEY).doesNotContain("AbQ7rT2m");
        assertThat(whole.providerMessage()).doesNotContain(KEY);
        UpstreamError bare = classify(401, Map.of(), "Unauthorized: key " + KEY.substring(8) + " unknown");
        assertThat(bare.getMessage()).doesNotContain(KEY.substring(8));
        assertThat(classify(403, Map.of(), "{\"error\":{\"message\":\"denied for https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21&sig=abc\"}}")
                .getMessage()).doesNotContain("api-version").doesNotContain("sig=");
    }

    @Test
    void errorObjectShapes() {
        assertThat(OpenAiErrors.parse("{\"error\":{\"message\":\"m\",\"type\":\"t\",\"code\":\"c\",\"param\":\"p\"}}").codeText()).isEqualTo("c");
        assertThat(OpenAiErrors.parse("[{\"error\":{\"code\":400,\"message\":\"m\",\"status\":\"INVALID_ARGUMENT\"}}]").codeText()).isEqualTo("400");
        assertThat(OpenAiErrors.parse("{\"error\":\"just words\",\"code\":7}").messageText()).isEqualTo("just words");
        assertThat(OpenAiErrors.parse("{\"detail\":\"Not authenticated\"}").messageText()).isEqualTo("Not authenticated");
        assertThat(OpenAiErrors.parse("{\"object\":\"error\",\"message\":{\"detail\":[]}}").messageText()).isEqualTo("{\"detail\":[]}");
        assertThat(OpenAiErrors.parse("{\"choices\":[]}")).isNull();
        assertThat(OpenAiErrors.parse("not json")).isNull();
        assertThat(OpenAiErrors.parse(null)).isNull();
    }
}
