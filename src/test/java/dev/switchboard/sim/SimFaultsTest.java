package dev.switchboard.sim;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.http.SseEvent;
import dev.switchboard.providers.http.SseParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault knobs that break the transport or the framing rather than answer with an error: read over a raw socket,
 * byte by byte as they arrive, since an HTTP client would hide what exactly went wrong. Plus the 429 without
 * Retry-After, the 502, the slow drip and {@code GET /_sim/connections}.
 */
class SimFaultsTest {

    private static SimTestServer sim;
    /**
     * Blocking socket reads get a thread of their own: on a 2-core machine the common pool has one thread, which the
     * polls' pauses need.
     */
    private static final java.util.concurrent.ExecutorService READER =
            java.util.concurrent.Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        sim = new SimTestServer();
    }

    @AfterAll
    static void stop() {
        READER.shutdownNow();
        sim.close();
    }

    private static SimProfile fast() {
        return SimTestServer.FAST.toBuilder().outputTokens(8).outputTokensSpread(0).build();
    }

    private static String openAiBody(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    /** What came over the socket before it ended or went silent for {@code silence}. */
    private record Raw(String head, byte[] body, boolean endedByPeer, boolean wentSilent) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Reads until the peer ends, or, once {@code release} is done, until nothing came for {@code silence}: a test
     * that inspects the simulator while a stalled or hung request is open completes {@code release} afterwards.
     */
    private static Raw raw(String path, Map<String, String> headers, String body, Duration silence,
            CompletableFuture<Void> release) {
        try (Socket socket = new Socket("127.0.0.1", sim.server.port())) {
            socket.setSoTimeout((int) silence.toMillis());
            StringBuilder request = new StringBuilder("POST " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                    + "content-type: application/json\r\nconnection: close\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            request.append("content-length: ").append(bytes.length).append("\r\n\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(bytes);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            boolean silent = false;
            boolean ended = false;
            byte[] buffer = new byte[8192];
            while (!ended && !silent) {
                try {
                    int n = in.read(buffer);
                    if (n < 0) {
                        ended = true;
                    } else {
                        all.write(buffer, 0, n);
                    }
                } catch (SocketTimeoutException e) {
                    silent = release.isDone();
                }
            }
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            byte[] rest = split < 0 ? new byte[0] : java.util.Arrays.copyOfRange(all.toByteArray(), split + 4,
                    all.size());
            return new Raw(head, rest, ended, silent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final CompletableFuture<Void> NOW = CompletableFuture.completedFuture(null);

    private static Raw openAi(String model, boolean stream, Duration silence) {
        return openAi(model, stream, silence, NOW);
    }

    private static Raw openAi(String model, boolean stream, Duration silence, CompletableFuture<Void> release) {
        return raw("/v1/chat/completions", Map.of("authorization", "Bearer " + SimTestServer.KEY),
                openAiBody(model, stream), silence, release);
    }

    private static Raw anthropic(String model, boolean stream, Duration silence) {
        return raw("/v1/messages", Map.of("x-api-key", SimTestServer.KEY, "anthropic-version", "2023-06-01"),
                "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", silence, NOW);
    }

    /** The chunked body's payload: the sizes and CRLFs of the chunked coding taken out. */
    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int eol = chunked.indexOf("\r\n", at);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            int end = Math.min(chunked.length(), eol + 2 + size);
            out.append(chunked, eol + 2, end);
            at = end + 2;
        }
        return out.toString();
    }

    @Test
    void aRateLimitWithoutRetryAfterAndABadGatewayComeBeforeAnyWork() {
        sim.profile("flt-429-bare", fast().toBuilder().rateLimitedNoRetryAfterRate(1).build());
        sim.profile("flt-502", fast().toBuilder().badGatewayRate(1).build());
        Map<String, String> auth = Map.of("authorization", "Bearer " + SimTestServer.KEY);
        HttpResponse<String> bare = sim.post("/v1/chat/completions", auth, openAiBody("flt-429-bare", false));
        assertThat(bare.statusCode()).isEqualTo(429);
        assertThat(bare.headers().firstValue("retry-after")).isEmpty();
        assertThat(bare.headers().firstValue("x-ratelimit-reset-requests")).isEmpty();
        assertThat(sim.json(bare).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");

        Raw anthropic429 = anthropic("flt-429-bare", false, Duration.ofSeconds(5));
        assertThat(anthropic429.head()).startsWith("HTTP/1.1 429").doesNotContainIgnoringCase("retry-after");

        HttpResponse<String> badGateway = sim.post("/v1/chat/completions", auth, openAiBody("flt-502", true));
        assertThat(badGateway.statusCode()).isEqualTo(502);
        assertThat(badGateway.headers().firstValue("content-type")).contains("text/html");
        assertThat(badGateway.body()).contains("502 Bad Gateway");
        assertThat(anthropic("flt-502", false, Duration.ofSeconds(5)).head()).startsWith("HTTP/1.1 502");

        SimCounters.ModelStats bareStats = sim.counters("flt-429-bare");
        assertThat(bareStats.errors().rateLimitedNoRetryAfter()).isEqualTo(2);
        assertThat(bareStats.errors().rateLimited()).isZero();
        assertThat(sim.counters("flt-502").errors().badGateway()).isEqualTo(2);
    }

    @Test
    void aResetAfterHeadersSendsTheStatusAndClosesBeforeAnyBodyByte() {
        sim.profile("flt-reset", fast().toBuilder().resetAfterHeadersRate(1).build());
        for (boolean stream : new boolean[] {true, false}) {
            Raw openAi = openAi("flt-reset", stream, Duration.ofSeconds(5));
            assertThat(openAi.head()).startsWith("HTTP/1.1 200");
            assertThat(openAi.endedByPeer()).isTrue();
            assertThat(openAi.body()).isEmpty();
        }
        Raw anthropic = anthropic("flt-reset", true, Duration.ofSeconds(5));
        assertThat(anthropic.head()).startsWith("HTTP/1.1 200").contains("text/event-stream");
        assertThat(anthropic.body()).isEmpty();
        assertThat(sim.counters("flt-reset").resetAfterHeaders()).isEqualTo(3);
        assertThat(sim.counters("flt-reset").completed()).isZero();
    }

    @Test
    void aStallSendsSomeChunksThenNothingWhileTheRequestStaysInFlight() {
        sim.profile("flt-stall", fast().toBuilder().stallRate(1).build());
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Raw> stalled = CompletableFuture.supplyAsync(
                () -> openAi("flt-stall", true, Duration.ofMillis(200), release), READER);
        // while the client still listens, the simulator holds the request open
        sim.awaitRequests("flt-stall", c -> c.path("stalled").asLong() == 1, Duration.ofSeconds(5));
        assertThat(sim.server.runtime().connections().counts().inFlight()).isGreaterThanOrEqualTo(1);
        release.complete(null);
        Raw raw = stalled.join();
        assertThat(raw.head()).startsWith("HTTP/1.1 200");
        assertThat(raw.wentSilent()).isTrue();
        List<SseEvent> events = SseParser.parseAll(dechunk(raw.text()));
        assertThat(events).isNotEmpty();
        assertThat(events).noneMatch(e -> e.data().equals("[DONE]"));

        Raw whole = anthropic("flt-stall", false, Duration.ofMillis(200));
        assertThat(whole.head()).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length");
        assertThat(whole.wentSilent()).isTrue();
        assertThat(whole.body()).isNotEmpty();
        assertThat(sim.counters("flt-stall").stalled()).isEqualTo(2);
        awaitInFlight(0);
    }

    @Test
    void brokenSseFramingRunsOneEventIntoTheNext() {
        sim.profile("flt-framing", fast().toBuilder().badFramingRate(1).build());
        for (Raw raw : new Raw[] {openAi("flt-framing", true, Duration.ofSeconds(5)),
                anthropic("flt-framing", true, Duration.ofSeconds(5))}) {
            assertThat(raw.endedByPeer()).isTrue();
            List<SseEvent> events = SseParser.parseAll(dechunk(raw.text()));
            // the event without its blank line swallowed the next one: its data is two JSON documents, not one
            assertThat(events).anySatisfy(e -> assertThat(e.data()).contains("}\n{"));
            assertThat(events).anySatisfy(e -> assertThat(isJson(e.data())).isFalse());
        }
        assertThat(sim.counters("flt-framing").badFraming()).isEqualTo(2);
    }

    @Test
    void aSlowDripPacesEveryTokenByTheDripInterval() {
        sim.profile("flt-drip", fast().toBuilder().ttftMs(0).ttftSpread(0).outputTokens(4).slowDripRate(1)
                .dripIntervalMs(60).build());
        long start = System.nanoTime();
        Raw raw = openAi("flt-drip", true, Duration.ofSeconds(5));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        // timers never fire early: 4 tokens, 3 gaps of 60 ms at least, however fast the machine
        assertThat(elapsedMs).isGreaterThanOrEqualTo(180);
        assertThat(SseParser.parseAll(dechunk(raw.text()))).anyMatch(e -> e.data().equals("[DONE]"));
        assertThat(sim.awaitCompleted("flt-drip", 1).slowDrips()).isEqualTo(1);
    }

    @Test
    void theNewKnobsAreSetAndValidatedThroughTheControlApi() {
        HttpResponse<String> put = sim.send("PUT", "/_sim/profiles/flt-knobs", "{\"badGatewayRate\":0.25,"
                + "\"rateLimitedNoRetryAfterRate\":0.25,\"stallRate\":0.5,\"slowDripRate\":0.5,"
                + "\"dripIntervalMs\":1500}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode profile = sim.json(sim.send("GET", "/_sim/profiles", null)).path("flt-knobs");
        assertThat(profile.path("badGatewayRate").asDouble()).isEqualTo(0.25);
        assertThat(profile.path("dripIntervalMs").asInt()).isEqualTo(1500);
        HttpResponse<String> tooMuch = sim.send("PUT", "/_sim/profiles/flt-knobs",
                "{\"stallRate\":0.6,\"badFramingRate\":0.6}");
        assertThat(tooMuch.statusCode()).isEqualTo(400);
        assertThat(sim.json(tooMuch).path("error").path("message").asText()).contains("badFramingRate");
        assertThat(sim.send("PUT", "/_sim/profiles/flt-knobs", "{\"dripIntervalMs\":-1}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void connectionsCountsOpenConnectionsAndRequestsInFlight() {
        sim.profile("flt-hang", fast().toBuilder().hangRate(1).build());
        JsonNode before = sim.json(sim.send("GET", "/_sim/connections", null));
        assertThat(before.has("open")).isTrue();
        assertThat(before.has("inFlight")).isTrue();
        int baseline = before.path("inFlight").asInt();
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Raw> hanging = CompletableFuture.supplyAsync(
                () -> openAi("flt-hang", false, Duration.ofMillis(100), release), READER);
        sim.awaitRequests("flt-hang", c -> c.path("hung").asLong() == 1, Duration.ofSeconds(5));
        JsonNode during = sim.json(sim.send("GET", "/_sim/connections", null));
        assertThat(during.path("inFlight").asInt()).isEqualTo(baseline + 1);
        assertThat(during.path("open").asInt()).isGreaterThanOrEqualTo(1);
        release.complete(null);
        assertThat(hanging.join().wentSilent()).isTrue();
        // the client closed its socket: the simulator sees the request over
        awaitInFlight(baseline);
    }

    private static void awaitInFlight(int expected) {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (sim.server.runtime().connections().counts().inFlight() != expected) {
            if (System.nanoTime() > end) {
                throw new AssertionError("in flight never went to " + expected + ": "
                        + sim.server.runtime().connections().counts());
            }
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS)).join();
        }
    }

    /** One JSON document and nothing after it (Jackson alone would read the first and ignore the rest). */
    private static boolean isJson(String data) {
        try {
            SimRuntime.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(data);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
