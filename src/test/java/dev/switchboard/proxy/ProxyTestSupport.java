package dev.switchboard.proxy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.switchboard.sim.SimCounters;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimRuntime;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.usage.GenerationLog;
import dev.switchboard.usage.GenerationRecord;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What the proxy tests share: the app's base URL, a plain HTTP client for raw requests, the official SDKs' clients,
 * and the in-app simulator's
 * profiles and counters (profiles are keyed by upstream model id, so each route-lab endpoint is tuned on its own).
 */
public final class ProxyTestSupport {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String KEY = SwitchboardTestProfile.MASTER_KEY;
    /** Quick and clean: a few ms to the first token, fast decode, no faults. */
    public static final SimProfile QUICK = SimProfile.builder().ttftMs(3).ttftSpread(0.1).tokensPerSecond(4000)
            .outputTokens(16).outputTokensSpread(0.1).build();

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ProxyTestSupport() {
    }

    public static SimRuntime sim(SimulatorLauncher launcher) {
        return launcher.server().runtime();
    }

    public static void profile(SimulatorLauncher launcher, String upstreamModel, SimProfile profile) {
        sim(launcher).profiles().put(upstreamModel, profile);
    }

    public static SimCounters.ModelStats counters(SimulatorLauncher launcher, String upstreamModel) {
        return sim(launcher).counters().get(upstreamModel);
    }

    public static long received(SimulatorLauncher launcher, String upstreamModel) {
        SimCounters.ModelStats stats = counters(launcher, upstreamModel);
        return stats == null ? 0 : stats.received();
    }

    public static HttpResponse<String> post(String base, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    public static HttpResponse<String> get(String base, String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static HttpResponse<String> openAi(String base, String body) {
        return post(base, "/v1/chat/completions", body, Map.of("authorization", "Bearer " + KEY));
    }

    public static HttpResponse<String> anthropic(String base, String body) {
        return post(base, "/v1/messages", body, Map.of("x-api-key", KEY, "anthropic-version", "2023-06-01"));
    }

    /** The official OpenAI SDK on the gateway at {@code base}; it retries nothing, so a test sees every answer. */
    public static OpenAIClient openAiSdk(String base, String key) {
        return OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    /** The official Anthropic SDK on the gateway at {@code base}; it retries nothing, so a test sees every answer. */
    public static AnthropicClient anthropicSdk(String base, String key) {
        return AnthropicOkHttpClient.builder().baseUrl(base).apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** The generation as the log holds it, once the proxy has recorded it (it does so after the last byte). */
    public static GenerationRecord generation(GenerationLog log, String id) {
        awaitTrue(() -> log.find(id).isPresent(), "generation " + id + " recorded");
        return log.find(id).orElseThrow();
    }

    /** Polls a condition the app reaches on its own threads; fails after 10 s. No fixed sleeps. */
    public static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
