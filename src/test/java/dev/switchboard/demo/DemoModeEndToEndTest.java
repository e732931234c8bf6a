package dev.switchboard.demo;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.catalog.ProviderStatus;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.UpstreamTargets;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.DemoTestProfile;
import dev.switchboard.usage.ApiKeyService;
import dev.switchboard.usage.AuthResult;
import dev.switchboard.usage.CreatedKey;
import dev.switchboard.usage.GatewayKey;
import dev.switchboard.usage.GatewayKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Demo mode end to end: with no credentials, every provider of the shipped catalog is simulated, and an endpoint of
 * each one answers through its real adapter (OpenAI-compatible hosts, Azure, Anthropic, Gemini and Claude on Vertex
 * with service-account tokens, Bedrock) over HTTP from the in-app simulator, streaming and not.
 */
@QuarkusTest
@TestProfile(DemoTestProfile.class)
class DemoModeEndToEndTest {

    static final SimProfile QUICK = SimProfile.builder().ttftMs(2).ttftSpread(0.1).tokensPerSecond(5000)
            .outputTokens(12).outputTokensSpread(0.1).build();

    @Inject
    CatalogService catalog;

    @Inject
    UpstreamTargets targets;

    @Inject
    ProviderAdapters adapters;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    GatewayKeys gatewayKeys;

    @Inject
    ApiKeyService apiKeys;

    @Test
    void everyProviderIsSimulatedAndAnswersThroughItsAdapter() {
        List<CatalogProvider> providers = new ArrayList<>(catalog.current().providers());
        assertThat(providers).hasSizeGreaterThanOrEqualTo(12)
                .allSatisfy(p -> assertThat(p.status()).isEqualTo(ProviderStatus.SIMULATED));
        List<CatalogEndpoint> picked = new ArrayList<>();
        for (CatalogProvider provider : providers) {
            catalog.current().models().stream().flatMap(m -> m.endpoints().stream())
                    .filter(e -> e.provider().slug().equals(provider.slug())).findFirst().ifPresent(picked::add);
        }
        // Claude on Vertex takes another path than Gemini on Vertex: make sure both are in
        catalog.current().model("anthropic/claude-sonnet-4").orElseThrow().endpoints().stream()
                .filter(e -> e.provider().slug().equals("google-vertex")).forEach(picked::add);
        assertThat(picked).extracting(e -> e.provider().kind().id())
                .contains("openai", "anthropic", "vertex", "bedrock");

        for (CatalogEndpoint endpoint : picked) {
            UpstreamTarget target = targets.forEndpoint(endpoint);
            // demo profiles are realistic (seconds per answer, an occasional 429): this test wants quick, clean ones
            simulator.server().runtime().profiles().put(endpoint.upstreamId(), QUICK);
            ChatRequest request = ChatRequest.builder(endpoint.upstreamId()).user("Say hello").maxTokens(64).build();
            var adapter = adapters.forKind(endpoint.provider().kind());
            ChatResponse response = adapter.chat(target, request, CallOptions.DEFAULTS)
                    .await().atMost(Duration.ofSeconds(20));
            assertThat(response.text()).as(endpoint.slug()).isNotBlank();
            assertThat(response.usage().outputTokens()).as(endpoint.slug()).isPositive();
            List<ChatEvent> events = adapter.stream(target, request, CallOptions.DEFAULTS).collect().asList()
                    .await().atMost(Duration.ofSeconds(20));
            assertThat(events).as(endpoint.slug()).anyMatch(ChatEvent.TextDelta.class::isInstance)
                    .anyMatch(ChatEvent.Stop.class::isInstance);
        }
    }

    @Test
    void thePortalSaysSo() {
        Document models = Jsoup.parse(given().get("/models").then().statusCode(200).extract().asString());
        assertThat(models.selectFirst(".demo-banner").text()).contains("Demo mode").contains("The proxy is open");
        Document sonnet = Jsoup.parse(given().get("/models/anthropic/claude-sonnet-4").then().statusCode(200)
                .extract().asString());
        assertThat(sonnet.select("table.compare .status").eachText()).isNotEmpty().allMatch("simulated"::equals);
        assertThat(given().get("/api/v1/models?availability=configured").jsonPath().getList("data.id"))
                .hasSize(catalog.current().models().size());
    }

    @Test
    void withoutAMasterKeyTheProxyIsOpenAndStillKnowsAKeyWhenOneIsSent() {
        assertThat(gatewayKeys.open()).isTrue();
        assertThat(gatewayKeys.authenticate(null)).isEqualTo(new AuthResult.Allowed(null));
        assertThat(gatewayKeys.authenticate("sb-anything")).isEqualTo(new AuthResult.Allowed(null));
        CreatedKey key = apiKeys.create("demo-client");
        assertThat(gatewayKeys.authenticate(key.key())).isEqualTo(new AuthResult.Allowed(
                new GatewayKey(key.view().id(), "demo-client", false)));
        given().get("/api/v1/generation?id=gen-none").then().statusCode(404);
        // the admin page needs a master key, and says how to set one
        assertThat(given().get("/admin/keys").then().statusCode(403).extract().asString())
                .contains("switchboard.auth.master-key").doesNotContain("name=\"master_key\"");
    }
}
