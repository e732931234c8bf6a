package dev.switchboard.routing;

import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.ProxyException;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.catalog.ProviderStatus;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.stats.EndpointStats;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The privacy filters over a hand-built catalog (named RoutePlanner* so the routing test selection runs it):
 * <pre>
 *   testlab/private   keeper (allow, no zdr)   careful (deny, no zdr)   vault (deny, zdr)
 *   testlab/leaky     keeper (allow, no zdr)   careful (deny, no zdr)
 *   testlab/open      keeper (allow, no zdr)   offline (deny, zdr, not configured)
 * </pre>
 */
class RoutePlannerPrivacyTest {

    static final CatalogProvider KEEPER = provider("keeper", ProviderStatus.LIVE);
    static final CatalogProvider CAREFUL = provider("careful", ProviderStatus.LIVE);
    static final CatalogProvider VAULT = provider("vault", ProviderStatus.LIVE);
    static final CatalogProvider OFFLINE = provider("offline", ProviderStatus.NOT_CONFIGURED);

    static final Catalog CATALOG = new Catalog(List.of(
            model("testlab/private",
                    endpoint(1, "testlab/private", KEEPER, "allow", false, true),
                    endpoint(2, "testlab/private", CAREFUL, "deny", false, false),
                    endpoint(3, "testlab/private", VAULT, "deny", true, false)),
            model("testlab/leaky",
                    endpoint(10, "testlab/leaky", KEEPER, "allow", false, true),
                    endpoint(11, "testlab/leaky", CAREFUL, "deny", false, false)),
            model("testlab/open",
                    endpoint(20, "testlab/open", KEEPER, "allow", false, true),
                    endpoint(21, "testlab/open", OFFLINE, "deny", true, false))),
            List.of(KEEPER, CAREFUL, VAULT, OFFLINE), Map.of("testlab", "Test Lab"));

    final RoutePlanner planner = new RoutePlanner(CATALOG, id -> EndpointStats.NONE, HealthView.ALL_HEALTHY);

    static final ChatRequest HELLO = ChatRequest.builder("x").user("hi").build();

    static CatalogProvider provider(String slug, ProviderStatus status) {
        return new CatalogProvider(slug, slug, ProviderKind.OPENAI, "https://" + slug, null, null, null, status);
    }

    static CatalogEndpoint endpoint(long id, String model, CatalogProvider p, String dataCollection, boolean zdr,
                                    boolean original) {
        return new CatalogEndpoint(id, model, p, "up-" + id, new Pricing(BigDecimal.ONE, BigDecimal.TWO, null, null),
                32000, null, null, List.of("temperature", "max_tokens"), original, dataCollection, zdr);
    }

    static CatalogModel model(String slug, CatalogEndpoint... endpoints) {
        return new CatalogModel(slug, "testlab", "Test Lab", slug, "", null, 32000, List.of("text"), List.of("text"),
                Set.of(), List.of(), List.of(endpoints));
    }

    static RoutingRequest privacy(String model, boolean denyDataCollection, boolean zdr) {
        RoutingRequest base = RoutingRequest.of(model);
        return new RoutingRequest(base.model(), base.fallbackModels(), base.order(), base.only(), base.ignore(),
                base.allowFallbacks(), base.sort(), base.maxPromptPrice(), base.maxCompletionPrice(),
                base.requireParameters(), base.quantizations(), base.preferredMaxLatencyMs(),
                base.preferredMinThroughput(), denyDataCollection, zdr, true);
    }

    static List<String> providers(RoutePlan plan) {
        return plan.candidates().stream().map(c -> c.endpoint().provider().slug()).toList();
    }

    @Test
    void withoutFiltersEveryEndpointIsACandidate() {
        assertThat(providers(planner.plan(RoutingRequest.of("testlab/private"), HELLO)))
                .containsExactly("keeper", "careful", "vault");
    }

    @Test
    void dataCollectionDenyKeepsOnlyProvidersKnownNotToCollect() {
        RoutePlan plan = planner.plan(privacy("testlab/private", true, false), HELLO);
        assertThat(providers(plan)).containsExactly("careful", "vault");
        assertThat(plan.excluded()).containsExactly(new Exclusion("testlab/private:keeper",
                "its provider may retain or train on prompts (provider.data_collection: \"deny\")"));
    }

    @Test
    void zdrKeepsOnlyZeroRetentionEndpoints() {
        RoutePlan plan = planner.plan(privacy("testlab/private", false, true), HELLO);
        assertThat(providers(plan)).containsExactly("vault");
        assertThat(plan.excluded()).extracting(Exclusion::endpointSlug)
                .containsExactly("testlab/private:keeper", "testlab/private:careful");
        assertThat(plan.excluded()).extracting(Exclusion::reason)
                .containsOnly("not zero data retention (provider.zdr: true)");
        assertThat(providers(planner.plan(privacy("testlab/private", true, true), HELLO))).containsExactly("vault");
    }

    @Test
    void noEndpointLeftIsA400NamingTheFilterAndTheEndpoints() {
        ProxyException e = catchThrowableOfType(ProxyException.class,
                () -> planner.plan(privacy("testlab/leaky", false, true), HELLO));
        assertThat(e).isNotNull();
        assertThat(e.error().type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        assertThat(e.error().status()).isEqualTo(400);
        assertThat(e.error().code()).isEqualTo("no_candidate");
        assertThat(e.error().message())
                .startsWith("No provider of testlab/leaky has zero data retention (provider.zdr: true).")
                .contains("testlab/leaky:keeper (not zero data retention (provider.zdr: true))")
                .contains("testlab/leaky:careful (not zero data retention (provider.zdr: true))")
                .contains("retrying as is will not help");

        ProxyException both = catchThrowableOfType(ProxyException.class,
                () -> planner.plan(privacy("testlab/leaky", true, true), HELLO));
        assertThat(both.error().status()).isEqualTo(400);
        assertThat(both.error().message()).contains("provider.data_collection").contains("provider.zdr")
                .contains("testlab/leaky:keeper").contains("testlab/leaky:careful");
    }

    @Test
    void onlyACompliantButUnconfiguredEndpointLeftIsA503ThatSaysSo() {
        ProxyException e = catchThrowableOfType(ProxyException.class,
                () -> planner.plan(privacy("testlab/open", true, true), HELLO));
        assertThat(e.error().type()).isEqualTo(ProxyErrorType.UNAVAILABLE);
        assertThat(e.error().message()).contains("(offline)").contains("testlab/open:keeper (its provider may "
                + "retain or train on prompts (provider.data_collection: \"deny\"))");
    }

    @Test
    void fallbackModelsAreFilteredToo() {
        RoutingRequest base = privacy("testlab/leaky", false, true);
        RoutingRequest withFallback = new RoutingRequest(base.model(), List.of("testlab/private"), base.order(),
                base.only(), base.ignore(), true, null, null, null, false, List.of(), null, null, false, true, true);
        RoutePlan plan = planner.plan(withFallback, HELLO);
        assertThat(plan.candidates()).extracting(c -> c.endpoint().slug()).containsExactly("testlab/private:vault");
    }
}
