package dev.switchboard.api.openai;

import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiErrorEncoderTest {

    @Test
    void invalidRequestNamesTheParam() {
        assertThat(Fixtures.tree(OpenAiErrorEncoder.encode(ProxyError.invalid("Invalid 'temperature': too hot.",
                "temperature")))).isEqualTo(Fixtures.object("""
                {"error": {"message": "Invalid 'temperature': too hot.", "type": "invalid_request_error",
                           "code": null, "param": "temperature"}}"""));
    }

    @Test
    void anExplicitCodeWins() {
        ProxyError error = new ProxyError(ProxyErrorType.INVALID_REQUEST, "Too long.", "messages",
                "context_length_exceeded");
        assertThat(Fixtures.tree(OpenAiErrorEncoder.encode(error)).at("/error/code").asText())
                .isEqualTo("context_length_exceeded");
    }

    @ParameterizedTest
    @CsvSource({
            "AUTHENTICATION, authentication_error, invalid_api_key",
            "PERMISSION, permission_error, permission_denied",
            "NOT_FOUND, not_found_error, model_not_found",
            "REQUEST_TOO_LARGE, invalid_request_error, request_too_large",
            "RATE_LIMITED, rate_limit_error, rate_limit_exceeded",
            "UPSTREAM_FAILED, api_error, upstream_error",
            "UNAVAILABLE, api_error, service_unavailable",
            "TIMEOUT, api_error, timeout",
            "INTERNAL, api_error, internal_error"})
    void defaultCodesPerType(ProxyErrorType type, String openAiType, String code) {
        var json = Fixtures.tree(OpenAiErrorEncoder.encode(new ProxyError(type, "Why.", null, null)));
        assertThat(json.at("/error/type").asText()).isEqualTo(openAiType);
        assertThat(json.at("/error/code").asText()).isEqualTo(code);
        assertThat(json.at("/error/message").asText()).isEqualTo("Why.");
        assertThat(json.at("/error/param").isNull()).isTrue();
    }
}
