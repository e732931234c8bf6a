package dev.switchboard.providers.vertex;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GeminiErrorsTest {

    static final Instant NOW = Instant.parse("2025-06-12T12:00:00Z");

    static UpstreamError classify(int status, String fixture) {
        return classify(status, fixture, Map.of());
    }

    static UpstreamError classify(int status, String fixture, Map<String, String> headers) {
        return GeminiErrors.fromResponse(status, headers::get, fixture == null ? "" : Fixtures.text(fixture), List.of(),
                NOW);
    }

    @Test
    void everyGoogleStatus() {
        record Case(int status, String fixture, UpstreamErrorKind kind) {
        }
        List<Case> cases = List.of(
                new Case(400, "error-invalid-argument.json", UpstreamErrorKind.BAD_REQUEST),
                new Case(400, "error-context-too-long.json", UpstreamErrorKind.CONTEXT_TOO_LONG),
                new Case(400, "error-api-key-invalid.json", UpstreamErrorKind.AUTHENTICATION),
                new Case(401, "error-unauthenticated.json", UpstreamErrorKind.AUTHENTICATION),
                new Case(403, "error-permission-denied.json", UpstreamErrorKind.AUTHENTICATION),
                new Case(404, "error-not-found.json", UpstreamErrorKind.NOT_FOUND),
                new Case(429, "error-quota-vertex.json", UpstreamErrorKind.RATE_LIMITED),
                new Case(429, "error-quota-gemini-api.json", UpstreamErrorKind.RATE_LIMITED),
                new Case(429, "error-list-wrapped.json", UpstreamErrorKind.RATE_LIMITED),
                new Case(500, "error-internal.json", UpstreamErrorKind.SERVER_ERROR),
                new Case(503, "error-overloaded.json", UpstreamErrorKind.OVERLOADED),
                new Case(504, "error-deadline.json", UpstreamErrorKind.TIMEOUT),
                new Case(502, "error-html-502.html", UpstreamErrorKind.SERVER_ERROR));
        for (Case c : cases) {
            UpstreamError error = classify(c.status(), c.fixture());
            assertThat(error.kind()).as(c.fixture()).isEqualTo(c.kind());
            assertThat(error.httpStatus()).as(c.fixture()).isEqualTo(c.status());
            assertThat(error.providerMessage()).as(c.fixture()).isNotBlank();
        }
    }

    @Test
    void theHeadlineNamesTheStatusAndTheProviderSaysTheRest() {
        UpstreamError error = classify(404, "error-not-found.json");
        assertThat(error.getMessage()).isEqualTo(
                "The provider does not know this model, project or location (404 NOT_FOUND)");
        assertThat(error.providerMessage()).startsWith("Publisher Model `projects/my-project/locations/us-central1/");
        assertThat(classify(502, "error-html-502.html").providerMessage()).isEqualTo("Error 502 (Server Error)!!1");
    }

    @Test
    void statusesWithoutABodyAreClassifiedByTheirCode() {
        Map<Integer, UpstreamErrorKind> expected = Map.of(400, UpstreamErrorKind.BAD_REQUEST,
                401, UpstreamErrorKind.AUTHENTICATION, 403, UpstreamErrorKind.AUTHENTICATION,
                404, UpstreamErrorKind.NOT_FOUND, 408, UpstreamErrorKind.TIMEOUT,
                413, UpstreamErrorKind.CONTEXT_TOO_LONG, 429, UpstreamErrorKind.RATE_LIMITED,
                499, UpstreamErrorKind.CANCELLED, 503, UpstreamErrorKind.OVERLOADED,
                504, UpstreamErrorKind.TIMEOUT);
        expected.forEach((status, kind) -> assertThat(classify(status, null).kind()).as("" + status).isEqualTo(kind));
        assertThat(classify(500, null).kind()).isEqualTo(UpstreamErrorKind.SERVER_ERROR);
        assertThat(classify(302, null).kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE);
        assertThat(classify(500, null).providerMessage()).isNull();
    }

    @Test
    void retryAfterFromTheHeaderElseFromRetryInfo() {
        assertThat(classify(429, "error-quota-gemini-api.json").retryAfter()).isEqualTo(Duration.ofSeconds(17));
        assertThat(classify(429, "error-quota-vertex.json").retryAfter()).isNull();
        assertThat(classify(429, "error-quota-vertex.json", Map.of("retry-after", "5")).retryAfter())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(classify(503, "error-overloaded.json", Map.of("retry-after", "2")).retryAfter())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(classify(500, "error-internal.json", Map.of("retry-after", "2")).retryAfter()).isNull();
    }

    @Test
    void aKeyTheProviderEchoesIsRedacted() {
        String key = "AIzaSyD-EXAMPLE-1234567890abcdefghijklm";
        UpstreamError error = GeminiErrors.fromResponse(400, h -> null, Fixtures.text("error-echoes-key.json"),
                List.of(key), NOW);
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(error.providerMessage()).startsWith("API key expired.").doesNotContain(key)
                .doesNotContain("1234567890abcdefghijklm");
        assertThat(error.getMessage()).doesNotContain(key);
    }

    @Test
    void errorsInsideAStream() {
        UpstreamError overloaded = GeminiErrors.fromStream(Fixtures.tree(
                "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}"),
                List.of());
        assertThat(overloaded.kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(overloaded.httpStatus()).isNull();
        assertThat(overloaded.getMessage()).isEqualTo("The provider is overloaded (503 UNAVAILABLE) in the middle of "
                + "the stream");
        UpstreamError quota = GeminiErrors.fromStream(Fixtures.tree(
                "{\"error\":{\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":"
                        + "[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"0.5s\"}]}}"),
                List.of());
        assertThat(quota.kind()).isEqualTo(UpstreamErrorKind.RATE_LIMITED);
        assertThat(quota.retryAfter()).isEqualTo(Duration.ofMillis(500));
        assertThat(GeminiErrors.fromStream(Fixtures.tree("{\"error\":{\"code\":500,\"message\":\"Internal error "
                + "encountered.\",\"status\":\"INTERNAL\"}}"), List.of()).kind())
                .isEqualTo(UpstreamErrorKind.SERVER_ERROR);
        assertThat(GeminiErrors.fromStream(Fixtures.tree("{\"error\":\"something\"}"), List.of()).kind())
                .isEqualTo(UpstreamErrorKind.SERVER_ERROR);
    }

    @Test
    void longProviderMessagesAreCut() {
        String body = "{\"error\":{\"code\":400,\"message\":\"" + "x".repeat(2000) + "\",\"status\":\"INVALID_ARGUMENT\"}}";
        assertThat(GeminiErrors.fromResponse(400, h -> null, body, List.of(), NOW).providerMessage()).hasSize(503);
    }
}
