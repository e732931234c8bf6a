package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.http.SseParser;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SimProfileOverrides;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;

import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When rate limits hold back every candidate (each answered 429, or is still cooling down after one) the caller
 * hears a 429 in its protocol with the Retry-After of the soonest candidate, not a 503: a client's rate-limit
 * handling then waits the right time, and a call during the cool-down does not reach the upstream at all.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxyCoolDownTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    private String base;
    private SimProfileOverrides profiles;

    @BeforeEach
    void setUp() {
        base = root.toString().replaceAll("/$", "");
        health.reset();
        profiles = new SimProfileOverrides(ProxyTestSupport.sim(simulator).profiles());
    }

    @AfterEach
    void tearDown() {
        profiles.close();
        health.reset();
    }

    @Test
    void everyCandidateRateLimitedThenCoolingDownIsA429WithTheSoonestRetryAfter() {
        profiles.put("chaos-oa", QUICK.toBuilder().rateLimitedRate(1).retryAfterSeconds(30).build());
        profiles.put("chaos-an", QUICK.toBuilder().rateLimitedRate(1).retryAfterSeconds(7).build());

        HttpResponse<String> tried = openAi(TestCatalog.CHAOS, false);
        assertRateLimitedOpenAi(tried, 7);
        assertThat(tried.body()).contains("route-openai: 429").contains("route-anthropic: 429");
        long oa = ProxyTestSupport.received(simulator, "chaos-oa");
        long an = ProxyTestSupport.received(simulator, "chaos-an");

        // both cool down now: no upstream call, still a 429 (it was a 503), in each protocol, streamed or not
        HttpResponse<String> cooling = openAi(TestCatalog.CHAOS, true);
        assertRateLimitedOpenAi(cooling, 7);
        assertThat(cooling.body()).contains("cooling down").contains("route-openai: not tried, cooling down");
        HttpResponse<String> anthropic = anthropic(TestCatalog.CHAOS, false);
        assertRateLimitedAnthropic(anthropic, 7);
        HttpResponse<String> anthropicStream = anthropic(TestCatalog.CHAOS, true);
        assertRateLimitedAnthropic(anthropicStream, 7);
        assertThat(ProxyTestSupport.received(simulator, "chaos-oa")).isEqualTo(oa);
        assertThat(ProxyTestSupport.received(simulator, "chaos-an")).isEqualTo(an);
    }

    @Test
    void a429WithoutRetryAfterStillSaysWhenItsCoolDownEnds() {
        profiles.put("chaos-solo", QUICK.toBuilder().rateLimitedNoRetryAfterRate(1).build());
        // the breaker's default cool-down (switchboard.routing.circuit.default-cool-down, 1 s)
        assertRateLimitedOpenAi(openAi(TestCatalog.CHAOS_SOLO, false), 1);
        assertRateLimitedAnthropic(anthropic(TestCatalog.CHAOS_SOLO, true), 1);
    }

    private HttpResponse<String> openAi(String model, boolean stream) {
        return ProxyTestSupport.openAi(base, "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    }

    private HttpResponse<String> anthropic(String model, boolean stream) {
        return ProxyTestSupport.anthropic(base, "{\"model\":\"" + model + "\",\"max_tokens\":32,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    }

    private static void assertRateLimitedOpenAi(HttpResponse<String> response, int maxRetryAfter) {
        assertRetryAfter(response, maxRetryAfter);
        JsonNode error = ProxyTestSupport.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("message").asText()).contains("Retry after");
    }

    private static void assertRateLimitedAnthropic(HttpResponse<String> response, int maxRetryAfter) {
        assertRetryAfter(response, maxRetryAfter);
        JsonNode json = ProxyTestSupport.json(response);
        assertThat(json.path("type").asText()).isEqualTo("error");
        assertThat(json.path("error").path("type").asText()).isEqualTo("rate_limit_error");
    }

    /** A 429 before any stream began (no event stream, no clean end) whose Retry-After is 1..max seconds. */
    private static void assertRetryAfter(HttpResponse<String> response, int max) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
        assertThat(SseParser.parseAll(response.body())).isEmpty();
        assertThat(response.headers().firstValue("retry-after")).as("Retry-After").get()
                .satisfies(v -> assertThat(Integer.parseInt(v)).isBetween(1, max));
    }
}
