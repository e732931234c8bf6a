package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The control API under /_sim, over plain HTTP. */
class SimControlApiTest {

    private static SimTestServer sim;

    @BeforeAll
    static void start() {
        sim = new SimTestServer(SimConfig.defaults().withSeed(SimTestServer.SEED)
                .withDefaultProfile(SimTestServer.FAST).withProfile("ctl-boot", SimTestServer.FAST));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static HttpResponse<String> chat(String model) {
        return sim.post("/v1/chat/completions", Map.of("authorization", "Bearer " + SimTestServer.KEY),
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
    }

    @Test
    void putChangesBehaviourAndDeleteRestoresTheStartUpProfiles() {
        assertThat(chat("ctl-switch").statusCode()).isEqualTo(200);

        HttpResponse<String> put = sim.send("PUT", "/_sim/profiles/ctl-switch", "{\"unavailableRate\":1}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(sim.json(put).path("unavailableRate").asDouble()).isEqualTo(1.0);
        // fields not given come from the default profile in force
        assertThat(sim.json(put).path("ttftMs").asDouble()).isEqualTo(SimTestServer.FAST.ttftMs());
        assertThat(chat("ctl-switch").statusCode()).isEqualTo(503);

        JsonNode profiles = sim.json(sim.send("GET", "/_sim/profiles", null));
        assertThat(profiles.path("*").path("ttftMs").asDouble()).isEqualTo(SimTestServer.FAST.ttftMs());
        assertThat(profiles.path("ctl-switch").path("unavailableRate").asDouble()).isEqualTo(1.0);

        JsonNode reset = sim.json(sim.send("DELETE", "/_sim/profiles", null));
        assertThat(reset.has("ctl-switch")).isFalse();
        assertThat(reset.has("ctl-boot")).isTrue();
        assertThat(chat("ctl-switch").statusCode()).isEqualTo(200);

        JsonNode counters = sim.awaitRequests("ctl-switch", c -> c.path("completed").asLong() >= 2,
                java.time.Duration.ofSeconds(5));
        assertThat(counters.path("received").asLong()).isEqualTo(3);
        assertThat(counters.path("completed").asLong()).isEqualTo(2);
        assertThat(counters.path("errors").path("unavailable").asLong()).isEqualTo(1);
    }

    @Test
    void modelIdsWithSlashesAndTheDefaultProfile() {
        HttpResponse<String> put = sim.send("PUT", "/_sim/profiles/meta-llama/Llama-3.3-70B", "{\"hangRate\":0}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(sim.json(sim.send("GET", "/_sim/profiles", null)).has("meta-llama/Llama-3.3-70B")).isTrue();
        assertThat(sim.send("DELETE", "/_sim/profiles/meta-llama%2FLlama-3.3-70B", null).statusCode()).isEqualTo(200);
        assertThat(sim.send("DELETE", "/_sim/profiles/meta-llama/Llama-3.3-70B", null).statusCode()).isEqualTo(404);

        SimProfile before = sim.server.runtime().profiles().snapshot().defaultProfile();
        assertThat(sim.send("PUT", "/_sim/profiles/*", "{\"outputTokens\":3,\"outputTokensSpread\":0}").statusCode())
                .isEqualTo(200);
        assertThat(sim.json(chat("ctl-default")).path("usage").path("completion_tokens").asInt()).isEqualTo(3);
        sim.server.runtime().profiles().put(SimProfiles.DEFAULT_KEY, before);
    }

    @Test
    void invalidProfilesAreRefusedWithTheReason() {
        HttpResponse<String> unknown = sim.send("PUT", "/_sim/profiles/ctl-bad", "{\"latency\":5}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(sim.json(unknown).path("error").path("message").asText()).contains("unknown profile field 'latency'");

        HttpResponse<String> outOfRange = sim.send("PUT", "/_sim/profiles/ctl-bad", "{\"hangRate\":2}");
        assertThat(outOfRange.statusCode()).isEqualTo(400);
        assertThat(sim.send("PUT", "/_sim/profiles/ctl-bad", "not json").statusCode()).isEqualTo(400);
        assertThat(sim.json(sim.send("GET", "/_sim/profiles", null)).has("ctl-bad")).isFalse();
    }

    @Test
    void resetRestartsEveryModelsSequence() {
        String first = sim.json(chat("ctl-seq")).path("choices").path(0).path("message").path("content").asText();
        String second = sim.json(chat("ctl-seq")).path("choices").path(0).path("message").path("content").asText();
        assertThat(second).isNotEqualTo(first);

        assertThat(sim.send("POST", "/_sim/reset", null).statusCode()).isEqualTo(200);
        assertThat(sim.json(sim.send("GET", "/_sim/requests", null)).has("ctl-seq")).isFalse();
        String again = sim.json(chat("ctl-seq")).path("choices").path(0).path("message").path("content").asText();
        assertThat(again).isEqualTo(first);
    }
}
