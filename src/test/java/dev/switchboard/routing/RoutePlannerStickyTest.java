package dev.switchboard.routing;

import dev.switchboard.llm.ChatRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.switchboard.routing.RoutePlannerTest.ALPHA;
import static dev.switchboard.routing.RoutePlannerTest.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stickiness in the planner, over RoutePlannerTest's catalog (named RoutePlanner* so the routing test selection runs
 * it): testlab/alpha's default order is vendor (original), fast (200 ms), cheap (no data); endpoints 1, 2, 3.
 */
class RoutePlannerStickyTest {

    final RoutePlannerTest fixture = new RoutePlannerTest();
    static final ChatRequest HELLO = RoutePlannerTest.HELLO;

    static StickySession lastServedBy(long endpointId) {
        return new StickySession("session", endpointId);
    }

    List<String> providers(RoutingRequest routing, StickySession session) {
        return fixture.planner.plan(routing, HELLO, session).candidates().stream()
                .map(c -> c.endpoint().provider().slug()).toList();
    }

    @Test
    void theSessionsEndpointGoesFirstOverTheDefaultOrder() {
        RoutingRequest plain = RoutingRequest.of(ALPHA);
        assertThat(providers(plain, StickySession.NONE)).containsExactly("vendor", "fast", "cheap");
        assertThat(providers(plain, lastServedBy(3))).containsExactly("cheap", "vendor", "fast");
        RoutePlan plan = fixture.planner.plan(plain, HELLO, lastServedBy(2));
        assertThat(plan.stuck()).isTrue();
        assertThat(plan.session()).isEqualTo(lastServedBy(2));
        assertThat(fixture.planner.plan(plain, HELLO, new StickySession("session", null)).stuck()).isFalse();
    }

    @Test
    void explicitOrderSortAndPinBeatStickiness() {
        assertThat(providers(with(ALPHA, o -> o.sort(RouteSort.PRICE)), lastServedBy(1)))
                .containsExactly("cheap", "fast", "vendor");
        assertThat(providers(with(ALPHA, o -> o.order("fast")), lastServedBy(3)).getFirst()).isEqualTo("fast");
        assertThat(providers(RoutingRequest.of(ALPHA + ":vendor"), lastServedBy(3))).containsExactly("vendor");
        assertThat(providers(RoutingRequest.of(ALPHA + ":floor"), lastServedBy(1)).getFirst()).isEqualTo("cheap");
    }

    @Test
    void anUnhealthyOrExcludedEndpointIsNotStuckTo() {
        for (EndpointHealth.State state : List.of(EndpointHealth.State.OPEN, EndpointHealth.State.COOLING_DOWN,
                EndpointHealth.State.HALF_OPEN)) {
            fixture.states.put(3L, state);
            RoutePlan plan = fixture.planner.plan(RoutingRequest.of(ALPHA), HELLO, lastServedBy(3));
            assertThat(plan.stuck()).as(state.name()).isFalse();
            assertThat(plan.candidates().getFirst().endpoint().provider().slug()).isEqualTo("vendor");
        }
        fixture.states.clear();
        assertThat(providers(with(ALPHA, o -> o.ignore("cheap")), lastServedBy(3)))
                .containsExactly("vendor", "fast");
    }

    @Test
    void aSessionsEndpointMissingTheCallersPreferenceIsNotStuckTo() {
        // within 500 ms: fast meets it, vendor (800 ms) does not
        assertThat(providers(with(ALPHA, o -> o.maxLatencyMs(500)), lastServedBy(1)).getFirst()).isEqualTo("fast");
        assertThat(providers(with(ALPHA, o -> o.maxLatencyMs(500)), lastServedBy(2)).getFirst()).isEqualTo("fast");
    }
}
