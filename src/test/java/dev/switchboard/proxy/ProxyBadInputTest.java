package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.ApiKeyService;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;

import static dev.switchboard.proxy.ProxyTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets the caller's protocol's error object with the right status and words to act on, never a stack
 * trace: the same mistakes on the OpenAI and the Anthropic route.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxyBadInputTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    ApiKeyService keys;

    String base;

    @BeforeEach
    void base() {
        base = root.toString().replaceAll("/$", "");
    }

    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    private JsonNode openAiError(String body, int status) {
        HttpResponse<String> response = ProxyTestSupport.openAi(base, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        JsonNode error = json(response).path("error");
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(error.path("type").asText()).isNotBlank();
        return error;
    }

    private JsonNode anthropicError(String body, int status) {
        HttpResponse<String> response = ProxyTestSupport.anthropic(base, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode json = json(response);
        assertThat(json.path("type").asText()).isEqualTo("error");
        assertThat(json.path("error").path("message").asText()).isNotBlank().doesNotContain("Exception");
        return json.path("error");
    }

    @Test
    void malformedJson() {
        assertThat(openAiError("{\"model\": ", 400).path("message").asText()).contains("not valid JSON");
        assertThat(anthropicError("{nope", 400).path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void wrongTypesAndMissingFields() {
        assertThat(openAiError("{" + MESSAGES + "}", 400).path("param").asText()).isEqualTo("model");
        assertThat(openAiError("{\"model\":\"" + TestCatalog.SOLO + "\"}", 400).path("param").asText())
                .isEqualTo("messages");
        assertThat(openAiError("{\"model\":\"" + TestCatalog.SOLO + "\"," + MESSAGES + ",\"temperature\":\"hot\"}",
                400).path("param").asText()).isEqualTo("temperature");
        assertThat(anthropicError("{\"model\":\"" + TestCatalog.SPARE + "\"," + MESSAGES + "}", 400)
                .path("message").asText()).contains("max_tokens");
    }

    @Test
    void unknownModelAndProvider() {
        assertThat(openAiError("{\"model\":\"nobody/nothing\"," + MESSAGES + "}", 404).path("message").asText())
                .contains("nobody/nothing");
        assertThat(anthropicError("{\"model\":\"nobody/nothing\",\"max_tokens\":10," + MESSAGES + "}", 404)
                .path("type").asText()).isEqualTo("not_found_error");
        assertThat(openAiError("{\"model\":\"" + TestCatalog.TRIO + ":no-such-provider\"," + MESSAGES + "}", 400)
                .path("message").asText()).contains("no-such-provider");
        assertThat(openAiError("{\"model\":\"" + TestCatalog.TRIO + "\"," + MESSAGES
                + ",\"provider\":{\"order\":[\"no-such-provider\"]}}", 400).path("message").asText())
                .contains("no-such-provider");
    }

    @Test
    void emptyProviderListAndContradictingOptions() {
        openAiError("{\"model\":\"" + TestCatalog.TRIO + "\"," + MESSAGES + ",\"provider\":{\"only\":[]}}", 400);
        assertThat(openAiError("{\"model\":\"" + TestCatalog.TRIO + "\"," + MESSAGES
                + ",\"provider\":{\"only\":[\"route-openai\"],\"ignore\":[\"route-openai\"]}}", 400)
                .path("message").asText()).contains("route-openai");
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "x".repeat(21 * 1024 * 1024);
        JsonNode error = openAiError("{\"model\":\"" + TestCatalog.SOLO + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + big + "\"}]}", 413);
        assertThat(error.path("message").asText()).contains("larger");
    }

    @Test
    void badMissingAndRevokedKeysAre401() {
        String body = "{\"model\":\"" + TestCatalog.SOLO + "\"," + MESSAGES + "}";
        HttpResponse<String> none = ProxyTestSupport.post(base, "/v1/chat/completions", body, Map.of());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none).path("error").path("message").asText()).contains("Authorization");
        HttpResponse<String> wrong = ProxyTestSupport.post(base, "/v1/messages", body,
                Map.of("x-api-key", "sb-not-a-key"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).path("type").asText()).isEqualTo("error");
        assertThat(wrong.body()).doesNotContain("sb-not-a-key");

        var created = keys.create("revoked-in-test");
        HttpResponse<String> ok = ProxyTestSupport.post(base, "/v1/chat/completions", body,
                Map.of("authorization", "Bearer " + created.key()));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        keys.revoke(created.view().id());
        HttpResponse<String> revoked = ProxyTestSupport.post(base, "/v1/chat/completions", body,
                Map.of("authorization", "Bearer " + created.key()));
        assertThat(revoked.statusCode()).isEqualTo(401);
    }
}
