package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What every {@link SimProtocol} shares: profiles, the seeded planner, counters, accepted keys, the prompt cache. */
public final class SimRuntime {

    /** The simulator's JSON mapper (plain Jackson: the simulator runs without Quarkus too). */
    public static final ObjectMapper JSON = new ObjectMapper();

    private static final int PROMPT_CACHE_ENTRIES = 16_384;

    private final Vertx vertx;
    private final SimProfiles profiles;
    private final SimCounters counters = new SimCounters();
    private final SimConnections connections = new SimConnections();
    private final SimPlanner planner;
    private final Set<String> apiKeys;
    private final SimGoogleAuth googleAuth;
    private final Map<String, String> awsCredentials;
    private final Map<Long, Boolean> promptCache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > PROMPT_CACHE_ENTRIES;
        }
    };
    private volatile boolean stopping;

    SimRuntime(Vertx vertx, SimConfig config) {
        this.vertx = vertx;
        this.profiles = new SimProfiles(config.defaultProfile(), config.profiles());
        this.planner = new SimPlanner(config.seed());
        this.apiKeys = config.apiKeys();
        this.googleAuth = new SimGoogleAuth(config.googleServiceAccounts());
        this.awsCredentials = config.awsCredentials();
    }

    public Vertx vertx() {
        return vertx;
    }

    /** The API keys the simulated providers accept. */
    public Set<String> apiKeys() {
        return apiKeys;
    }

    public SimProfiles profiles() {
        return profiles;
    }

    public SimCounters counters() {
        return counters;
    }

    /** Connections open and model requests in flight, for leak checks. */
    public SimConnections connections() {
        return connections;
    }

    /** Starts the handling of one request for a model: counts it and watches for the caller leaving. */
    public SimExchange exchange(RoutingContext ctx, String model) {
        return new SimExchange(this, ctx, model);
    }

    /**
     * Counts a request refused before its body was read (a bad or missing key), under the model its body names if it
     * names one, so that a test can see the upstream refused it.
     */
    public void countRefusedBeforeParsing(RoutingContext ctx, String model) {
        String named = model;
        if (named == null) {
            try {
                named = ctx.body().buffer() == null ? ""
                        : JSON.readTree(ctx.body().buffer().getBytes()).path("model").asText("");
            } catch (Exception e) {
                named = "";
            }
        }
        if (!named.isEmpty()) {
            counters.count(named, SimCounters.Event.RECEIVED);
            counters.count(named, SimCounters.Event.REJECTED);
        }
    }

    /** The next plan in this model's seeded sequence, under its profile in force. */
    public SimPlan plan(String model) {
        return planner.plan(model, profiles.forModel(model));
    }

    /**
     * The text of a final assistant message that the answer continues (joined text blocks), noted in the counters for
     * tests; null when the conversation does not end on one. {@code content} is a string or an array of blocks whose
     * text is in {@code textField} (Anthropic's and OpenAI's {@code text}; Converse's blocks are {@code {"text": ...}}).
     */
    public String prefill(String model, JsonNode last, String textField) {
        if (last == null || !last.path("role").asText("").equals("assistant")) {
            return null;
        }
        JsonNode content = last.path("content");
        StringBuilder text = new StringBuilder();
        if (content.isTextual()) {
            text.append(content.asText());
        }
        for (JsonNode block : content.isArray() ? content : JSON.createArrayNode()) {
            if (block.has(textField) && block.get(textField).isTextual()
                    && block.path("type").asText("text").equals("text")) {
                text.append(block.get(textField).asText());
            }
        }
        if (text.isEmpty()) {
            return null;
        }
        counters.prefill(model, text.toString());
        return text.toString();
    }

    public boolean acceptsKey(String key) {
        return key != null && apiKeys.contains(key);
    }

    /** Google's token endpoint and the access tokens it issued (Vertex AI's bearer tokens). */
    public SimGoogleAuth googleAuth() {
        return googleAuth;
    }

    /** The secret access key of a known AWS access key id, or null for an unknown one. */
    public String awsSecret(String accessKeyId) {
        return accessKeyId == null ? null : awsCredentials.get(accessKeyId);
    }

    /**
     * The prompt cache, exact-prefix and bounded like the providers': the prompt is given as its parts in order
     * (tools, system, messages or blocks) and which of them may end a cache entry. Returns the characters read from
     * the cache (the longest cacheable prefix sent to this model before) and written to it (from there to the last
     * cacheable part), and remembers every cacheable prefix.
     */
    public synchronized PromptCacheUse promptCache(String model, List<String> parts, List<Boolean> cacheable) {
        long hash = fnv64(0xcbf29ce484222325L, model);
        int chars = 0;
        int read = 0;
        int lastCacheable = 0;
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            hash = fnv64(hash, parts.get(i));
            chars += parts.get(i).length();
            if (cacheable.get(i)) {
                if (promptCache.containsKey(hash)) {
                    read = chars;
                }
                lastCacheable = chars;
                seen.add(hash);
            }
        }
        seen.forEach(h -> promptCache.put(h, Boolean.TRUE));
        return new PromptCacheUse(read, Math.max(0, lastCacheable - read));
    }

    /** Characters of a prompt read from and written to the prompt cache. */
    public record PromptCacheUse(int readChars, int writtenChars) {
    }

    /** Back to the start: the profiles and counters as at start-up, each model's sequence from its first request. */
    public synchronized void reset() {
        profiles.reset();
        counters.reset();
        planner.restart();
        promptCache.clear();
    }

    /**
     * One model's random sequence from its first request again, whatever it was sent before: a test that counts
     * faults gets the same draws however many requests other tests made to that model.
     */
    public void restartSequence(String model) {
        planner.restart(model);
    }

    boolean stopping() {
        return stopping;
    }

    void stopping(boolean stopping) {
        this.stopping = stopping;
    }

    public static Buffer json(Object value) {
        try {
            return Buffer.buffer(JSON.writeValueAsBytes(value));
        } catch (Exception e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static long fnv64(long h, String s) {
        h ^= s.length();
        h *= 0x100000001b3L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
