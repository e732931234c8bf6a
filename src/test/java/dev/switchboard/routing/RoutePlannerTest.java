package dev.switchboard.routing;

import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.ProxyException;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.catalog.ProviderStatus;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.Role;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.stats.Distribution;
import dev.switchboard.stats.EndpointStats;
import dev.switchboard.stats.Uptime;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The planner over a hand-built catalog. testlab/alpha has four endpoints chosen so every option has a known answer:
 * <pre>
 *   provider  price in/out (blended)  ttft p50  decode p50  max out  quant  params
 *   vendor    3 / 15   (6)            800 ms    50 tok/s    8000     -      tools, tool_choice, temperature, max_tokens
 *   fast      2 / 10   (4)            200 ms    150 tok/s   4000     fp8    tools, temperature, max_tokens, seed
 *   cheap     0.5 / 1  (0.625)        no data   no data     16000    bf16   temperature, max_tokens
 *   off       0.1/0.1                 (not configured)
 * </pre>
 * testlab/beta (takes images) is served by vendor and solo; testlab/dark only by off.
 */
class RoutePlannerTest {

    static final CatalogProvider VENDOR = provider("vendor", ProviderStatus.LIVE);
    static final CatalogProvider FAST = provider("fast", ProviderStatus.LIVE);
    static final CatalogProvider CHEAP = provider("cheap", ProviderStatus.SIMULATED);
    static final CatalogProvider OFF = provider("off", ProviderStatus.NOT_CONFIGURED);
    static final CatalogProvider SOLO = provider("solo", ProviderStatus.LIVE);

    static final String ALPHA = "testlab/alpha";
    static final String BETA = "testlab/beta";

    static final Catalog CATALOG = new Catalog(List.of(
            model(ALPHA, List.of("text"), List.of("alpha"),
                    endpoint(1, ALPHA, VENDOR, "3", "15", 8000, null, true, "tools", "tool_choice", "temperature",
                            "max_tokens"),
                    endpoint(2, ALPHA, FAST, "2", "10", 4000, "fp8", false, "tools", "temperature", "max_tokens",
                            "seed"),
                    endpoint(3, ALPHA, CHEAP, "0.5", "1", 16000, "bf16", false, "temperature", "max_tokens"),
                    endpoint(4, ALPHA, OFF, "0.1", "0.1", 16000, null, false, "tools")),
            model(BETA, List.of("text", "image"), List.of(),
                    endpoint(10, BETA, VENDOR, "1", "2", 8000, null, true, "tools"),
                    endpoint(11, BETA, SOLO, "2", "2", 8000, null, false, "tools")),
            model("testlab/dark", List.of("text"), List.of(),
                    endpoint(20, "testlab/dark", OFF, "1", "1", 8000, null, true))),
            List.of(VENDOR, FAST, CHEAP, OFF, SOLO), Map.of("testlab", "Test Lab"));

    static final Map<Long, EndpointStats> STATS = Map.of(
            1L, stats(800, 50),
            2L, stats(200, 150));

    final Map<Long, EndpointHealth.State> states = new HashMap<>();
    final RoutePlanner planner = new RoutePlanner(CATALOG, id -> STATS.getOrDefault(id, EndpointStats.NONE),
            id -> states.getOrDefault(id, EndpointHealth.State.HEALTHY));

    static final ChatRequest HELLO = ChatRequest.builder("x").user("hi").build();

    // --- fixtures ---

    static CatalogProvider provider(String slug, ProviderStatus status) {
        return new CatalogProvider(slug, slug, ProviderKind.OPENAI, "https://" + slug, null, null, null, status);
    }

    static CatalogEndpoint endpoint(long id, String model, CatalogProvider p, String in, String out, int maxOut,
                                    String quant, boolean original, String... params) {
        return new CatalogEndpoint(id, model, p, "up-" + id, new Pricing(new BigDecimal(in), new BigDecimal(out),
                null, null), 32000, maxOut, quant, List.of(params), original);
    }

    static CatalogModel model(String slug, List<String> input, List<String> aliases, CatalogEndpoint... endpoints) {
        return new CatalogModel(slug, "testlab", "Test Lab", slug, "", null, 32000, input, List.of("text"), Set.of(),
                aliases, List.of(endpoints));
    }

    static EndpointStats stats(double ttft, double decode) {
        Distribution t = new Distribution(20, ttft, ttft * 1.5);
        Distribution d = new Distribution(20, decode, decode * 1.2);
        return new EndpointStats(t, d, d, Uptime.NONE, Uptime.NONE, Uptime.NONE, Uptime.NONE, t, d, null,
                java.time.Instant.EPOCH);
    }

    static RoutingRequest with(String model, UnaryOperator<Options> options) {
        return options.apply(new Options(model)).build();
    }

    /** A builder over RoutingRequest's many components, for readable tests. */
    static final class Options {
        String model;
        List<String> fallbacks = List.of(), order = List.of(), only = List.of(), ignore = List.of(),
                quantizations = List.of();
        boolean allowFallbacks = true, requireParameters;
        RouteSort sort;
        BigDecimal maxPrompt, maxCompletion;
        Double maxLatencyMs, minThroughput;

        Options(String model) {
            this.model = model;
        }

        Options fallbacks(String... v) { fallbacks = List.of(v); return this; }
        Options order(String... v) { order = List.of(v); return this; }
        Options only(String... v) { only = List.of(v); return this; }
        Options ignore(String... v) { ignore = List.of(v); return this; }
        Options quantizations(String... v) { quantizations = List.of(v); return this; }
        Options noFallbacks() { allowFallbacks = false; return this; }
        Options requireParameters() { requireParameters = true; return this; }
        Options sort(RouteSort v) { sort = v; return this; }
        Options maxPrompt(String v) { maxPrompt = new BigDecimal(v); return this; }
        Options maxCompletion(String v) { maxCompletion = new BigDecimal(v); return this; }
        Options maxLatencyMs(double v) { maxLatencyMs = v; return this; }
        Options minThroughput(double v) { minThroughput = v; return this; }

        RoutingRequest build() {
            return new RoutingRequest(model, fallbacks, order, only, ignore, allowFallbacks, sort, maxPrompt,
                    maxCompletion, requireParameters, quantizations, maxLatencyMs, minThroughput);
        }
    }

    List<String> providers(RoutingRequest routing) {
        return providers(routing, HELLO);
    }

    List<String> providers(RoutingRequest routing, ChatRequest chat) {
        return planner.plan(routing, chat).candidates().stream()
                .map(c -> c.endpoint().provider().slug() + (c.fallbackModel() ? "@" + c.modelSlug() : "")).toList();
    }

    ProxyError error(RoutingRequest routing, ChatRequest chat) {
        ProxyException e = catchThrowableOfType(ProxyException.class, () -> planner.plan(routing, chat));
        assertThat(e).as("expected a ProxyException").isNotNull();
        return e.error();
    }

    static ChatRequest withTools() {
        return ChatRequest.builder("x").user("hi").tools(List.of(new ToolDefinition("f", "d",
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), false)), ToolChoice.AUTO)
                .build();
    }

    static ChatRequest withImage() {
        return ChatRequest.builder("x").message(new ChatMessage(Role.USER, List.of(ContentPart.Text.of("what"),
                ContentPart.Image.fromUrl("https://x/y.png")))).build();
    }

    // --- resolution ---

    @Test
    void defaultOrderIsVendorFirstThenTtftThenNoDataByPrice() {
        RoutePlan plan = planner.plan(RoutingRequest.of(ALPHA), HELLO);
        assertThat(plan.candidates()).extracting(c -> c.endpoint().id()).containsExactly(1L, 2L, 3L);
        assertThat(plan.candidates()).allMatch(c -> !c.fallbackModel() && c.modelSlug().equals(ALPHA));
        assertThat(plan.excluded()).containsExactly(new Exclusion("testlab/alpha:off", "provider not configured"));
    }

    @Test
    void aliasesResolve() {
        assertThat(providers(RoutingRequest.of("alpha"))).containsExactly("vendor", "fast", "cheap");
    }

    @Test
    void unknownModelIs404PointingToTheModelList() {
        ProxyError e = error(RoutingRequest.of("testlab/nope"), HELLO);
        assertThat(e.type()).isEqualTo(ProxyErrorType.NOT_FOUND);
        assertThat(e.message()).contains("testlab/nope").contains("GET /v1/models");
        assertThat(error(with(ALPHA, o -> o.fallbacks("testlab/nope")), HELLO).type())
                .isEqualTo(ProxyErrorType.NOT_FOUND);
        assertThat(error(RoutingRequest.of("testlab/nope:floor"), HELLO).type()).isEqualTo(ProxyErrorType.NOT_FOUND);
    }

    @Test
    void floorAndNitroSuffixesSort() {
        assertThat(providers(RoutingRequest.of(ALPHA + ":floor"))).containsExactly("cheap", "fast", "vendor");
        assertThat(providers(RoutingRequest.of(ALPHA + ":nitro"))).containsExactly("fast", "vendor", "cheap");
        assertThat(providers(with(ALPHA + ":nitro", o -> o.sort(RouteSort.PRICE))))
                .as("an explicit sort wins").containsExactly("cheap", "fast", "vendor");
    }

    @Test
    void providerSuffixPinsButFallbackModelsFollow() {
        assertThat(providers(RoutingRequest.of(ALPHA + ":cheap"))).containsExactly("cheap");
        RoutePlan plan = planner.plan(with(ALPHA + ":cheap", o -> o.fallbacks(BETA)), HELLO);
        assertThat(plan.candidates()).extracting(c -> c.endpoint().id()).containsExactly(3L, 10L, 11L);
        assertThat(plan.excluded()).extracting(Exclusion::reason).contains("not the provider pinned by :cheap");
    }

    @Test
    void suffixErrors() {
        ProxyError unknown = error(RoutingRequest.of(ALPHA + ":nobody"), HELLO);
        assertThat(unknown.type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        assertThat(unknown.message()).contains("\"nobody\"");
        ProxyError notServing = error(RoutingRequest.of(ALPHA + ":solo"), HELLO);
        assertThat(notServing.type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        assertThat(notServing.message()).contains("solo").contains("vendor, fast, cheap, off");
    }

    @Test
    void unknownProviderSlugsAnywhere() {
        assertThat(error(with(ALPHA, o -> o.order("ghost")), HELLO).param()).isEqualTo("provider.order");
        assertThat(error(with(ALPHA, o -> o.only("ghost")), HELLO).param()).isEqualTo("provider.only");
        ProxyError e = error(with(ALPHA, o -> o.ignore("ghost")), HELLO);
        assertThat(e.param()).isEqualTo("provider.ignore");
        assertThat(e.message()).contains("\"ghost\"");
    }

    // --- order ---

    @Test
    void sorts() {
        assertThat(providers(with(ALPHA, o -> o.sort(RouteSort.PRICE)))).containsExactly("cheap", "fast", "vendor");
        assertThat(providers(with(ALPHA, o -> o.sort(RouteSort.LATENCY)))).containsExactly("fast", "vendor", "cheap");
        assertThat(providers(with(ALPHA, o -> o.sort(RouteSort.THROUGHPUT))))
                .containsExactly("fast", "vendor", "cheap");
    }

    @Test
    void explicitOrderFirstThenTheRest() {
        assertThat(providers(with(ALPHA, o -> o.order("cheap", "fast")))).containsExactly("cheap", "fast", "vendor");
        assertThat(providers(with(ALPHA, o -> o.order("cheap")))).containsExactly("cheap", "vendor", "fast");
        assertThat(providers(with(ALPHA, o -> o.order("cheap").sort(RouteSort.PRICE))))
                .as("the rest by the sort").containsExactly("cheap", "fast", "vendor");
    }

    @Test
    void orderWithoutFallbacksIsOnlyThose() {
        RoutePlan plan = planner.plan(with(ALPHA, o -> o.order("cheap", "fast").noFallbacks()), HELLO);
        assertThat(plan.candidates()).extracting(c -> c.endpoint().provider().slug()).containsExactly("cheap", "fast");
        assertThat(plan.excluded()).contains(new Exclusion("testlab/alpha:vendor",
                "not in provider.order, and fallbacks are not allowed"));
    }

    @Test
    void preferredLatencyAndThroughputPartition() {
        assertThat(providers(with(ALPHA, o -> o.maxLatencyMs(500)))).containsExactly("fast", "cheap", "vendor");
        assertThat(providers(with(ALPHA, o -> o.maxLatencyMs(1000)))).containsExactly("vendor", "fast", "cheap");
        assertThat(providers(with(ALPHA, o -> o.minThroughput(100)))).containsExactly("fast", "cheap", "vendor");
        assertThat(providers(with(ALPHA, o -> o.minThroughput(10).maxLatencyMs(500))))
                .containsExactly("fast", "cheap", "vendor");
    }

    @Test
    void unhealthyEndpointsGoLastButStay() {
        states.put(1L, EndpointHealth.State.OPEN);
        assertThat(providers(RoutingRequest.of(ALPHA))).containsExactly("fast", "cheap", "vendor");
        states.put(2L, EndpointHealth.State.COOLING_DOWN);
        assertThat(providers(RoutingRequest.of(ALPHA))).containsExactly("cheap", "vendor", "fast");
        states.put(3L, EndpointHealth.State.HALF_OPEN);
        assertThat(providers(RoutingRequest.of(ALPHA))).as("half-open keeps its place for its trial")
                .containsExactly("cheap", "vendor", "fast");
        assertThat(providers(with(ALPHA, o -> o.order("vendor", "fast"))))
                .as("health outranks an explicit order").containsExactly("cheap", "vendor", "fast");
    }

    // --- filters ---

    @Test
    void onlyAndIgnore() {
        RoutePlan only = planner.plan(with(ALPHA, o -> o.only("cheap", "fast")), HELLO);
        assertThat(only.candidates()).extracting(c -> c.endpoint().provider().slug()).containsExactly("fast", "cheap");
        assertThat(only.excluded()).contains(new Exclusion("testlab/alpha:vendor", "not in provider.only"));
        RoutePlan ignore = planner.plan(with(ALPHA, o -> o.ignore("vendor")), HELLO);
        assertThat(ignore.candidates()).extracting(c -> c.endpoint().provider().slug())
                .containsExactly("fast", "cheap");
        assertThat(ignore.excluded()).contains(new Exclusion("testlab/alpha:vendor", "in provider.ignore"));
    }

    @Test
    void maxPrice() {
        assertThat(providers(with(ALPHA, o -> o.maxPrompt("1")))).containsExactly("cheap");
        assertThat(providers(with(ALPHA, o -> o.maxCompletion("10")))).containsExactly("fast", "cheap");
        assertThat(planner.plan(with(ALPHA, o -> o.maxPrompt("2.5")), HELLO).excluded())
                .contains(new Exclusion("testlab/alpha:vendor", "input price $3/M is above max_price.prompt $2.5/M"));
    }

    @Test
    void quantizations() {
        RoutePlan plan = planner.plan(with(ALPHA, o -> o.quantizations("fp8")), HELLO);
        assertThat(plan.candidates()).extracting(c -> c.endpoint().provider().slug()).containsExactly("fast");
        assertThat(plan.excluded()).extracting(Exclusion::reason)
                .contains("quantization not stated, not one of [fp8]", "quantization bf16, not one of [fp8]");
    }

    @Test
    void toolsNeedToolSupport() {
        assertThat(providers(RoutingRequest.of(ALPHA), withTools())).containsExactly("vendor", "fast");
        ProxyError e = error(with(ALPHA, o -> o.only("cheap")), withTools());
        assertThat(e.type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        assertThat(e.message()).contains("testlab/alpha:cheap (does not support tools)")
                .contains("testlab/alpha:vendor (not in provider.only)");
        assertThat(e.message()).as("mixed reasons: no single headline")
                .startsWith("No provider of testlab/alpha fits this request");
    }

    @Test
    void whenEveryExclusionIsTheSameNeedTheMessageSaysSo() {
        RoutingRequest onlyCheap = with(ALPHA + ":cheap", o -> o);
        ProxyError e = error(onlyCheap, withTools());
        assertThat(e.message()).contains("testlab/alpha:cheap (does not support tools)");
        // a model whose every live endpoint lacks tools
        RoutePlanner noTools = new RoutePlanner(new Catalog(List.of(model("t/m", List.of("text"), List.of(),
                endpoint(1, "t/m", VENDOR, "1", "1", 100, null, true), endpoint(2, "t/m", FAST, "1", "1", 100, null,
                        false))), List.of(VENDOR, FAST), Map.of()), id -> EndpointStats.NONE, HealthView.ALL_HEALTHY);
        ProxyException x = catchThrowableOfType(ProxyException.class,
                () -> noTools.plan(RoutingRequest.of("t/m"), withTools()));
        assertThat(x.error().type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        assertThat(x.getMessage()).startsWith("No provider of t/m supports tools.");
    }

    @Test
    void imagesNeedAModelThatTakesThem() {
        ProxyError e = error(RoutingRequest.of(ALPHA), withImage());
        assertThat(e.type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        assertThat(e.message()).contains("does not accept images");
        assertThat(providers(RoutingRequest.of(BETA), withImage())).containsExactly("vendor", "solo");
        assertThat(providers(with(BETA, o -> o.fallbacks(ALPHA)), withImage()))
                .as("a fallback model without image input is left out").containsExactly("vendor", "solo");
    }

    @Test
    void maxTokensAboveMaxOutput() {
        ChatRequest big = ChatRequest.builder("x").user("hi").maxTokens(5000).build();
        RoutePlan plan = planner.plan(RoutingRequest.of(ALPHA), big);
        assertThat(plan.candidates()).extracting(c -> c.endpoint().provider().slug()).containsExactly("vendor", "cheap");
        assertThat(plan.excluded()).contains(new Exclusion("testlab/alpha:fast",
                "max_tokens 5000 is above its max output of 4000"));
    }

    @Test
    void requireParameters() {
        ChatRequest seeded = ChatRequest.builder("x").user("hi").seed(1).temperature(0.2).build();
        assertThat(providers(RoutingRequest.of(ALPHA), seeded)).as("not required: all")
                .containsExactly("vendor", "fast", "cheap");
        RoutePlan plan = planner.plan(with(ALPHA, Options::requireParameters), seeded);
        assertThat(plan.candidates()).extracting(c -> c.endpoint().provider().slug()).containsExactly("fast");
        assertThat(plan.excluded()).contains(new Exclusion("testlab/alpha:vendor",
                "does not support seed (require_parameters)"));
    }

    // --- fallback models ---

    @Test
    void fallbackModelsFollowUnderTheSameFiltersButNotTheOrder() {
        RoutePlan plan = planner.plan(with(ALPHA, o -> o.fallbacks(BETA, BETA).order("fast").noFallbacks()
                .ignore("solo")), HELLO);
        assertThat(plan.candidates()).extracting(c -> c.endpoint().id()).containsExactly(2L, 10L);
        assertThat(plan.candidates().get(1)).isEqualTo(new Candidate(CATALOG.endpoint(10).orElseThrow(), BETA,
                true));
    }

    @Test
    void fallbackModelsMaySaveARequestWhoseModelHasNoCandidate() {
        assertThat(providers(with("testlab/dark", o -> o.fallbacks(BETA))))
                .containsExactly("vendor@testlab/beta", "solo@testlab/beta");
    }

    // --- nothing left ---

    @Test
    void noConfiguredProviderIs503SayingHowToConfigure() {
        ProxyError e = error(RoutingRequest.of("testlab/dark"), HELLO);
        assertThat(e.type()).isEqualTo(ProxyErrorType.UNAVAILABLE);
        assertThat(e.message()).contains("testlab/dark:off (provider not configured)")
                .contains("switchboard.provider.off.api-key");
    }

    @Test
    void callerFiltersExcludingEverythingIs400() {
        ProxyError e = error(with(ALPHA, o -> o.maxPrompt("0.01")), HELLO);
        assertThat(e.type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        assertThat(e.message()).contains("Considered 4 endpoints for testlab/alpha")
                .contains("testlab/alpha:vendor (input price $3/M is above max_price.prompt $0.01/M)");
    }

    @Test
    void describeIsOneSentence() {
        RoutePlan plan = planner.plan(with(ALPHA, o -> o.ignore("vendor")), HELLO);
        assertThat(plan.describe()).isEqualTo("Considered 4 endpoints for testlab/alpha: candidates in order "
                + "testlab/alpha:fast, testlab/alpha:cheap; excluded testlab/alpha:vendor (in provider.ignore), "
                + "testlab/alpha:off (provider not configured).");
    }
}
