package dev.switchboard.providers.bedrock;

import dev.switchboard.llm.ChatRequest;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.providers.ProviderSettings;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.http.UpstreamRequest;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Where requests go and how they are authorised, without a network. */
class BedrockAdapterTest {

    static ProviderSettings settings(String region, String keyId, String secret, String apiKey) {
        return new ProviderSettings("amazon-bedrock", Optional.empty(), Optional.ofNullable(apiKey),
                Optional.ofNullable(region), Optional.empty(), Optional.empty(), Optional.ofNullable(keyId),
                Optional.ofNullable(secret), Optional.empty(), true);
    }

    static UpstreamTarget target(String baseUrl, String region, ProviderSettings settings) {
        return new UpstreamTarget("amazon-bedrock", ProviderKind.BEDROCK, baseUrl,
                "us.anthropic.claude-sonnet-4-20250514-v1:0", region, settings);
    }

    @Test
    void theRegionComesFromTheTargetThenTheSettingsThenTheHost() {
        assertThat(BedrockAdapter.region(target(null, "eu-central-1", settings("us-west-2", null, null, null))))
                .isEqualTo("eu-central-1");
        assertThat(BedrockAdapter.region(target(null, null, settings("us-west-2", null, null, null))))
                .isEqualTo("us-west-2");
        assertThat(BedrockAdapter.region(target("https://bedrock-runtime-fips.ca-central-1.amazonaws.com", null,
                settings(null, null, null, null)))).isEqualTo("ca-central-1");
        assertThat(BedrockAdapter.region(target("http://127.0.0.1:8090", null, settings(null, null, null, null))))
                .isEqualTo(BedrockAdapter.DEFAULT_REGION);
    }

    @Test
    void theBaseUrlDefaultsToTheRegionsRuntimeEndpoint() {
        assertThat(BedrockAdapter.baseUrl(target(null, null, null), "ap-northeast-1"))
                .isEqualTo("https://bedrock-runtime.ap-northeast-1.amazonaws.com");
        assertThat(BedrockAdapter.baseUrl(target("https://bedrock-runtime.{region}.amazonaws.com/", null, null),
                "eu-west-3")).isEqualTo("https://bedrock-runtime.eu-west-3.amazonaws.com");
        assertThat(BedrockAdapter.baseUrl(target("http://127.0.0.1:8090//", null, null), "us-east-1"))
                .isEqualTo("http://127.0.0.1:8090");
    }

    @Test
    void modelIdsAreOneEncodedPathSegment() {
        assertThat(BedrockAdapter.pathSegment("anthropic.claude-sonnet-4-20250514-v1:0"))
                .isEqualTo("anthropic.claude-sonnet-4-20250514-v1%3A0");
        assertThat(BedrockAdapter.pathSegment("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.x"))
                .isEqualTo("arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.meta.x");
        assertThat(BedrockAdapter.pathSegment("a b~c*")).isEqualTo("a%20b~c%2A");
    }

    @Test
    void requestsAreSignedWithAnAccessKeyOrCarryTheApiKey() {
        ChatRequest hello = ChatRequest.builder("m").user("Hi").build();
        BedrockAdapter adapter = new BedrockAdapter(null);

        UpstreamRequest signed = adapter.request(target(null, "eu-west-1", settings(null, "AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "ABSKignoredWhenKeysAreSet")), hello, true);
        assertThat(signed.url()).isEqualTo("https://bedrock-runtime.eu-west-1.amazonaws.com/model/"
                + "us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream");
        assertThat(signed.headers().get("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/")
                .contains("/eu-west-1/bedrock/aws4_request");
        assertThat(signed.headers()).containsEntry("accept", BedrockAdapter.EVENT_STREAM);
        assertThat(signed.toString()).doesNotContain("wJalrXUtnFEMI").doesNotContain("AKIAIOSFODNN7EXAMPLE");

        UpstreamRequest bearer = adapter.request(target(null, "us-east-1", settings(null, null, null, "ABSKa2V5")),
                hello, false);
        assertThat(bearer.headers()).containsEntry("authorization", "Bearer ABSKa2V5")
                .containsEntry("accept", "application/json");
        assertThat(bearer.url()).endsWith("/converse");
    }
}
