package dev.switchboard.observe;

import dev.switchboard.llm.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's metrics on /q/metrics (names and labels in README, "Metrics"). Labels are bounded by construction:
 * models and providers are catalog slugs (a model string the catalog does not know counts as {@code unknown}), keys
 * are key ids, the rest come from fixed sets. Histograms use fixed buckets chosen for LLM calls rather than
 * Micrometer's percentile histogram (~70 buckets per series).
 */
@Singleton
public class ProxyMetrics implements ProxyObserver {

    /** The model label of a request whose model string names no catalog model. */
    public static final String UNKNOWN = "unknown";
    /** The provider (or key) label when there is none: refused before routing, nothing served, an open proxy. */
    public static final String ABSENT = "none";

    private static final Duration[] LATENCY_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120,
            300);
    private static final Duration[] TTFT_BUCKETS = seconds(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10,
            30);
    private static final Duration[] OVERHEAD_BUCKETS = seconds(0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01,
            0.025, 0.05, 0.1, 0.25, 1);

    private record RequestSeries(String model, String provider, String protocol, boolean stream,
                                 RequestOutcome outcome, int status) {
    }

    private record EndpointSeries(String model, String provider) {
    }

    private record OverheadSeries(String protocol, boolean stream, String path) {
    }

    private record UsageSeries(String model, String provider, String key) {
    }

    private record AttemptSeries(String model, String provider, String outcome) {
    }

    private record UsageMeters(Counter input, Counter output, Counter cost) {
    }

    private final MeterCache<RequestSeries, Counter> requests;
    private final MeterCache<EndpointSeries, Timer> latency;
    private final MeterCache<EndpointSeries, Timer> ttft;
    private final MeterCache<OverheadSeries, Timer> overhead;
    private final MeterCache<UsageSeries, UsageMeters> usage;
    private final MeterCache<AttemptSeries, Counter> attempts;
    private final MeterCache<AttemptSeries, Counter> failovers;
    private final MeterCache<String, DistributionSummary> attemptsPerRequest;
    private final RequestObservation observation = new Observation();

    @Inject
    public ProxyMetrics(MeterRegistry registry) {
        requests = new MeterCache<>(s -> Counter.builder("switchboard.requests")
                .description("Proxied requests by how they ended")
                .tag("model", s.model()).tag("provider", s.provider()).tag("protocol", s.protocol())
                .tag("stream", Boolean.toString(s.stream())).tag("outcome", s.outcome().id())
                .tag("status", Integer.toString(s.status())).register(registry));
        latency = new MeterCache<>(s -> Timer.builder("switchboard.request.duration")
                .description("Whole proxied requests, from the body read to the last byte")
                .tag("model", s.model()).tag("provider", s.provider())
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
        ttft = new MeterCache<>(s -> Timer.builder("switchboard.upstream.ttft")
                .description("Streamed attempts: request sent upstream to the first content token")
                .tag("model", s.model()).tag("provider", s.provider())
                .serviceLevelObjectives(TTFT_BUCKETS).register(registry));
        overhead = new MeterCache<>(s -> Timer.builder("switchboard.gateway.overhead")
                .description("Time spent in the gateway itself: the whole request less its upstream calls")
                .tag("protocol", s.protocol()).tag("stream", Boolean.toString(s.stream())).tag("path", s.path())
                .serviceLevelObjectives(OVERHEAD_BUCKETS).register(registry));
        usage = new MeterCache<>(s -> new UsageMeters(
                tokens(registry, s, "input"), tokens(registry, s, "output"),
                Counter.builder("switchboard.cost.usd").description("Cost of served requests, USD")
                        .tag("model", s.model()).tag("provider", s.provider()).tag("key", s.key())
                        .register(registry)));
        attempts = new MeterCache<>(s -> Counter.builder("switchboard.upstream.attempts")
                .description("Upstream attempts by their sample outcome")
                .tag("model", s.model()).tag("provider", s.provider()).tag("outcome", s.outcome())
                .register(registry));
        failovers = new MeterCache<>(s -> Counter.builder("switchboard.failovers")
                .description("Attempts that failed and were followed by another candidate; provider is the one "
                        + "that failed, reason its error kind")
                .tag("model", s.model()).tag("provider", s.provider()).tag("reason", s.outcome())
                .register(registry));
        attemptsPerRequest = new MeterCache<>(model -> DistributionSummary.builder("switchboard.request.attempts")
                .description("Upstream attempts per routed request")
                .tag("model", model).serviceLevelObjectives(1, 2, 3, 4, 5, 8).register(registry));
    }

    private static Counter tokens(MeterRegistry registry, UsageSeries s, String direction) {
        return Counter.builder("switchboard.tokens").description("Tokens of served requests, as providers reported")
                .tag("model", s.model()).tag("provider", s.provider()).tag("key", s.key())
                .tag("direction", direction).register(registry);
    }

    @Override
    public RequestObservation onRequest(RequestStarted request) {
        return observation;
    }

    /** Stateless: every event carries the request it belongs to. */
    private final class Observation implements RequestObservation {

        @Override
        public void attemptFinished(AttemptFinished a) {
            AttemptStarted attempt = a.attempt();
            attempts.get(new AttemptSeries(attempt.modelSlug(), attempt.provider(), a.outcome().id())).increment();
            if (a.ttftMs() != null) {
                ttft.get(new EndpointSeries(attempt.modelSlug(), attempt.provider()))
                        .record(a.ttftMs(), TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void failover(AttemptFinished failed, AttemptStarted next) {
            AttemptStarted attempt = failed.attempt();
            String reason = failed.error() == null ? failed.outcome().id()
                    : failed.error().kind().name().toLowerCase(Locale.ROOT);
            failovers.get(new AttemptSeries(attempt.modelSlug(), attempt.provider(), reason)).increment();
        }

        @Override
        public void requestFinished(RequestFinished r) {
            RequestStarted request = r.request();
            AttemptFinished served = r.served();
            String model = served != null ? served.attempt().modelSlug()
                    : request.model() != null ? request.model() : UNKNOWN;
            String provider = served != null ? served.attempt().provider() : ABSENT;
            requests.get(new RequestSeries(model, provider, request.protocol(), request.stream(), r.outcome(),
                    r.httpStatus())).increment();
            if (!r.routed()) {
                return; // answered by the gateway alone: no latency worth a histogram
            }
            latency.get(new EndpointSeries(model, provider)).record(r.totalNanos(), TimeUnit.NANOSECONDS);
            attemptsPerRequest.get(model).record(r.attempts());
            if (r.attempts() > 0) {
                String path = served == null ? ABSENT : served.attempt().passThrough() ? "pass_through" : "translated";
                overhead.get(new OverheadSeries(request.protocol(), request.stream(), path))
                        .record(r.gatewayNanos(), TimeUnit.NANOSECONDS);
            }
            Usage tokens = r.usage();
            if (served != null && (tokens != null || r.cost() != null)) {
                UsageMeters meters = usage.get(new UsageSeries(model, provider,
                        request.keyId() == null ? ABSENT : request.keyId()));
                if (tokens != null) {
                    meters.input().increment(tokens.inputTokens());
                    meters.output().increment(tokens.outputTokens());
                }
                BigDecimal cost = r.cost();
                if (cost != null) {
                    meters.cost().increment(cost.doubleValue());
                }
            }
        }
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return out;
    }
}
