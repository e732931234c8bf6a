package dev.switchboard.providers;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    static final String KEY = "sk-proj-9fJ2kLm3Np4Qr5St6Uv7Wx8Yz0AbCdEf";

    static String redact(String text) {
        return Redaction.redact(text, List.of(KEY));
    }

    @Test
    void ourKeyWholeOrInPieces() {
        assertThat(redact("bad key " + KEY + " given")).isEqualTo("bad key [redacted] given");
        assertThat(redact("Incorrect API key provided: sk-proj-9f*******************AbCdEf."))
                .isEqualTo("Incorrect API key provided: [redacted].");
        // a host that strips the prefix and echoes the tail
        assertThat(redact("key ending in ...0AbCdEf is invalid")).doesNotContain("0AbCdEf");
        assertThat(Redaction.redact("token 12345678901234567890abcdefghij", List.of("0123456789abcdef0123")))
                .doesNotContain("abcdefghij");
    }

    @Test
    void keyShapedTokens() {
        assertThat(redact("Incorrect API key provided: sk-abc***xyz. You can find your API key at https://platform.openai.com/account/api-keys."))
                .isEqualTo("Incorrect API key provided: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys.");
        assertThat(redact("Invalid API Key gsk_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG1hJ3kL5")).doesNotContain("gsk_");
        assertThat(redact("key AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY not valid")).isEqualTo("key [redacted] not valid");
        assertThat(redact("Azure key 0123456789abcdef0123456789abcdef rejected")).isEqualTo("Azure key [redacted] rejected");
        assertThat(redact("token dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB2YWx1ZQ== expired")).isEqualTo("token [redacted] expired");
    }

    @Test
    void headersAndBearerTokens() {
        assertThat(redact("got Authorization: Bearer abc.def.ghi")).doesNotContain("abc.def.ghi");
        assertThat(redact("header api-key: hunter2hunter2 was refused")).doesNotContain("hunter2");
        assertThat(redact("{\"x-api-key\": \"shortsecret\"}")).doesNotContain("shortsecret");
    }

    @Test
    void urlQueriesAreDropped() {
        assertThat(redact("POST https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21&key=abc failed"))
                .isEqualTo("POST https://x.openai.azure.com/openai/deployments/d/chat/completions?[redacted] failed");
        assertThat(redact("see /v1beta/models?key=abcdef&alt=sse")).isEqualTo("see /v1beta/models?key=[redacted]&alt=sse");
    }

    @Test
    void ordinaryWordsModelNamesAndNumbersStay() {
        String text = "This model's maximum context length is 128000 tokens. However, your messages resulted in "
                + "130532 tokens. Model claude-3-5-sonnet-20241022, meta-llama/Llama-3.3-70B-Instruct-Turbo, "
                + "accounts/fireworks/models/llama-v3p1-405b-instruct, gpt-4o-mini-2024-07-18 and "
                + "Qwen/Qwen2.5-72B-Instruct, Qwen2VLForConditionalGeneration, tool getCurrentWeatherForecastInCity, "
                + "deployment gpt4oMiniProductionEastUs2. Visit https://platform.openai.com/account/rate-limits to learn more.";
        assertThat(redact(text)).isEqualTo(text);
        assertThat(redact(null)).isNull();
        assertThat(redact("")).isEmpty();
    }
}
