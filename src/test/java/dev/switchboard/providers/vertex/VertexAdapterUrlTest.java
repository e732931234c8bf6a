package dev.switchboard.providers.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.providers.ProviderSettings;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.http.UpstreamRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Where each call goes and what it carries, for Vertex's hosts, private endpoints and the Gemini API. */
class VertexAdapterUrlTest {

    static final VertexAdapter.Auth TOKEN = new VertexAdapter.Auth(Map.of("authorization", "Bearer ya29.secret"),
            "my-project", List.of("ya29.secret"), false, "/keys/vertex.json");
    static final VertexAdapter.Auth KEY = new VertexAdapter.Auth(Map.of("x-goog-api-key", "AIza-secret"), null,
            List.of("AIza-secret"), true, null);

    static UpstreamTarget target(String baseUrl, String catalogRegion, String configuredRegion) {
        ProviderSettings settings = new ProviderSettings("google-vertex", Optional.empty(), Optional.empty(),
                Optional.ofNullable(configuredRegion), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), true);
        return new UpstreamTarget("google-vertex", ProviderKind.VERTEX, baseUrl, "gemini-2.5-pro", catalogRegion,
                settings);
    }

    static String url(UpstreamTarget target, VertexAdapter.Auth auth, boolean stream) {
        return VertexAdapter.url(target, auth, "gemini-2.5-pro", stream);
    }

    @Test
    void theCatalogsRegionalHost() {
        assertThat(url(target("https://us-east5-aiplatform.googleapis.com", "us-east5", null), TOKEN, false))
                .isEqualTo("https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5"
                        + "/publishers/google/models/gemini-2.5-pro:generateContent");
        assertThat(url(target("https://us-east5-aiplatform.googleapis.com/", "us-east5", null), TOKEN, true))
                .isEqualTo("https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5"
                        + "/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
    }

    @Test
    void aConfiguredRegionMovesTheHostToo() {
        assertThat(url(target("https://us-east5-aiplatform.googleapis.com", "us-east5", "europe-west4"), TOKEN, false))
                .startsWith("https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/locations/"
                        + "europe-west4/");
    }

    @Test
    void theGlobalRegionUsesTheGlobalHost() {
        assertThat(url(target("https://us-east5-aiplatform.googleapis.com", "us-east5", "global"), TOKEN, false))
                .isEqualTo("https://aiplatform.googleapis.com/v1/projects/my-project/locations/global"
                        + "/publishers/google/models/gemini-2.5-pro:generateContent");
        // nothing names a region: the global endpoint
        assertThat(url(target(null, null, null), TOKEN, false))
                .startsWith("https://aiplatform.googleapis.com/v1/projects/my-project/locations/global/");
    }

    @Test
    void withoutARegionTheHostsOwnIsTaken() {
        assertThat(url(target("https://asia-northeast1-aiplatform.googleapis.com", null, null), TOKEN, false))
                .startsWith("https://asia-northeast1-aiplatform.googleapis.com/v1/projects/my-project/locations/"
                        + "asia-northeast1/");
    }

    @Test
    void anyOtherBaseUrlIsUsedAsGiven() {
        assertThat(url(target("http://127.0.0.1:8090", "us-central1", null), TOKEN, false))
                .isEqualTo("http://127.0.0.1:8090/v1/projects/my-project/locations/us-central1"
                        + "/publishers/google/models/gemini-2.5-pro:generateContent");
        assertThat(url(target("https://vertex.psc.example.internal/v1beta1", "us-central1", null), TOKEN, false))
                .startsWith("https://vertex.psc.example.internal/v1beta1/projects/my-project/");
    }

    @Test
    void anApiKeyGoesToExpressModeOrTheGeminiApi() {
        assertThat(url(target("https://us-east5-aiplatform.googleapis.com", "us-east5", null), KEY, false))
                .isEqualTo("https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-2.5-pro"
                        + ":generateContent");
        assertThat(url(target("https://generativelanguage.googleapis.com", null, null), KEY, true))
                .isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro"
                        + ":streamGenerateContent?alt=sse");
        assertThat(url(target("https://generativelanguage.googleapis.com/v1beta/", null, null), KEY, false))
                .isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent");
    }

    @Test
    void credentialsRideInHeadersNeverInTheUrl() {
        VertexAdapter adapter = new VertexAdapter(null, null);
        UpstreamRequest keyed = adapter.upstreamRequest(target("https://generativelanguage.googleapis.com", null,
                null), KEY, "gemini-2.5-pro", new byte[0], true);
        assertThat(keyed.url()).doesNotContain("AIza-secret").doesNotContain("key=");
        assertThat(keyed.headers()).containsEntry("x-goog-api-key", "AIza-secret")
                .containsEntry("accept", "text/event-stream");
        assertThat(keyed.toString()).doesNotContain("AIza-secret");
        UpstreamRequest bearer = adapter.upstreamRequest(target(null, "us-central1", null), TOKEN, "gemini-2.5-pro",
                new byte[0], false);
        assertThat(bearer.headers()).containsEntry("authorization", "Bearer ya29.secret")
                .containsEntry("content-type", "application/json");
        assertThat(TOKEN.toString()).doesNotContain("secret");
    }

    @Test
    void claudeGoesToTheAnthropicPublisher() {
        assertThat(ClaudeOnVertex.request(target("https://us-east5-aiplatform.googleapis.com", "us-east5", null),
                TOKEN, "claude-sonnet-4@20250514", new byte[0], true).url())
                .isEqualTo("https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5"
                        + "/publishers/anthropic/models/claude-sonnet-4@20250514:streamRawPredict");
        assertThat(ClaudeOnVertex.request(target(null, "global", null), TOKEN, "claude-opus-4-1@20250805",
                new byte[0], false).url()).isEqualTo("https://aiplatform.googleapis.com/v1/projects/my-project"
                + "/locations/global/publishers/anthropic/models/claude-opus-4-1@20250805:rawPredict");
        assertThat(ClaudeOnVertex.serves("claude-3-5-haiku@20241022")).isTrue();
        assertThat(ClaudeOnVertex.serves("gemini-2.5-pro")).isFalse();
    }

    @Test
    void claudesBodyIsAnthropicsInTheVertexDialect() {
        JsonNode body = Fixtures.tree(new String(ClaudeOnVertex.encode(ChatRequest.builder("caller-name").user("Hi")
                .maxTokens(64).build(), "claude-sonnet-4@20250514", true), StandardCharsets.UTF_8));
        assertThat(body.path("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
        assertThat(body.has("model")).isFalse();
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
    }

    @Test
    void modelIdsAreEscapedAsPathSegments() {
        assertThat(VertexAdapter.segment("gemini-2.5-flash-preview-05-20")).isEqualTo("gemini-2.5-flash-preview-05-20");
        assertThat(VertexAdapter.segment("claude-sonnet-4@20250514")).isEqualTo("claude-sonnet-4@20250514");
        assertThat(VertexAdapter.segment("a b/c:d")).isEqualTo("a%20b%2Fc%3Ad");
    }
}
