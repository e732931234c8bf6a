package dev.switchboard.providers.bedrock;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BedrockErrorsTest {

    static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6";
    static final List<String> SECRETS = List.of(KEY_ID, SECRET, TOKEN);

    static UpstreamError http(int status, String type, String body) {
        return BedrockErrors.fromResponse(status, type, null, body.getBytes(StandardCharsets.UTF_8), SECRETS);
    }

    static String message(String text) {
        return "{\"message\":\"" + text + "\"}";
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "400, ValidationException, BAD_REQUEST",
            "400, SerializationException, BAD_REQUEST",
            "403, AccessDeniedException, AUTHENTICATION",
            "403, UnrecognizedClientException, AUTHENTICATION",
            "403, InvalidSignatureException, AUTHENTICATION",
            "400, IncompleteSignatureException, AUTHENTICATION",
            "403, MissingAuthenticationTokenException, AUTHENTICATION",
            "403, ExpiredTokenException, AUTHENTICATION",
            "404, ResourceNotFoundException, NOT_FOUND",
            "429, ThrottlingException, RATE_LIMITED",
            "400, ServiceQuotaExceededException, RATE_LIMITED",
            "408, ModelTimeoutException, TIMEOUT",
            "500, InternalServerException, SERVER_ERROR",
            "424, ModelErrorException, SERVER_ERROR",
            "503, ServiceUnavailableException, OVERLOADED",
            "429, ModelNotReadyException, OVERLOADED"})
    void everyBedrockErrorType(int status, String type, UpstreamErrorKind kind) {
        String header = type + ":http://internal.amazon.com/coral/com.amazon.bedrock/";
        UpstreamError error = http(status, header, message("Something about " + type));
        assertThat(error.kind()).isEqualTo(kind);
        assertThat(error.httpStatus()).isEqualTo(status);
        assertThat(error.getMessage()).contains(type).contains("HTTP " + status).contains("Something about " + type);
        assertThat(error.providerMessage()).isEqualTo("Something about " + type);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Input is too long for requested model.|CONTEXT_TOO_LONG",
            "The model returned the following errors: prompt is too long: 205301 tokens > 200000 maximum|CONTEXT_TOO_LONG",
            "Too many input tokens. Max input tokens: 128000|CONTEXT_TOO_LONG",
            "The model returned the following errors: Output blocked by content filtering policy|CONTENT_FILTERED",
            "A conversation must alternate between user and assistant roles.|BAD_REQUEST",
            "The maximum tokens you requested exceeds the model limit of 8192.|BAD_REQUEST"})
    void validationMessagesTellContextAndFiltersApart(String text, UpstreamErrorKind kind) {
        assertThat(http(400, "ValidationException", message(text)).kind()).isEqualTo(kind);
    }

    @Test
    void theTypeIsFoundInTheBodyWhenNoHeaderSaysIt() {
        UpstreamError error = http(403, null, "{\"__type\":\"com.amazon.coral.service#UnrecognizedClientException\","
                + "\"Message\":\"The security token included in the request is invalid.\"}");
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
        assertThat(error.getMessage()).contains("UnrecognizedClientException")
                .contains("The security token included in the request is invalid.");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource({"400, BAD_REQUEST", "401, AUTHENTICATION", "403, AUTHENTICATION", "404, NOT_FOUND", "408, TIMEOUT",
            "413, BAD_REQUEST", "429, RATE_LIMITED", "500, SERVER_ERROR", "502, SERVER_ERROR", "503, OVERLOADED",
            "504, SERVER_ERROR", "302, MALFORMED_RESPONSE"})
    void withoutATypeTheStatusDecides(int status, UpstreamErrorKind kind) {
        assertThat(http(status, null, "<html><body>Bad Gateway</body></html>").kind()).isEqualTo(kind);
    }

    @Test
    void bodiesThatAreNotJsonStillGiveAnError() {
        UpstreamError html = http(502, null, "<html><title>502 Bad Gateway</title></html>");
        assertThat(html.getMessage()).isEqualTo("Bedrock failed (HTTP 502)");
        assertThat(html.providerMessage()).isNull();
        UpstreamError text = http(500, null, "upstream connect error or disconnect/reset before headers");
        assertThat(text.providerMessage()).isEqualTo("upstream connect error or disconnect/reset before headers");
        assertThat(BedrockErrors.fromResponse(500, null, null, new byte[0], SECRETS).getMessage())
                .isEqualTo("Bedrock failed (HTTP 500)");
    }

    @Test
    void aModelErrorCarriesTheModelServicesStatus() {
        UpstreamError overloaded = http(424, "ModelErrorException",
                "{\"message\":\"Received error from the model: Overloaded\",\"originalStatusCode\":529}");
        assertThat(overloaded.kind()).isEqualTo(UpstreamErrorKind.OVERLOADED);
        UpstreamError failed = http(424, "ModelErrorException", message("The model failed"));
        assertThat(failed.kind()).isEqualTo(UpstreamErrorKind.SERVER_ERROR);
    }

    @Test
    void retryAfterIsTakenWhenSentForThrottling() {
        UpstreamError error = BedrockErrors.fromResponse(429, "ThrottlingException", "7",
                message("Too many requests, please wait before trying again.").getBytes(), SECRETS);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(http(429, "ThrottlingException", message("slow down")).retryAfter()).isNull();
        assertThat(BedrockErrors.fromResponse(400, "ValidationException", "7", message("x").getBytes(), SECRETS)
                .retryAfter()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "throttlingException, RATE_LIMITED",
            "serviceUnavailableException, OVERLOADED",
            "internalServerException, SERVER_ERROR",
            "validationException, BAD_REQUEST",
            "modelTimeoutException, TIMEOUT",
            "modelStreamErrorException, SERVER_ERROR",
            "someFutureException, SERVER_ERROR"})
    void everyStreamException(String type, UpstreamErrorKind kind) {
        UpstreamError error = BedrockErrors.fromStreamException(type, message("it went wrong").getBytes(), SECRETS);
        assertThat(error.kind()).isEqualTo(kind);
        assertThat(error.httpStatus()).isNull();
        assertThat(error.getMessage()).contains("in the middle of the stream").contains(type).contains("it went wrong");
    }

    @Test
    void aModelStreamErrorTakesTheModelsOwnStatus() {
        String body = "{\"message\":\"The model returned an error: Overloaded\",\"originalStatusCode\":529,"
                + "\"originalMessage\":\"Overloaded\"}";
        assertThat(BedrockErrors.fromStreamException("modelStreamErrorException", body.getBytes(), SECRETS).kind())
                .isEqualTo(UpstreamErrorKind.OVERLOADED);
        String limited = "{\"message\":\"rate limited\",\"originalStatusCode\":429}";
        assertThat(BedrockErrors.fromStreamException("modelStreamErrorException", limited.getBytes(), SECRETS).kind())
                .isEqualTo(UpstreamErrorKind.RATE_LIMITED);
    }

    @Test
    void anErrorFrameHasItsCodeAndMessageInHeaders() {
        UpstreamError error = BedrockErrors.fromStreamError("ThrottlingException", "Rate exceeded", SECRETS);
        assertThat(error.kind()).isEqualTo(UpstreamErrorKind.RATE_LIMITED);
        assertThat(error.getMessage()).contains("Rate exceeded");
    }

    @Test
    void credentialsNeverReachTheMessage() {
        String echo = "The request signature we calculated does not match. The Canonical String for this request "
                + "should have been 'POST\\n/model/x/converse\\n\\nhost:bedrock-runtime.us-east-1.amazonaws.com\\n"
                + "x-amz-security-token:" + TOKEN + "\\n' Credential=" + KEY_ID + "/20250101/us-east-1/bedrock, "
                + "secret " + SECRET + ", another key AKIAI44QH8DHBEXAMPLE, Bearer ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl";
        UpstreamError error = http(403, "InvalidSignatureException", "{\"message\":\"" + echo + "\"}");
        for (String secret : List.of(KEY_ID, SECRET, TOKEN, "AKIAI44QH8DHBEXAMPLE", "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl")) {
            assertThat(error.getMessage()).doesNotContain(secret);
            assertThat(error.providerMessage()).doesNotContain(secret);
        }
        assertThat(error.getMessage()).contains("[redacted]").contains("does not match");
    }

    @Test
    void longMessagesAreShortened() {
        UpstreamError error = http(400, "ValidationException", message("x".repeat(5000)));
        assertThat(error.providerMessage()).hasSize(501);
    }
}
