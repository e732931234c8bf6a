package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;

import static dev.switchboard.proxy.ProxyTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The proxy's input limits (switchboard.proxy.*), each a 400 in the caller's protocol that names the limit. */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxyLimitsTest {

    @TestHTTPResource("/")
    URL root;

    String base;

    @BeforeEach
    void base() {
        base = root.toString().replaceAll("/$", "");
    }

    private JsonNode openAi400(String body) {
        HttpResponse<String> response = ProxyTestSupport.openAi(base, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body().length()).isLessThan(2000);
        return json(response).path("error");
    }

    @Test
    void moreMessagesThanTheLimitAre400() {
        String message = "{\"role\":\"user\",\"content\":\"x\"}";
        String body = "{\"model\":\"" + TestCatalog.SOLO + "\",\"messages\":[" + (message + ",").repeat(10_000)
                + message + "]}";
        JsonNode error = openAi400(body);
        assertThat(error.path("message").asText()).contains("10001 messages").contains("switchboard.proxy.max-messages");
        assertThat(error.path("param").asText()).isEqualTo("messages");
    }

    @Test
    void nestingDeeperThanTheLimitIs400() {
        String deep = "[".repeat(129) + "]".repeat(129);
        assertThat(openAi400("{\"model\":\"" + TestCatalog.SOLO + "\",\"x\":" + deep + "}").path("message").asText())
                .contains("deeper than 128").contains("switchboard.proxy.max-json-depth");
        HttpResponse<String> anthropic = ProxyTestSupport.anthropic(base, "{\"a\":" + deep + "}");
        assertThat(anthropic.statusCode()).isEqualTo(400);
        assertThat(json(anthropic).path("type").asText()).isEqualTo("error");
    }

    @Test
    void duplicateKeysAreRefused() {
        assertThat(openAi400("{\"model\":\"" + TestCatalog.SOLO + "\",\"model\":\"" + TestCatalog.TRIO
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").path("message").asText())
                .contains("'model'").contains("twice");
    }

    @Test
    void maxTokensBelowOneIs400() {
        for (String value : new String[] {"0", "-5"}) {
            assertThat(openAi400("{\"model\":\"" + TestCatalog.SOLO + "\",\"max_tokens\":" + value
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").path("param").asText())
                    .isEqualTo("max_tokens");
        }
    }

    @Test
    void aHugeBadValueIsQuotedShort() {
        String model = "m".repeat(1_000_000);
        HttpResponse<String> response = ProxyTestSupport.openAi(base, "{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(response.statusCode()).isBetween(400, 404);
        assertThat(response.body().length()).isLessThan(2000);
        assertThat(json(response).path("error").path("message").asText()).contains("characters)").doesNotContain("m".repeat(100));
    }
}
