package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class AnthropicErrorsTest {

    static byte[] errorBody(String type, String message) {
        ObjectNode body = AnthropicCodec.JSON.createObjectNode().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        body.put("request_id", "req_018EeWyXxfu5pfWkrYcMdjWG");
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            400 | invalid_request_error | messages: roles must alternate between "user" and "assistant"  | BAD_REQUEST
            400 | invalid_request_error | prompt is too long: 210463 tokens > 200000 maximum              | CONTEXT_TOO_LONG
            400 | invalid_request_error | input length and `max_tokens` exceed context limit: 197000 + 8192 > 200000 | CONTEXT_TOO_LONG
            401 | authentication_error  | invalid x-api-key                                               | AUTHENTICATION
            402 | billing_error         | Your credit balance is too low to access the Anthropic API.     | AUTHENTICATION
            403 | permission_error      | Your API key does not have permission to use the specified resource. | AUTHENTICATION
            404 | not_found_error       | model: claude-nonexistent-1                                     | NOT_FOUND
            413 | request_too_large     | Request exceeds the maximum allowed number of bytes.            | BAD_REQUEST
            429 | rate_limit_error      | Number of request tokens has exceeded your per-minute rate limit | RATE_LIMITED
            500 | api_error             | Internal server error                                           | SERVER_ERROR
            529 | overloaded_error      | Overloaded                                                      | OVERLOADED
            504 | timeout_error         | Request timed out                                               | TIMEOUT
            418 | some_new_error        | Something new                                                   | BAD_REQUEST
            503 | some_new_error        | Something new                                                   | OVERLOADED
            """)
    void errorTypesAndStatuses(int status, String type, String message, UpstreamErrorKind expected) {
        UpstreamError error = AnthropicErrors.fromResponse(status, null, errorBody(type, message));
        assertThat(error.kind()).isEqualTo(expected);
        assertThat(error.httpStatus()).isEqualTo(status);
        assertThat(error.providerMessage()).isEqualTo(message);
        assertThat(error.getMessage()).contains("HTTP " + status).contains(type).contains(message);
        assertThat(error.retryAfter()).isNull();
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            502 | <html><head><title>502 Bad Gateway</title></head><body><center>cloudflare</center></body></html> | SERVER_ERROR
            503 | -                                                          | OVERLOADED
            504 | upstream request timeout                                   | SERVER_ERROR
            529 | Overloaded                                                 | OVERLOADED
            500 | {"detail": "not the Anthropic shape"}                      | SERVER_ERROR
            413 | <html><body>413 Request Entity Too Large</body></html>     | BAD_REQUEST
            401 | Unauthorized                                               | AUTHENTICATION
            404 | -                                                          | NOT_FOUND
            422 | {"error": "unprocessable"}                                 | BAD_REQUEST
            """)
    void nonJsonOrForeignBodiesAreClassifiedByStatus(int status, String body, UpstreamErrorKind expected) {
        UpstreamError error = AnthropicErrors.fromResponse(status, null,
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
        assertThat(error.kind()).isEqualTo(expected);
        assertThat(error.httpStatus()).isEqualTo(status);
        assertThat(error.getMessage()).contains("HTTP " + status).doesNotContain("<");
    }

    @Test
    void rateLimitCarriesRetryAfter() {
        UpstreamError error = AnthropicErrors.fromResponse(429, "17",
                errorBody("rate_limit_error", "This request would exceed the rate limit for your organization"));
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.RATE_LIMITED);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(17));

        UpstreamError overloaded = AnthropicErrors.fromResponse(529, "3", errorBody("overloaded_error", "Overloaded"));
        assertThat(overloaded.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void retryAfterForms() {
        Instant now = Instant.parse("2025-06-01T12:00:00Z");
        assertThat(AnthropicErrors.parseRetryAfter("30", now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(AnthropicErrors.parseRetryAfter(" 1.5 ", now)).isEqualTo(Duration.ofMillis(1500));
        assertThat(AnthropicErrors.parseRetryAfter("Sun, 01 Jun 2025 12:00:45 GMT", now))
                .isEqualTo(Duration.ofSeconds(45));
        assertThat(AnthropicErrors.parseRetryAfter("Sun, 01 Jun 2025 11:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(AnthropicErrors.parseRetryAfter("soon", now)).isNull();
        assertThat(AnthropicErrors.parseRetryAfter("-4", now)).isNull();
        assertThat(AnthropicErrors.parseRetryAfter(null, now)).isNull();
    }

    @Test
    void keysAreRedactedFromProviderMessages() {
        String key = "sk-ant-api03-R2D2C3POr2d2c3poR2D2C3POr2d2c3poR2D2C3POr2d2c3po-AbCdEfAA";
        UpstreamError error = AnthropicErrors.fromResponse(401, null,
                errorBody("authentication_error", "invalid x-api-key " + key));
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(error.getMessage()).doesNotContain("R2D2").contains("sk-ant-[redacted]");
        assertThat(error.providerMessage()).doesNotContain("R2D2");
        assertThat(error.toString()).doesNotContain("R2D2");
    }

    @Test
    void configuredSecretsAndLabelledSecretsAreRedacted() {
        String simulatorKey = "sim-key-0123456789";
        UpstreamError error = AnthropicErrors.fromResponse(403, null, ("{\"type\": \"error\", \"error\": "
                + "{\"type\": \"permission_error\", \"message\": \"key " + simulatorKey + " lacks access; "
                + "Authorization: Bearer abcdefghijklmnop1234; api_key=zyxwvutsrq987654\"}}")
                .getBytes(StandardCharsets.UTF_8), simulatorKey);
        assertThat(error.getMessage()).doesNotContain(simulatorKey).doesNotContain("abcdefghijklmnop1234")
                .doesNotContain("zyxwvutsrq987654").contains("lacks access");
        assertThat(error.providerMessage()).doesNotContain(simulatorKey);
    }

    @Test
    void redactionLeavesOrdinaryMessagesAlone() {
        String message = "prompt is too long: 210463 tokens > 200000 maximum; max_tokens: 8192 exceeds the limit";
        assertThat(AnthropicErrors.redact(message)).isEqualTo(message);
        assertThat(AnthropicErrors.redact("AKIAIOSFODNN7EXAMPLE and AIzaSyA1234567890abcdefghijklmnopqrstu"))
                .isEqualTo("[redacted] and [redacted]");
        assertThat(AnthropicErrors.redact("openai key sk-proj-abcdefghijklmnopqrstuvwx"))
                .isEqualTo("openai key sk-[redacted]");
    }

    @Test
    void longMessagesAreShortened() {
        UpstreamError error = AnthropicErrors.fromResponse(400, null,
                errorBody("invalid_request_error", "x".repeat(5000)));
        assertThat(error.providerMessage()).hasSizeLessThan(700).endsWith("...");
    }

    @Test
    void streamErrorEvents() throws Exception {
        UpstreamError overloaded = AnthropicErrors.fromErrorObject(AnthropicCodec.JSON.readTree(
                "{\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}"));
        assertThat(overloaded.kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(overloaded.httpStatus()).isNull();
        assertThat(overloaded.getMessage()).contains("in stream").contains("overloaded_error").contains("Overloaded");

        UpstreamError api = AnthropicErrors.fromErrorObject(AnthropicCodec.JSON.readTree(
                "{\"type\": \"api_error\", \"message\": \"Internal server error\"}"));
        assertThat(api.kind()).isEqualTo(UpstreamErrorKind.SERVER_ERROR);

        UpstreamError shapeless = AnthropicErrors.fromErrorObject(AnthropicCodec.JSON.readTree("{}"));
        assertThat(shapeless.kind()).isEqualTo(UpstreamErrorKind.SERVER_ERROR);
    }

    @Test
    void errorInASuccessBody() {
        assertThat(AnthropicErrors.errorInBody(errorBody("overloaded_error", "Overloaded")).kind())
                .isEqualTo(UpstreamErrorKind.OVERLOADED);
        assertThat(AnthropicErrors.errorInBody("{\"id\": \"msg_1\"}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(AnthropicErrors.errorInBody("not json".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
