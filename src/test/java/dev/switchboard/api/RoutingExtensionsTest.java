package dev.switchboard.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.routing.RouteSort;
import dev.switchboard.routing.RoutingRequest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Named RoutingExtensions* so the routing test selection runs it. */
class RoutingExtensionsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static RoutingRequest parse(String json) {
        try {
            return RoutingExtensions.parse((ObjectNode) JSON.readTree(json.replace('\'', '"')));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ProxyError error(String json) {
        ProxyException e = catchThrowableOfType(ProxyException.class, () -> parse(json));
        assertThat(e).as("expected a ProxyException for " + json).isNotNull();
        assertThat(e.error().type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        return e.error();
    }

    @Test
    void justAModelIsEveryDefault() {
        // top-level data_collection is not a routing field (only provider.data_collection is)
        assertThat(parse("{'model':'a/b','data_collection':'deny','provider':{'zdr':null}}"))
                .isEqualTo(RoutingRequest.of("a/b"));
    }

    @Test
    void privacyFiltersAndStickiness() {
        RoutingRequest strict = parse("{'model':'a/b','provider':{'data_collection':'deny','zdr':true,"
                + "'sticky':false}}");
        assertThat(strict.denyDataCollection()).isTrue();
        assertThat(strict.zeroDataRetention()).isTrue();
        assertThat(strict.sticky()).isFalse();
        RoutingRequest lax = parse("{'model':'a/b','provider':{'data_collection':'allow','zdr':false}}");
        assertThat(lax).isEqualTo(RoutingRequest.of("a/b"));
        assertThat(lax.sticky()).isTrue();

        ProxyError collection = error("{'model':'a/b','provider':{'data_collection':'never'}}");
        assertThat(collection.param()).isEqualTo("provider.data_collection");
        assertThat(collection.message()).contains("\"allow\" or \"deny\"").contains("never");
        assertThat(error("{'model':'a/b','provider':{'data_collection':false}}").param())
                .isEqualTo("provider.data_collection");
        ProxyError zdr = error("{'model':'a/b','provider':{'zdr':'yes'}}");
        assertThat(zdr.param()).isEqualTo("provider.zdr");
        assertThat(zdr.message()).contains("true or false");
        assertThat(error("{'model':'a/b','provider':{'sticky':1}}").param()).isEqualTo("provider.sticky");
    }

    @Test
    void modelIsRequiredAndAString() {
        assertThat(error("{}").param()).isEqualTo("model");
        ProxyError wrong = error("{'model':42}");
        assertThat(wrong.param()).isEqualTo("model");
        assertThat(wrong.message()).contains("the number 42");
        assertThat(error("{'model':' '}").param()).isEqualTo("model");
    }

    @Test
    void openRouterProviderObject() {
        RoutingRequest r = parse("""
                {'model':'a/b:floor','provider':{'order':['x','y'],'only':['x','y','z'],'ignore':['w'],
                 'allow_fallbacks':false,'sort':'latency','max_price':{'prompt':1.5,'completion':'4'},
                 'require_parameters':true,'quantizations':['fp8','bf16'],
                 'preferred_max_latency':2,'preferred_min_throughput':{'p90':30,'p75':50}}}""");
        assertThat(r.model()).isEqualTo("a/b:floor");
        assertThat(r.order()).containsExactly("x", "y");
        assertThat(r.only()).containsExactly("x", "y", "z");
        assertThat(r.ignore()).containsExactly("w");
        assertThat(r.allowFallbacks()).isFalse();
        assertThat(r.sort()).isEqualTo(RouteSort.LATENCY);
        assertThat(r.maxPromptPrice()).isEqualByComparingTo("1.5");
        assertThat(r.maxCompletionPrice()).isEqualByComparingTo(new BigDecimal("4"));
        assertThat(r.requireParameters()).isTrue();
        assertThat(r.quantizations()).containsExactly("fp8", "bf16");
        assertThat(r.preferredMaxLatencyMs()).isEqualTo(2000.0);
        assertThat(r.preferredMinThroughput()).as("smallest percentile given").isEqualTo(50.0);
    }

    @Test
    void percentileObjectsPreferP50() {
        RoutingRequest r = parse("{'model':'a/b','provider':{'preferred_max_latency':{'p99':9,'p50':0.5}}}");
        assertThat(r.preferredMaxLatencyMs()).isEqualTo(500.0);
        assertThat(error("{'model':'a/b','provider':{'preferred_max_latency':{}}}").param())
                .isEqualTo("provider.preferred_max_latency");
        assertThat(error("{'model':'a/b','provider':{'preferred_min_throughput':{'p50':'fast'}}}").param())
                .isEqualTo("provider.preferred_min_throughput.p50");
        assertThat(error("{'model':'a/b','provider':{'preferred_max_latency':-1}}").param())
                .isEqualTo("provider.preferred_max_latency");
    }

    @Test
    void sortAsObject() {
        assertThat(parse("{'model':'a/b','provider':{'sort':{'by':'throughput','partition':'none'}}}").sort())
                .isEqualTo(RouteSort.THROUGHPUT);
        assertThat(error("{'model':'a/b','provider':{'sort':{'partition':'none'}}}").param())
                .isEqualTo("provider.sort.by");
    }

    @Test
    void unknownSortValues() {
        ProxyError e = error("{'model':'a/b','provider':{'sort':'cheapest'}}");
        assertThat(e.param()).isEqualTo("provider.sort");
        assertThat(e.message()).contains("\"price\"").contains("\"cheapest\"");
        assertThat(error("{'model':'a/b','provider':{'sort':{'by':'speed'}}}").param()).isEqualTo("provider.sort.by");
    }

    @Test
    void zenMuxOrderIsStrict() {
        RoutingRequest r = parse("{'model':'a/b','provider':{'routing':{'type':'order','providers':['y','x']}}}");
        assertThat(r.order()).containsExactly("y", "x");
        assertThat(r.allowFallbacks()).isFalse();
    }

    @Test
    void zenMuxPriorityIsSort() {
        RoutingRequest r = parse("{'model':'a/b','provider':{'routing':{'type':'priority',"
                + "'primary_factor':'price'}}}");
        assertThat(r.sort()).isEqualTo(RouteSort.PRICE);
        assertThat(r.allowFallbacks()).isTrue();
        assertThat(error("{'model':'a/b','provider':{'routing':{'type':'priority','primary_factor':'cost'}}}")
                .param()).isEqualTo("provider.routing.primary_factor");
        assertThat(error("{'model':'a/b','provider':{'routing':{'type':'priority'}}}").param())
                .isEqualTo("provider.routing.primary_factor");
        assertThat(error("{'model':'a/b','provider':{'routing':{'type':'random'}}}").param())
                .isEqualTo("provider.routing.type");
    }

    @Test
    void legacyStrategyIsZenMuxOrder() {
        RoutingRequest r = parse("{'model':'a/b','provider_routing_strategy':{'type':'specified_providers',"
                + "'providers':['x']}}");
        assertThat(r.order()).containsExactly("x");
        assertThat(r.allowFallbacks()).isFalse();
        assertThat(error("{'model':'a/b','provider_routing_strategy':{'type':'best'}}").param())
                .isEqualTo("provider_routing_strategy.type");
    }

    @Test
    void fallbackModels() {
        assertThat(parse("{'model':'a/b','models':['a/b','c/d','e/f']}").fallbackModels())
                .containsExactly("c/d", "e/f");
        assertThat(parse("{'model':'a/b','models':['c/d'],'provider':{'fallback':'e/f'}}").fallbackModels())
                .containsExactly("c/d", "e/f");
        assertThat(parse("{'model':'a/b','provider':{'fallback':'c/d'}}").fallbackModels()).containsExactly("c/d");
        assertThat(error("{'model':'a/b','models':'c/d'}").param()).isEqualTo("models");
        assertThat(error("{'model':'a/b','models':['c/d', 3]}").param()).isEqualTo("models[1]");
        assertThat(error("{'model':'a/b','provider':{'fallback':['c/d']}}").param()).isEqualTo("provider.fallback");
    }

    @Test
    void wrongTypes() {
        assertThat(error("{'model':'a/b','provider':'openai'}").param()).isEqualTo("provider");
        assertThat(error("{'model':'a/b','provider':{'order':'openai'}}").param()).isEqualTo("provider.order");
        assertThat(error("{'model':'a/b','provider':{'only':[1]}}").param()).isEqualTo("provider.only[0]");
        assertThat(error("{'model':'a/b','provider':{'allow_fallbacks':'no'}}").param())
                .isEqualTo("provider.allow_fallbacks");
        assertThat(error("{'model':'a/b','provider':{'require_parameters':1}}").param())
                .isEqualTo("provider.require_parameters");
        assertThat(error("{'model':'a/b','provider':{'max_price':3}}").param()).isEqualTo("provider.max_price");
        assertThat(error("{'model':'a/b','provider':{'max_price':{'prompt':'cheap'}}}").param())
                .isEqualTo("provider.max_price.prompt");
        assertThat(error("{'model':'a/b','provider':{'quantizations':'fp8'}}").param())
                .isEqualTo("provider.quantizations");
        assertThat(error("{'model':'a/b','provider':{'routing':['order']}}").param()).isEqualTo("provider.routing");
    }

    @Test
    void nullsMeanNotGiven() {
        assertThat(parse("{'model':'a/b','models':null,'provider':{'order':null,'sort':null,'max_price':null,"
                + "'allow_fallbacks':null}}")).isEqualTo(RoutingRequest.of("a/b"));
    }

    @Test
    void negativePrices() {
        ProxyError e = error("{'model':'a/b','provider':{'max_price':{'completion':-0.5}}}");
        assertThat(e.param()).isEqualTo("provider.max_price.completion");
        assertThat(e.message()).contains("negative");
    }

    @Test
    void explicitEmptyProviderLists() {
        assertThat(error("{'model':'a/b','provider':{'order':[]}}").param()).isEqualTo("provider.order");
        assertThat(error("{'model':'a/b','provider':{'only':[]}}").param()).isEqualTo("provider.only");
        assertThat(error("{'model':'a/b','provider':{'routing':{'type':'order','providers':[]}}}").param())
                .isEqualTo("provider.routing.providers");
        assertThat(error("{'model':'a/b','provider':{'routing':{'type':'order'}}}").param())
                .isEqualTo("provider.routing.providers");
        assertThat(parse("{'model':'a/b','provider':{'ignore':[]}}").ignore()).isEmpty();
    }

    @Test
    void contradictions() {
        ProxyError both = error("{'model':'a/b','provider':{'only':['x','y'],'ignore':['y']}}");
        assertThat(both.param()).isEqualTo("provider.ignore");
        assertThat(both.message()).contains("\"y\"");
        assertThat(error("{'model':'a/b','provider':{'order':['x'],'routing':{'type':'order','providers':['y']}}}")
                .param()).isEqualTo("provider.order");
        assertThat(parse("{'model':'a/b','provider':{'order':['x'],'routing':{'type':'order','providers':['x']}}}")
                .order()).containsExactly("x");
        assertThat(error("{'model':'a/b','provider':{'sort':'price','routing':{'type':'priority',"
                + "'primary_factor':'latency'}}}").param()).isEqualTo("provider.sort");
        ProxyError only = error("{'model':'a/b','provider':{'order':['x','y'],'only':['z']}}");
        assertThat(only.param()).isEqualTo("provider.only");
        assertThat(parse("{'model':'a/b','provider':{'order':['x','y'],'only':['y']}}").only()).containsExactly("y");
        assertThat(error("{'model':'a/b','provider':{'order':['x'],'ignore':['x']}}").param())
                .isEqualTo("provider.ignore");
        assertThat(error("{'model':'a/b','provider':{'routing':{'type':'order','providers':['x']}},"
                + "'provider_routing_strategy':{'type':'specified_providers','providers':['y']}}").param())
                .isEqualTo("provider_routing_strategy.providers");
    }

    @Test
    void explicitAllowFallbacksWinsOverZenMuxOrder() {
        assertThat(parse("{'model':'a/b','provider':{'allow_fallbacks':true,'routing':{'type':'order',"
                + "'providers':['x']}}}").allowFallbacks()).isTrue();
    }

    @Test
    void duplicatesInListsCollapse() {
        assertThat(parse("{'model':'a/b','provider':{'order':['x','x','y']}}").order()).isEqualTo(List.of("x", "y"));
    }
}
