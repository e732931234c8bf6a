package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.http.SseEvent;
import dev.switchboard.providers.http.SseParser;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimConnections;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SimProfileOverrides;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;

import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos suite: every upstream failure mode of the simulator x the faulty provider's kind (OpenAI-compatible SSE,
 * Bedrock's binary event stream) x caller protocol (OpenAI, Anthropic) x stream or not x with a healthy backup
 * provider or without, over real HTTP with the real Postgres of the test profile. Each
 * answer must be protocol-correct and allowed for its fault (a fail-over success from the backup, a clear error with
 * the right status, or after the first byte an error event, never a clean end) and come within the per-attempt
 * timeout plus a margin. Then nothing may be left behind: requests in flight on the simulator and the gateway back to
 * where they were, upstream connections and JVM threads not grown. The figures are printed.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxyChaosTest {

    /** The test profile's first-token and idle timeouts are 3 s; everything must answer within that plus this. */
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Duration MARGIN = Duration.ofSeconds(3);
    private static final String BACKUP = TestCatalog.ROUTE_ANTHROPIC;

    /** The faulty provider of a case, with its chaos models and their upstream ids (the simulator's profile keys). */
    enum Primary {
        OPENAI(TestCatalog.ROUTE_OPENAI, TestCatalog.CHAOS, "chaos-oa", TestCatalog.CHAOS_SOLO, "chaos-solo"),
        BEDROCK(TestCatalog.ROUTE_BEDROCK, TestCatalog.CHAOS_BEDROCK, "chaos-br", TestCatalog.CHAOS_BEDROCK_SOLO,
                "chaos-br-solo");

        final String provider;
        final String model;
        final String upstream;
        final String soloModel;
        final String soloUpstream;

        Primary(String provider, String model, String upstream, String soloModel, String soloUpstream) {
            this.provider = provider;
            this.model = model;
            this.upstream = upstream;
            this.soloModel = soloModel;
            this.soloUpstream = soloUpstream;
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    /** Its count of calls in flight (from the first body byte until the response ended) shows a leak. */
    @Inject
    ProxyDrain drain;

    /** How one answer ended, as the caller saw it. */
    enum Outcome { OK_PRIMARY, OK_BACKUP, ERROR_STATUS, STREAM_ERROR_EVENT }

    /** One failure mode: the knob that injects it, what a caller may get for it, and the providers it applies to. */
    record Fault(String name, UnaryOperator<SimProfile.Builder> knob, int soloStatus, boolean inStream,
                 Set<Primary> primaries) {
        Fault(String name, UnaryOperator<SimProfile.Builder> knob, int soloStatus, boolean inStream) {
            this(name, knob, soloStatus, inStream, EnumSet.allOf(Primary.class));
        }
    }

    private static final List<Fault> FAULTS = List.of(
            new Fault("500", b -> b.serverErrorRate(1), 502, false),
            new Fault("502", b -> b.badGatewayRate(1), 502, false),
            new Fault("503", b -> b.unavailableRate(1), 503, false),
            new Fault("overloaded (529 / 503)", b -> b.overloadedRate(1), 503, false),
            new Fault("429 with Retry-After", b -> b.rateLimitedRate(1).retryAfterSeconds(2), 429, false),
            new Fault("429 without Retry-After", b -> b.rateLimitedNoRetryAfterRate(1), 429, false),
            new Fault("hang before the first byte", b -> b.hangRate(1), 504, false),
            new Fault("reset after headers", b -> b.resetAfterHeadersRate(1), 502, false),
            new Fault("abort mid-stream", b -> b.abortRate(1), 0, true),
            new Fault("malformed JSON", b -> b.malformedRate(1), 0, true),
            new Fault("error event mid-stream", b -> b.midStreamErrorRate(1), 0, true),
            new Fault("stall between chunks", b -> b.stallRate(1), 0, true),
            // SSE: an event without its blank line; Bedrock: a frame cut inside its payload, the response ending there
            new Fault("broken framing", b -> b.badFramingRate(1), 0, true),
            new Fault("event-stream frame cut in its prelude", b -> b.badFramingRate(1).badFramingCutBytes(5), 0,
                    true, EnumSet.of(Primary.BEDROCK)),
            // Bedrock: a frame whose message CRC is wrong; SSE has no checksum and gets a malformed chunk
            new Fault("bad frame checksum", b -> b.badChecksumRate(1), 0, true),
            new Fault("slow drip", b -> b.slowDripRate(1).dripIntervalMs(600).outputTokens(4), 0, false));

    private String base;

    @Test
    void everyFaultGetsAFastProtocolCorrectAnswerAndLeavesNothingBehind() {
        base = root.toString().replaceAll("/$", "");
        health.reset();
        try (SimProfileOverrides profiles = new SimProfileOverrides(ProxyTestSupport.sim(simulator).profiles())) {
            profiles.put("chaos-an", QUICK);
            for (Primary primary : Primary.values()) {
                profiles.put(primary.upstream, QUICK);
                profiles.put(primary.soloUpstream, QUICK);
            }
            // warm up every path once, so that pools and threads made on first use are in the baseline
            for (Primary primary : Primary.values()) {
                for (boolean stream : new boolean[] {true, false}) {
                    for (boolean anthropic : new boolean[] {true, false}) {
                        call(anthropic, stream, primary.model, primary);
                    }
                }
            }
            SimConnections sim = ProxyTestSupport.sim(simulator).connections();
            awaitAtMost(() -> sim.counts().inFlight(), 0, "simulator requests in flight before");
            awaitAtMost(drain::inFlight, 0, "gateway requests in flight before");
            SimConnections.Counts simBefore = sim.counts();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

            Map<Outcome, Integer> outcomes = new TreeMap<>();
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> wrong = new ArrayList<>();
            long slowestMs = 0;
            List<Case> cases = cases();
            int requests = 0;
            for (Case c : cases) {
                String upstream = c.backup() ? c.primary().upstream : c.primary().soloUpstream;
                profiles.put(upstream, c.fault().knob().apply(QUICK.toBuilder()).build());
                health.reset(); // each case meets the fault afresh: no open circuit, no cool-down
                long start = System.nanoTime();
                Answer answer = call(c.anthropic(), c.stream(), c.backup() ? c.primary().model
                        : c.primary().soloModel, c.primary());
                long ms = (System.nanoTime() - start) / 1_000_000;
                profiles.put(upstream, QUICK);
                requests++;
                slowestMs = Math.max(slowestMs, ms);
                outcomes.merge(answer.outcome(), 1, Integer::sum);
                if (answer.outcome() == Outcome.ERROR_STATUS) {
                    statuses.merge(answer.status(), 1, Integer::sum);
                }
                String problem = judge(c.fault(), c.backup(), c.stream(), answer);
                if (ms > TIMEOUT.plus(MARGIN).toMillis()) {
                    problem = (problem == null ? "" : problem + "; ") + "took " + ms + " ms";
                }
                if (problem != null) {
                    wrong.add(c + ": " + problem + " -> " + answer.summary());
                }
            }

            awaitAtMost(() -> sim.counts().inFlight(), simBefore.inFlight(), "simulator requests in flight after");
            awaitAtMost(drain::inFlight, 0, "gateway requests in flight after");
            // keep-alive connections stay pooled; one per failed request left open would show as dozens
            awaitAtMost(() -> sim.counts().open(), simBefore.open() + 4, "connections open to the simulator");
            awaitAtMost(() -> ManagementFactory.getThreadMXBean().getThreadCount(), threadsBefore + 8,
                    "JVM live threads");
            SimConnections.Counts simAfter = sim.counts();
            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();

            System.out.printf("chaos: %d faults x provider kind (openai SSE, bedrock event stream) x 2 protocols x "
                            + "stream/whole x backup/solo = %d requests; "
                            + "outcomes %s; error statuses %s; slowest answer %d ms (limit %d ms); wrong %d%n"
                            + "chaos: simulator connections open %d -> %d, in flight %d -> %d; gateway in flight "
                            + "%d; JVM threads %d -> %d%n",
                    FAULTS.size(), requests, outcomes, statuses, slowestMs, TIMEOUT.plus(MARGIN).toMillis(),
                    wrong.size(), simBefore.open(), simAfter.open(), simBefore.inFlight(), simAfter.inFlight(),
                    drain.inFlight(), threadsBefore, threadsAfter);
            wrong.forEach(w -> System.out.println("chaos: WRONG " + w));
            assertThat(wrong).isEmpty();
            assertThat(requests).isEqualTo(cases.size());
        } finally {
            health.reset();
        }
    }

    /** One request of the matrix. */
    record Case(Fault fault, Primary primary, boolean backup, boolean anthropic, boolean stream) {
        @Override
        public String toString() {
            return fault.name() + " / " + primary.provider + " / " + (anthropic ? "anthropic" : "openai") + " / "
                    + (stream ? "stream" : "whole") + " / " + (backup ? "backup" : "solo");
        }
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Fault fault : FAULTS) {
            for (Primary primary : fault.primaries()) {
                for (boolean backup : new boolean[] {true, false}) {
                    for (boolean anthropic : new boolean[] {false, true}) {
                        for (boolean stream : new boolean[] {true, false}) {
                            cases.add(new Case(fault, primary, backup, anthropic, stream));
                        }
                    }
                }
            }
        }
        return cases;
    }

    /** Null when the answer is one the fault allows, else what is wrong with it. */
    private static String judge(Fault fault, boolean backup, boolean stream, Answer answer) {
        if (answer.problem() != null) {
            return answer.problem();
        }
        Set<Outcome> allowed = EnumSet.noneOf(Outcome.class);
        Set<Integer> statuses = Set.of();
        if (stream) {
            // keep-alive comments go out while the first candidate is slow: from then on a failure is an event
            allowed.add(Outcome.STREAM_ERROR_EVENT);
        }
        if (fault.name().equals("slow drip")) {
            allowed.add(Outcome.OK_PRIMARY);
        } else if (!fault.inStream()) {
            allowed.add(backup ? Outcome.OK_BACKUP : Outcome.ERROR_STATUS);
            statuses = Set.of(fault.soloStatus());
        } else {
            // the fault may hit the first content chunk (fail-over still possible) or a later one (too late)
            if (backup) {
                allowed.add(Outcome.OK_BACKUP);
            } else {
                allowed.add(Outcome.ERROR_STATUS);
                // a whole answer's mid-stream error is the model's own failure: Bedrock's 424 says it is overloaded
                statuses = fault.name().equals("error event mid-stream") ? Set.of(502, 503, 504) : Set.of(502, 504);
            }
            if (stream) {
                allowed.add(Outcome.STREAM_ERROR_EVENT);
            }
        }
        if (!allowed.contains(answer.outcome())) {
            return "expected one of " + allowed + ", got " + answer.outcome();
        }
        if (answer.outcome() == Outcome.ERROR_STATUS && !statuses.contains(answer.status())) {
            return "expected status " + statuses + ", got " + answer.status();
        }
        return null;
    }

    /** What the caller got: the outcome, the status, and a problem when the answer is not protocol-correct. */
    record Answer(Outcome outcome, int status, String provider, String problem, String body) {
        String summary() {
            return status + " " + provider + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }
    }

    private Answer call(boolean anthropic, boolean stream, String model, Primary primary) {
        HttpResponse<String> response = anthropic
                ? ProxyTestSupport.anthropic(base, "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":"
                        + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                : ProxyTestSupport.openAi(base, "{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        String provider = response.headers().firstValue("x-switchboard-provider").orElse("-");
        String body = response.body();
        int status = response.statusCode();
        if (status != 200) {
            return new Answer(Outcome.ERROR_STATUS, status, provider, errorShapeProblem(anthropic, body), body);
        }
        Outcome ok = primary.provider.equals(provider) ? Outcome.OK_PRIMARY
                : BACKUP.equals(provider) ? Outcome.OK_BACKUP : null;
        if (ok == null) {
            return new Answer(Outcome.OK_PRIMARY, status, provider, "no known x-switchboard-provider", body);
        }
        if (!stream) {
            JsonNode json = strict(body);
            boolean content = json != null && (anthropic ? json.path("content").path(0).path("text").asText()
                    : json.path("choices").path(0).path("message").path("content").asText()).length() > 0;
            return new Answer(ok, status, provider, content ? null : "a 200 without an answer in it", body);
        }
        List<SseEvent> events = SseParser.parseAll(body);
        String streamed = events.stream().map(e -> strict(e.data())).filter(j -> j != null)
                .map(j -> j.has("message") ? j.path("message").path("provider").asText("") : j.path("provider")
                        .asText("")).filter(p -> !p.isEmpty()).findFirst().orElse(null);
        if (streamed != null) {
            provider = streamed;
            ok = primary.provider.equals(provider) ? Outcome.OK_PRIMARY : Outcome.OK_BACKUP;
        }
        boolean errorEvent = events.stream().anyMatch(e -> anthropic ? e.event().equals("error")
                : strict(e.data()) != null && strict(e.data()).has("error"));
        boolean cleanEnd = events.stream().anyMatch(e -> anthropic ? e.event().equals("message_stop")
                : e.data().equals("[DONE]"));
        String broken = events.stream().filter(e -> !e.data().equals("[DONE]") && strict(e.data()) == null)
                .map(e -> "an event that is not one JSON document: " + e.data()).findFirst().orElse(null);
        if (broken != null) {
            return new Answer(ok, status, provider, broken, body);
        }
        if (errorEvent && cleanEnd) {
            return new Answer(Outcome.STREAM_ERROR_EVENT, status, provider, "an error event and a clean end", body);
        }
        if (errorEvent) {
            return new Answer(Outcome.STREAM_ERROR_EVENT, status, provider, null, body);
        }
        if (!cleanEnd) {
            return new Answer(ok, status, provider, "the stream ended with neither its end nor an error event", body);
        }
        return new Answer(ok, status, provider, null, body);
    }

    private static String errorShapeProblem(boolean anthropic, String body) {
        JsonNode json = strict(body);
        if (json == null) {
            return "the error is not JSON";
        }
        if (anthropic) {
            return json.path("type").asText().equals("error") && !json.path("error").path("type").asText().isEmpty()
                    && !json.path("error").path("message").asText().isEmpty() ? null : "not Anthropic's error shape";
        }
        return !json.path("error").path("message").asText().isEmpty() && json.path("error").has("type")
                ? null : "not OpenAI's error shape";
    }

    private static JsonNode strict(String text) {
        try {
            return ProxyTestSupport.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    /** Polls until {@code value} is at most {@code limit}; fails after 15 s. */
    private static void awaitAtMost(IntSupplier value, int limit, String what) {
        ProxyTestSupport.awaitTrue(() -> value.getAsInt() <= limit, what + " at most " + limit + " (now "
                + value.getAsInt() + ")");
    }
}
