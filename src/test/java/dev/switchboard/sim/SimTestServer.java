package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A simulator on a random port with a fixed seed and a fast default profile (TTFT of a few ms, quick decode), plus a
 * plain HTTP client for raw requests and the control API. One per test class; each test uses its own model ids, so
 * its random sequence and counters are its own.
 */
final class SimTestServer implements AutoCloseable {

    static final long SEED = 20250101L;
    static final String KEY = SimConfig.DEFAULT_API_KEY;
    static final SimProfile FAST = SimProfile.builder().ttftMs(3).ttftSpread(0.2).tokensPerSecond(4000)
            .outputTokens(24).outputTokensSpread(0.2).build();

    final Vertx vertx = Vertx.vertx();
    final SimServer server;
    final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SimTestServer() {
        this(SimConfig.defaults().withSeed(SEED).withDefaultProfile(FAST));
    }

    SimTestServer(SimConfig config) {
        server = new SimServer(vertx, config);
        server.start(0);
        baseUrl = server.baseUrl();
    }

    /** Sets a model's profile directly (the control API is tested on its own). */
    void profile(String model, SimProfile profile) {
        server.runtime().profiles().put(model, profile);
    }

    SimCounters.ModelStats counters(String model) {
        return server.runtime().counters().get(model);
    }

    HttpResponse<String> post(String path, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    HttpResponse<String> send(String method, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").build());
    }

    JsonNode json(HttpResponse<String> response) {
        try {
            return SimRuntime.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** Polls the control API's counters until the condition holds, or fails after the deadline. No fixed sleeps. */
    JsonNode awaitRequests(String model, Predicate<JsonNode> condition, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < end) {
            last = json(send("GET", "/_sim/requests", null)).path(model);
            if (condition.test(last)) {
                return last;
            }
            // a short pause between polls, not a wait for the outcome: the deadline bounds the whole loop
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS)).join();
        }
        throw new AssertionError("counters of " + model + " never matched within " + deadline + "; last: " + last);
    }

    /**
     * The model's counters once {@code completed} reached {@code n}: the simulator counts a request as completed
     * just after its last byte has gone out, so a client may hold the whole answer a moment before the count moves.
     */
    SimCounters.ModelStats awaitCompleted(String model, long n) {
        awaitRequests(model, node -> node.path("completed").asLong() >= n, Duration.ofSeconds(5));
        return counters(model);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        server.stop();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
