package dev.switchboard.observe;

import dev.switchboard.proxy.ProxyTestSupport;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.OtlpCollector;
import dev.switchboard.testing.OtlpCollector.ReceivedSpan;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.GenerationLog;
import dev.switchboard.usage.GenerationRecord;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traces end to end: the app exports over OTLP/HTTP to an in-test collector on loopback, requests go through the
 * proxy to the in-app simulator, and the spans that arrive are checked as an operator's tracing backend would show
 * them: the request's span a child of the caller's, one child span per upstream attempt with the GenAI attributes,
 * the failed attempt in error, the provider given the attempt's trace context, and no prompt, answer or key anywhere.
 */
@QuarkusTest
@TestProfile(TracingTestProfile.class)
class TracingTest {

    private static final Duration EXPORTED = Duration.ofSeconds(10);
    private static final String SECRET_PROMPT = "tell-no-one-7f3a";

    static OtlpCollector collector;

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    @Inject
    GenerationLog generations;

    String base;

    @BeforeAll
    static void startCollector() {
        collector = OtlpCollector.start(TracingTestProfile.collectorPort());
    }

    @AfterAll
    static void stopCollector() {
        collector.close();
    }

    @BeforeEach
    void reset() {
        base = root.toString().replaceAll("/$", "");
        health.reset();
        for (String model : List.of("trio-oa", "trio-an", "trio-bk")) {
            ProxyTestSupport.profile(simulator, model, ProxyTestSupport.QUICK);
        }
    }

    @Test
    void aFailoverIsOneRequestSpanWithAChildSpanPerAttempt() {
        ProxyTestSupport.profile(simulator, "trio-oa", ProxyTestSupport.QUICK.toBuilder().serverErrorRate(1).build());
        String traceId = hex(16);
        String callerSpan = hex(8);
        HttpResponse<String> response = ProxyTestSupport.post(base, "/v1/chat/completions", ask(false, 64),
                Map.of("authorization", "Bearer " + ProxyTestSupport.KEY,
                        "traceparent", "00-" + traceId + "-" + callerSpan + "-01"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String generationId = response.headers().firstValue("x-switchboard-generation-id").orElseThrow();
        GenerationRecord generation = ProxyTestSupport.generation(generations, generationId);

        collector.await(spans -> spans.stream().filter(s -> s.traceId().equals(traceId)).count() >= 3, EXPORTED,
                "the request's three spans");
        List<ReceivedSpan> trace = collector.trace(traceId);
        assertThat(trace).hasSize(3);
        ReceivedSpan request = only(trace, Span.SpanKind.SPAN_KIND_SERVER);
        List<ReceivedSpan> attempts = trace.stream().filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .sorted(Comparator.comparing(s -> s.attribute("switchboard.attempt").orElseThrow())).toList();

        assertThat(request.parentSpanId()).as("a child of the caller's span").isEqualTo(callerSpan);
        assertThat(request.name()).isEqualTo("chat " + TestCatalog.TRIO);
        assertThat(request.attributes()).containsAllEntriesOf(Map.ofEntries(
                Map.entry("gen_ai.operation.name", "chat"),
                Map.entry("gen_ai.request.model", TestCatalog.TRIO),
                Map.entry("gen_ai.request.max_tokens", "64"),
                Map.entry("gen_ai.response.model", TestCatalog.TRIO),
                Map.entry("gen_ai.response.id", generationId),
                Map.entry("gen_ai.response.finish_reasons", "stop"),
                Map.entry("gen_ai.provider.name", TestCatalog.ROUTE_ANTHROPIC),
                Map.entry("gen_ai.system", TestCatalog.ROUTE_ANTHROPIC),
                Map.entry("gen_ai.usage.input_tokens", Integer.toString(generation.usage().inputTokens())),
                Map.entry("gen_ai.usage.output_tokens", Integer.toString(generation.usage().outputTokens())),
                Map.entry("http.response.status_code", "200"),
                Map.entry("switchboard.generation_id", generationId),
                Map.entry("switchboard.provider", TestCatalog.ROUTE_ANTHROPIC),
                Map.entry("switchboard.protocol", "openai"),
                Map.entry("switchboard.attempts", "2"),
                Map.entry("switchboard.failover", "true"),
                Map.entry("switchboard.outcome", "success")));
        assertThat(request.attributes()).doesNotContainKey("error.type");
        assertThat(request.span().getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

        assertThat(attempts).hasSize(2);
        ReceivedSpan failed = attempts.get(0);
        ReceivedSpan served = attempts.get(1);
        for (ReceivedSpan attempt : attempts) {
            assertThat(attempt.parentSpanId()).as("an attempt is the request's child").isEqualTo(request.spanId());
            assertThat(attempt.span().getStartTimeUnixNano()).isGreaterThanOrEqualTo(
                    request.span().getStartTimeUnixNano());
            assertThat(attempt.span().getEndTimeUnixNano()).isLessThanOrEqualTo(request.span().getEndTimeUnixNano());
            assertThat(attempt.attributes()).containsEntry("gen_ai.operation.name", "chat")
                    .containsEntry("switchboard.model", TestCatalog.TRIO)
                    .containsEntry("server.address", "127.0.0.1")
                    .containsEntry("server.port", Integer.toString(SwitchboardTestProfile.SIM_PORT));
        }
        assertThat(failed.span().getEndTimeUnixNano()).isLessThanOrEqualTo(served.span().getStartTimeUnixNano());

        assertThat(failed.name()).isEqualTo("chat trio-oa");
        assertThat(failed.attributes()).containsAllEntriesOf(Map.of(
                "switchboard.attempt", "1",
                "switchboard.provider", TestCatalog.ROUTE_OPENAI,
                "switchboard.endpoint", TestCatalog.TRIO + ":" + TestCatalog.ROUTE_OPENAI,
                "gen_ai.request.model", "trio-oa",
                "error.type", "server_error",
                "http.response.status_code", "500"));
        assertThat(failed.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

        assertThat(served.name()).isEqualTo("chat trio-an");
        assertThat(served.attributes()).containsAllEntriesOf(Map.of(
                "switchboard.attempt", "2",
                "switchboard.provider", TestCatalog.ROUTE_ANTHROPIC,
                "gen_ai.provider.name", TestCatalog.ROUTE_ANTHROPIC,
                "gen_ai.request.model", "trio-an",
                "gen_ai.response.model", "trio-an",
                "gen_ai.usage.output_tokens", Integer.toString(generation.usage().outputTokens()),
                "http.response.status_code", "200",
                "switchboard.outcome", "ok"));
        assertThat(served.attributes()).doesNotContainKey("error.type");
        assertThat(served.span().getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

        // each provider was called with its own attempt's span as parent
        assertThat(ProxyTestSupport.sim(simulator).counters().lastTraceparent("trio-oa"))
                .isEqualTo("00-" + traceId + "-" + failed.spanId() + "-01");
        assertThat(ProxyTestSupport.sim(simulator).counters().lastTraceparent("trio-an"))
                .isEqualTo("00-" + traceId + "-" + served.spanId() + "-01");
        assertNothingSecret(trace);
    }

    @Test
    void aStreamWithoutCallerContextStartsATraceAndRecordsItsFirstToken() {
        HttpResponse<String> response = ProxyTestSupport.post(base, "/v1/messages", ask(true, 32),
                Map.of("x-api-key", ProxyTestSupport.KEY, "anthropic-version", "2023-06-01"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String generationId = response.headers().firstValue("x-switchboard-generation-id").orElseThrow();
        ReceivedSpan request = awaitRequestSpan(generationId);
        assertThat(request.parentSpanId()).as("a new trace's root").isEmpty();
        assertThat(request.attributes()).containsEntry("switchboard.protocol", "anthropic")
                .containsEntry("switchboard.stream", "true").containsEntry("switchboard.failover", "false")
                .containsKey("switchboard.ttft_ms");
        collector.await(spans -> spans.stream().filter(s -> s.traceId().equals(request.traceId())).count() >= 2,
                EXPORTED, "the attempt's span");
        List<ReceivedSpan> trace = collector.trace(request.traceId());
        assertThat(trace).hasSize(2);
        ReceivedSpan attempt = only(trace, Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(attempt.parentSpanId()).isEqualTo(request.spanId());
        // an Anthropic caller served by the OpenAI-kind original vendor: translated, not passed through
        assertThat(attempt.attributes()).containsKey("switchboard.ttft_ms")
                .containsEntry("switchboard.provider", TestCatalog.ROUTE_OPENAI)
                .containsEntry("switchboard.pass_through", "false");
        assertThat(attempt.span().getEventsList()).extracting(Span.Event::getName).containsExactly("gen_ai.first_token");
        assertNothingSecret(trace);
    }

    @Test
    void aRefusedRequestIsAnErrorSpan() {
        HttpResponse<String> response = ProxyTestSupport.post(base, "/v1/chat/completions", ask(false, 16),
                Map.of("authorization", "Bearer sb-not-a-key-of-this-gateway"));
        assertThat(response.statusCode()).isEqualTo(401);
        List<ReceivedSpan> spans = collector.await(all -> all.stream().anyMatch(TracingTest::refusedForAuth),
                EXPORTED, "the refused request's span");
        ReceivedSpan refused = spans.stream().filter(TracingTest::refusedForAuth).findFirst().orElseThrow();
        assertThat(refused.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(refused.attributes()).containsEntry("http.response.status_code", "401")
                .containsEntry("switchboard.attempts", "0");
        assertThat(refused.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(spans.toString()).doesNotContain("sb-not-a-key-of-this-gateway");
    }

    private static boolean refusedForAuth(ReceivedSpan span) {
        return "auth_error".equals(span.attributes().get("error.type"));
    }

    private ReceivedSpan awaitRequestSpan(String generationId) {
        List<ReceivedSpan> spans = collector.await(all -> all.stream()
                        .anyMatch(s -> generationId.equals(s.attributes().get("switchboard.generation_id"))), EXPORTED,
                "the span of " + generationId);
        return spans.stream().filter(s -> generationId.equals(s.attributes().get("switchboard.generation_id")))
                .findFirst().orElseThrow();
    }

    /** What a trace must never carry: the prompt, the answer's text, the gateway key, the provider's key. */
    private static void assertNothingSecret(List<ReceivedSpan> spans) {
        String all = spans.toString();
        assertThat(all).doesNotContain(SECRET_PROMPT).doesNotContain(ProxyTestSupport.KEY)
                .doesNotContain("sim-key-1").doesNotContain("sk-ant-test-not-a-real-key");
    }

    private static ReceivedSpan only(List<ReceivedSpan> spans, Span.SpanKind kind) {
        List<ReceivedSpan> of = spans.stream().filter(s -> s.kind() == kind).toList();
        assertThat(of).as(kind + " spans").hasSize(1);
        return of.get(0);
    }

    private static String ask(boolean stream, int maxTokens) {
        return "{\"model\": \"" + TestCatalog.TRIO + "\", \"max_tokens\": " + maxTokens + ", \"stream\": " + stream
                + ", \"messages\": [{\"role\": \"user\", \"content\": \"" + SECRET_PROMPT + "\"}]}";
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1;
        return HexFormat.of().formatHex(random);
    }
}
