package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.proxy.ProxyTestSupport;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.usage.ApiKeyService;
import dev.switchboard.usage.CreatedKey;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real proxied chat calls under fresh gateway keys, for the tests of what the usage API and pages report: the keys,
 * the tokens the answers counted, and a wait until the generation log (written through a batched buffer) holds them.
 */
public final class KeyTraffic {

    private static final String BODY = "{\"model\":\"" + TestCatalog.SOLO + "\",\"max_tokens\":50,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** Two keys and what the first one's calls used (the second one's are only counted). */
    public record TwoKeys(CreatedKey first, CreatedKey second, long firstInputTokens, long firstOutputTokens) {
    }

    private KeyTraffic() {
    }

    /**
     * Creates keys {@code firstName} and {@code secondName}, makes {@code firstCalls} and {@code secondCalls} chat
     * calls on {@link TestCatalog#SOLO} with them, and returns once the usage API counts them all.
     */
    public static TwoKeys twoKeys(String base, SimulatorLauncher simulator, ApiKeyService keys, String firstName,
                                  int firstCalls, String secondName, int secondCalls) {
        ProxyTestSupport.profile(simulator, "solo-oa", ProxyTestSupport.QUICK);
        CreatedKey first = keys.create(firstName);
        CreatedKey second = keys.create(secondName);
        long input = 0;
        long output = 0;
        for (int i = 0; i < firstCalls; i++) {
            JsonNode usage = chat(base, first.key()).path("usage");
            input += usage.path("prompt_tokens").asLong();
            output += usage.path("completion_tokens").asLong();
        }
        for (int i = 0; i < secondCalls; i++) {
            chat(base, second.key());
        }
        // generations reach the table with the buffer's next flush
        ProxyTestSupport.awaitTrue(() -> allTimeRequests(first.key()) == firstCalls
                && allTimeRequests(second.key()) == secondCalls, "usage of both keys written");
        return new TwoKeys(first, second, input, output);
    }

    private static JsonNode chat(String base, String key) {
        HttpResponse<String> response = ProxyTestSupport.post(base, "/v1/chat/completions", BODY,
                Map.of("authorization", "Bearer " + key));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return ProxyTestSupport.json(response);
    }

    private static long allTimeRequests(String key) {
        return given().header("x-api-key", key).get("/api/v1/key").then().statusCode(200).extract().jsonPath()
                .getLong("data.usage.all_time.requests");
    }
}
