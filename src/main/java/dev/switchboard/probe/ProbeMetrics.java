package dev.switchboard.probe;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.stats.SampleOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The prober on /q/metrics: {@code switchboard_probe_runs_total{result}} (completed; failed: the database
 * was away; skipped_locked: another replica held the lock, not_due: another replica ran within the interval) and, per endpoint,
 * {@code switchboard_probes_total{model,provider,outcome}} with {@code switchboard_probe_failures_total} for the
 * probes whose outcome counts against uptime. Labels are catalog slugs and sample outcomes: bounded.
 */
@Singleton
public class ProbeMetrics {

    private record Series(long endpointId, SampleOutcome outcome) {
    }

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Series, Counter> probes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Counter> failures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> runs = new ConcurrentHashMap<>();

    @Inject
    public ProbeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void probed(CatalogEndpoint endpoint, SampleOutcome outcome) {
        probes.computeIfAbsent(new Series(endpoint.id(), outcome), s -> Counter.builder("switchboard.probes")
                .description("Probes by endpoint and outcome").tag("model", endpoint.modelSlug())
                .tag("provider", endpoint.provider().slug()).tag("outcome", outcome.id()).register(registry))
                .increment();
        Counter failed = failures.computeIfAbsent(endpoint.id(), id -> Counter.builder("switchboard.probe.failures")
                .description("Probes that failed in a way that counts against uptime")
                .tag("model", endpoint.modelSlug()).tag("provider", endpoint.provider().slug()).register(registry));
        if (outcome.category() == SampleOutcome.Category.FAILURE) {
            failed.increment();
        }
    }

    void run(String result) {
        runs.computeIfAbsent(result, r -> Counter.builder("switchboard.probe.runs")
                .description("Probe runs started by this replica, by what became of them").tag("result", r)
                .register(registry)).increment();
    }
}
