package dev.switchboard.proxy;

import dev.switchboard.catalog.CatalogService;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.routing.StickySessions;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.stats.RollupJob;
import dev.switchboard.stats.Sample;
import dev.switchboard.stats.SampleOutcome;
import dev.switchboard.stats.SampleRecorder;
import dev.switchboard.stats.StatsSnapshot;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static dev.switchboard.proxy.ProxyTestSupport.KEY;
import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cache-aware stickiness through the running proxy. routelab/sticky has two providers and no original vendor, so its
 * default order is recent TTFT alone; the test seeds samples to flip that order and shows a session staying put
 * while requests without one move, then moving when its provider fails and staying on the new one.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxyStickyTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    @Inject
    SampleRecorder samples;

    @Inject
    RollupJob rollup;

    @Inject
    StatsSnapshot snapshot;

    @Inject
    CatalogService catalog;

    @Inject
    StickySessions sticky;

    static final String OA = "route-openai";
    static final String AN = "route-anthropic";

    private String base() {
        return root.toString().replaceAll("/$", "");
    }

    private long endpointIdOf(String upstream) {
        return catalog.current().endpoints().stream().filter(e -> e.upstreamId().equals(upstream)).findFirst()
                .orElseThrow().id();
    }

    /** Enough samples at one TTFT that what the test's own calls add cannot move the median. */
    private void seed(String upstream, int ttftMs, int count, Instant at) {
        long endpoint = endpointIdOf(upstream);
        for (int i = 0; i < count; i++) {
            samples.record(new Sample(endpoint, at.plusMillis(i), Sample.Source.TRAFFIC, SampleOutcome.OK, 200,
                    ttftMs, ttftMs + 500, 20, 100, 100.0, 50.0));
        }
    }

    private void publishStats() {
        samples.flush();
        rollup.runOnce();
        snapshot.refresh();
    }

    private String servedBy(String sessionId) {
        Map<String, String> headers = new HashMap<>(Map.of("authorization", "Bearer " + KEY));
        if (sessionId != null) {
            headers.put("x-session-id", sessionId);
        }
        HttpResponse<String> response = ProxyTestSupport.post(base(), "/v1/chat/completions", "{\"model\":\""
                + TestCatalog.STICKY + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("x-switchboard-provider").orElseThrow();
    }

    @Test
    void aSessionStaysOnItsProviderWhileTheDefaultOrderMovesAndMovesOnlyWhenItFails() {
        health.reset();
        ProxyTestSupport.profile(simulator, "sticky-oa", QUICK);
        ProxyTestSupport.profile(simulator, "sticky-an", QUICK);
        Instant at = Instant.now().minusSeconds(20);
        // route-openai quicker to start: the default order puts it first
        seed("sticky-oa", 100, 400, at);
        seed("sticky-an", 500, 400, at.plusSeconds(1));
        publishStats();
        assertThat(servedBy(null)).isEqualTo(OA);
        String session = "conversation-" + System.nanoTime();
        assertThat(servedBy(session)).as("the session's first call takes the default order").isEqualTo(OA);

        // now route-openai is the slow one: the default order flips to route-anthropic
        seed("sticky-oa", 5000, 1200, at.plusSeconds(2));
        publishStats();
        for (int i = 0; i < 10; i++) {
            assertThat(servedBy(null)).as("without a session, call %d follows the new order", i).isEqualTo(AN);
            assertThat(servedBy(session)).as("with the session, call %d stays", i).isEqualTo(OA);
        }

        // route-openai fails: the session's call fails over to route-anthropic, which then keeps it
        ProxyTestSupport.profile(simulator, "sticky-oa", QUICK.toBuilder().serverErrorRate(1).build());
        long failedBefore = ProxyTestSupport.counters(simulator, "sticky-oa").received();
        assertThat(servedBy(session)).isEqualTo(AN);
        assertThat(ProxyTestSupport.counters(simulator, "sticky-oa").received()).as("route-openai was tried first")
                .isEqualTo(failedBefore + 1);
        ProxyTestSupport.profile(simulator, "sticky-oa", QUICK);
        // and route-anthropic becomes the slow one: the default order goes back to route-openai
        seed("sticky-an", 20000, 4000, at.plusSeconds(4));
        publishStats();
        assertThat(health.state(endpointIdOf("sticky-oa"))).isEqualTo(EndpointHealth.State.HEALTHY);
        for (int i = 0; i < 5; i++) {
            assertThat(servedBy(null)).isEqualTo(OA);
            assertThat(servedBy(session)).as("the session stays on the provider it moved to").isEqualTo(AN);
        }
        assertThat(servedBy(session + "-other")).as("another session takes the default order").isEqualTo(OA);
    }

    @Test
    void explicitOptionsBeatTheSessionAndStickyFalseOptsOut() {
        health.reset();
        ProxyTestSupport.profile(simulator, "sticky-oa", QUICK);
        ProxyTestSupport.profile(simulator, "sticky-an", QUICK);
        String session = "pinned-" + System.nanoTime();
        Map<String, String> headers = Map.of("authorization", "Bearer " + KEY, "x-session-id", session);
        HttpResponse<String> pinned = ProxyTestSupport.post(base(), "/v1/chat/completions", "{\"model\":\""
                + TestCatalog.STICKY + ":" + AN + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                headers);
        assertThat(pinned.headers().firstValue("x-switchboard-provider")).contains(AN);
        HttpResponse<String> ordered = ProxyTestSupport.post(base(), "/v1/chat/completions", "{\"model\":\""
                + TestCatalog.STICKY + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"provider\":{\"order\":[\"" + OA + "\"]}}", headers);
        assertThat(ordered.headers().firstValue("x-switchboard-provider")).contains(OA);
        // the session was last served by route-openai (by order); sticky:false still takes the request's default
        int before = sticky.size();
        HttpResponse<String> optOut = ProxyTestSupport.post(base(), "/v1/chat/completions", "{\"model\":\""
                + TestCatalog.STICKY + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"provider\":{\"sticky\":false}}", Map.of("authorization", "Bearer " + KEY, "x-session-id",
                session + "-opt-out"));
        assertThat(optOut.statusCode()).isEqualTo(200);
        assertThat(sticky.size()).as("an opted-out request is not remembered").isEqualTo(before);
    }
}
