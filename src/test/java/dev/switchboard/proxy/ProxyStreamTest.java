package dev.switchboard.proxy;

import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimCounters;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.GenerationLog;
import dev.switchboard.usage.GenerationRecord;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.switchboard.proxy.ProxyTestSupport.KEY;
import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams through the proxy over raw HTTP: fail-over before the first byte, a protocol-correct error event (never a
 * clean end) when the upstream breaks after it, and the caller's disconnect cancelling the upstream call.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxyStreamTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    @Inject
    GenerationLog generations;

    String base;

    @BeforeEach
    void reset() {
        base = root.toString().replaceAll("/$", "");
        health.reset();
        for (String model : List.of("solo-oa", "spare-an", "trio-oa", "trio-an", "trio-bk")) {
            ProxyTestSupport.profile(simulator, model, QUICK);
        }
    }

    private static String stream(String model) {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":400,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    @Test
    void aStreamFailsOverBeforeItsFirstByte() {
        ProxyTestSupport.profile(simulator, "trio-oa", QUICK.toBuilder().unavailableRate(1).build());
        HttpResponse<String> response = ProxyTestSupport.openAi(base, stream(TestCatalog.TRIO));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-provider")).contains("route-anthropic");
        assertThat(response.body()).contains("\"provider\":\"route-anthropic\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void anAbortAfterTheFirstByteEndsWithAnErrorEventAndIsRecorded() {
        ProxyTestSupport.profile(simulator, "solo-oa", QUICK.toBuilder().outputTokens(200).abortRate(1).build());
        HttpResponse<String> response = ProxyTestSupport.openAi(base, stream(TestCatalog.SOLO));
        for (int i = 0; i < 8 && response.statusCode() != 200; i++) {
            // aborted at the very first chunk: failed before the first byte, retried here until one aborts later
            health.reset();
            response = ProxyTestSupport.openAi(base, stream(TestCatalog.SOLO));
        }
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"error\"").doesNotContain("[DONE]");
        GenerationRecord generation = ProxyTestSupport.generation(generations,
                response.headers().firstValue("x-switchboard-generation-id").orElseThrow());
        assertThat(generation.status()).isEqualTo("error");
        assertThat(generation.attempts()).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isIn("stream_error", "connection"));
    }

    @Test
    void anAnthropicStreamBrokenMidwayEndsWithAnErrorEvent() {
        ProxyTestSupport.profile(simulator, "spare-an", QUICK.toBuilder().outputTokens(200).midStreamErrorRate(1)
                .build());
        // the simulator breaks the stream at a random chunk: at the first one, nothing has gone to the caller yet
        // and the answer is an error status (the only provider failed); later, the stream ends with an error event
        int brokenAfterFirstByte = 0;
        for (int i = 0; i < 8; i++) {
            health.reset();
            HttpResponse<String> response = ProxyTestSupport.anthropic(base, "{\"model\":\"" + TestCatalog.SPARE
                    + "\",\"stream\":true,\"max_tokens\":400,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            if (response.statusCode() == 200) {
                brokenAfterFirstByte++;
                assertThat(response.body()).contains("event: error").doesNotContain("event: message_stop");
            } else {
                assertThat(response.statusCode()).isIn(502, 503);
                assertThat(ProxyTestSupport.json(response).path("type").asText()).isEqualTo("error");
            }
        }
        assertThat(brokenAfterFirstByte).isPositive();
    }

    @Test
    void theCallersDisconnectCancelsTheUpstreamCall() throws Exception {
        // slow enough that the stream is still running when the caller leaves
        ProxyTestSupport.profile(simulator, "solo-oa", QUICK.toBuilder().tokensPerSecond(20).outputTokens(400)
                .outputTokensSpread(0).build());
        long cancelledBefore = cancelled();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(stream(TestCatalog.SOLO))).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null && !line.contains("\"content\":\"")) {
                // read until the first content chunk has arrived
            }
            assertThat(line).isNotNull();
        }
        client.shutdownNow();
        ProxyTestSupport.awaitTrue(() -> cancelled() > cancelledBefore, "the simulator sees the cancel");
    }

    @Test
    void aSlowFirstTokenGetsKeepAlivesBeforeItsFirstChunk() {
        // the test profile sends a keep-alive after 300 ms of silence; this first token takes about 1.2 s
        ProxyTestSupport.profile(simulator, "solo-oa", QUICK.toBuilder().ttftMs(1200).ttftSpread(0).build());
        HttpResponse<String> response = ProxyTestSupport.openAi(base, stream(TestCatalog.SOLO));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith(": keep-alive\n\n").contains("\"content\":").endsWith("[DONE]\n\n");
    }

    @Test
    void chunksLeaveAsTheyArriveOnBothPaths() throws Exception {
        // 60 tokens at 30 tokens/s: two seconds of stream; the first content must reach the caller long before the
        // simulator has sent its last chunk, on the pass-through path (OpenAI to OpenAI) and the translated one
        for (String[] path : new String[][] {{"/v1/chat/completions", TestCatalog.SOLO, "solo-oa", "\"content\":\""},
                {"/v1/messages", TestCatalog.SOLO, "solo-oa", "text_delta"},
                {"/v1/messages", TestCatalog.SPARE, "spare-an", "text_delta"}}) {
            ProxyTestSupport.profile(simulator, path[2], QUICK.toBuilder().tokensPerSecond(30).outputTokens(60)
                    .outputTokensSpread(0).build());
            long completedBefore = completed(path[2]);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path[0]))
                    .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + path[1] + "\",\"stream\":true,"
                            + "\"max_tokens\":400,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")).build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null && !line.contains(path[3])) {
                    // until the first content
                }
                assertThat(line).as(path[0] + " " + path[1]).isNotNull();
                assertThat(completed(path[2])).as("the upstream is still streaming").isEqualTo(completedBefore);
                while (reader.readLine() != null) {
                    // drain: the stream completes normally
                }
            }
            ProxyTestSupport.awaitTrue(() -> completed(path[2]) > completedBefore, "the stream completed");
        }
    }

    private long completed(String model) {
        SimCounters.ModelStats stats = ProxyTestSupport.counters(simulator, model);
        return stats == null ? 0 : stats.completed();
    }

    private long cancelled() {
        SimCounters.ModelStats stats = ProxyTestSupport.counters(simulator, "solo-oa");
        return stats == null ? 0 : stats.cancelled();
    }

}
