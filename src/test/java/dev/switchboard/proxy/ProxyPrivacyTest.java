package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;

import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static dev.switchboard.proxy.ProxyTestSupport.json;
import static dev.switchboard.proxy.ProxyTestSupport.received;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * provider.data_collection and provider.zdr through the running proxy, on both protocols. Route Lab's trio: route-openai
 * (original vendor; deny), route-anthropic (deny, zdr), route-backup (allow); routelab/solo is route-openai alone.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxyPrivacyTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    String base;

    @BeforeEach
    void reset() {
        base = root.toString().replaceAll("/$", "");
        health.reset();
        for (String model : List.of("solo-oa", "trio-oa", "trio-an", "trio-bk")) {
            ProxyTestSupport.profile(simulator, model, QUICK);
        }
    }

    private static String openAiBody(String model, String provider) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"provider\":"
                + provider + "}";
    }

    private static String anthropicBody(String model, String provider) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"provider\":" + provider + "}";
    }

    @Test
    void openAiRouteHonoursBothFilters() {
        // route-openai (the original vendor) would serve without filters; zdr leaves route-anthropic only
        HttpResponse<String> zdr = ProxyTestSupport.openAi(base, openAiBody(TestCatalog.TRIO, "{\"zdr\":true}"));
        assertThat(zdr.statusCode()).as(zdr.body()).isEqualTo(200);
        assertThat(zdr.headers().firstValue("x-switchboard-provider")).contains("route-anthropic");

        // the order asks for route-backup first; data_collection deny leaves it out, so the default order's first serves
        HttpResponse<String> deny = ProxyTestSupport.openAi(base, openAiBody(TestCatalog.TRIO,
                "{\"data_collection\":\"deny\",\"order\":[\"route-backup\"]}"));
        assertThat(deny.statusCode()).as(deny.body()).isEqualTo(200);
        assertThat(deny.headers().firstValue("x-switchboard-provider")).contains("route-openai");
        HttpResponse<String> allow = ProxyTestSupport.openAi(base, openAiBody(TestCatalog.TRIO,
                "{\"data_collection\":\"allow\",\"order\":[\"route-backup\"]}"));
        assertThat(allow.statusCode()).as(allow.body()).isEqualTo(200);
        assertThat(allow.headers().firstValue("x-switchboard-provider")).contains("route-backup");
    }

    @Test
    void openAiRouteFailsClearlyWhenNoEndpointIsLeft() {
        long before = received(simulator, "solo-oa");
        HttpResponse<String> response = ProxyTestSupport.openAi(base, openAiBody(TestCatalog.SOLO,
                "{\"zdr\":true}"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("no_candidate");
        assertThat(error.path("message").asText())
                .contains("No provider of routelab/solo has zero data retention (provider.zdr: true)")
                .contains("routelab/solo:route-openai (not zero data retention (provider.zdr: true))");
        assertThat(received(simulator, "solo-oa")).as("no upstream call").isEqualTo(before);

        HttpResponse<String> bad = ProxyTestSupport.openAi(base, openAiBody(TestCatalog.SOLO,
                "{\"data_collection\":\"sometimes\"}"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("error").path("param").asText()).isEqualTo("provider.data_collection");
        assertThat(json(bad).path("error").path("message").asText()).contains("\"allow\" or \"deny\"");
        HttpResponse<String> badZdr = ProxyTestSupport.openAi(base, openAiBody(TestCatalog.SOLO, "{\"zdr\":\"on\"}"));
        assertThat(badZdr.statusCode()).isEqualTo(400);
        assertThat(json(badZdr).path("error").path("param").asText()).isEqualTo("provider.zdr");
    }

    @Test
    void anthropicRouteHonoursTheFiltersAndFailsInItsOwnProtocol() {
        HttpResponse<String> zdr = ProxyTestSupport.anthropic(base, anthropicBody(TestCatalog.TRIO,
                "{\"zdr\":true}"));
        assertThat(zdr.statusCode()).as(zdr.body()).isEqualTo(200);
        assertThat(zdr.headers().firstValue("x-switchboard-provider")).contains("route-anthropic");

        HttpResponse<String> none = ProxyTestSupport.anthropic(base, anthropicBody(TestCatalog.TRIO,
                "{\"zdr\":true,\"ignore\":[\"route-anthropic\"]}"));
        assertThat(none.statusCode()).as(none.body()).isEqualTo(400);
        JsonNode body = json(none);
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.path("error").path("message").asText())
                .contains("routelab/trio:route-openai (not zero data retention (provider.zdr: true))")
                .contains("routelab/trio:route-backup (not zero data retention (provider.zdr: true))")
                .contains("routelab/trio:route-anthropic (in provider.ignore)");

        HttpResponse<String> deny = ProxyTestSupport.anthropic(base, anthropicBody(TestCatalog.TRIO,
                "{\"data_collection\":\"deny\",\"only\":[\"route-backup\"]}"));
        assertThat(deny.statusCode()).as(deny.body()).isEqualTo(400);
        assertThat(json(deny).path("error").path("message").asText())
                .contains("routelab/trio:route-backup (its provider may retain or train on prompts "
                        + "(provider.data_collection: \"deny\"))");
    }

    @Test
    void theEndpointsApiShowsThePrivacyFacts() {
        JsonNode endpoints = json(ProxyTestSupport.get(base, "/api/v1/models/routelab/trio/endpoints"))
                .path("data").path("endpoints");
        assertThat(endpoints.size()).isEqualTo(3);
        java.util.Map<String, String> facts = new java.util.TreeMap<>();
        endpoints.forEach(e -> facts.put(e.path("provider").asText(),
                e.path("data_collection").asText() + "/" + e.path("zdr").asBoolean()));
        assertThat(facts).containsEntry("route-openai", "deny/false").containsEntry("route-anthropic", "deny/true")
                .containsEntry("route-backup", "allow/false");
    }
}
