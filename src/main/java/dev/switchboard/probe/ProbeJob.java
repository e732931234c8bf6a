package dev.switchboard.probe;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.UpstreamTargets;
import dev.switchboard.proxy.ProxyDrain;
import dev.switchboard.proxy.SkipWhileDraining;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.routing.RoutePlanner;
import dev.switchboard.stats.CallMeasurement;
import dev.switchboard.stats.Sample;
import dev.switchboard.stats.SampleOutcome;
import dev.switchboard.stats.SampleRecorder;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Probes every routable endpoint (provider LIVE or SIMULATED) once per interval with a small streaming request
 * through its real adapter, and records one {@link Sample} (source probe) per probe.
 * <p>
 * Replicas on one database take turns: a run holds a Postgres session advisory lock on a dedicated connection for
 * its whole duration and a replica that does not get it skips the run. The lock alone would not stop a replica whose
 * ticks fall later in the interval from probing everything again once the first replica's run has ended, so a
 * scheduled run also records its start in {@code job_state} and is skipped while the last run, by any replica,
 * started less than {@link #DUE_FRACTION} of an interval ago. With one replica ticking every interval that never
 * skips; with several, runs stay at least that far apart, whichever replica makes them. A replica that dies loses its
 * session and so the lock; another one's next tick after the dead one's would-be run takes over, so no endpoint
 * misses more than one interval's probe.
 * <p>
 * Probes are spread over the first three quarters of the interval, each endpoint at an offset fixed by its id (so
 * that consecutive runs probe it one interval apart, whichever replica runs them), started in offset order, so that
 * the run, with its last probes' timeouts, normally ends before the next tick; at most {@code max-concurrency} are in
 * flight. Nothing here blocks an event loop: the run waits on the scheduler's worker
 * thread (or the test's thread), the probes themselves are non-blocking streams.
 */
@ApplicationScoped
public class ProbeJob {

    /**
     * What one run did. {@code failed} counts every outcome but OK (rate limits included). {@code skippedLocked}: another
     * replica was probing; {@code skippedNotDue}: the last run (by any replica) started less than
     * {@link #DUE_FRACTION} of an interval ago.
     */
    public record RunResult(int probed, int ok, int failed, boolean skippedLocked, boolean skippedNotDue) {
        static final RunResult SKIPPED = new RunResult(0, 0, 0, true, false);
        static final RunResult NOT_DUE = new RunResult(0, 0, 0, false, true);

        public boolean skipped() {
            return skippedLocked || skippedNotDue;
        }
    }

    /**
     * A scheduled run is due once this fraction of an interval has passed since the last run's start: a little under
     * one, so that a replica's own next tick (which may come a few milliseconds early against the database clock) is
     * never skipped.
     */
    static final double DUE_FRACTION = 0.9;

    /** The {@code job_state} row holding when the last run started (its {@code updated_at}, database clock). */
    static final String LAST_RUN = "probe.last-run";

    /** A short fixed prompt: cheap, and answered by every chat model. */
    static final String PROMPT = "Reply with one short sentence.";

    static final long LOCK_KEY = 0x5357_5052_4f42_4553L; // "SWPROBES"

    @Inject
    ProbeConfig config;

    @Inject
    CatalogService catalog;

    @Inject
    ProviderAdapters adapters;

    @Inject
    UpstreamTargets targets;

    @Inject
    SampleRecorder recorder;

    @Inject
    DataSource dataSource;

    @Inject
    EndpointHealth health;

    @Inject
    ProxyDrain drain;

    @Inject
    ProbeMetrics metrics;

    @Scheduled(every = "${switchboard.probe.interval:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SkipWhileDraining.class)
    void scheduled() {
        if (!config.enabled()) {
            return;
        }
        try {
            runOnce();
        } catch (RuntimeException e) {
            Log.warnf("Probe run failed: %s", e.getMessage());
        }
    }

    /** A scheduled run: the configured providers' routable endpoints, spread over the interval, if a run is due. */
    public RunResult runOnce() {
        return runIfDue(endpointsToProbe(catalog.current(), config.providers().orElse(Set.of())), true);
    }

    /**
     * The routable endpoints of the catalog, limited to {@code providers} unless that is empty. Embedding models'
     * endpoints are left out: the probe is a chat stream, which they would refuse and so be marked down for.
     */
    public static List<CatalogEndpoint> endpointsToProbe(Catalog catalog, Set<String> providers) {
        return catalog.endpoints().stream()
                .filter(e -> e.provider().status().routable())
                .filter(e -> catalog.model(e.modelSlug()).map(m -> !m.outputModalities()
                        .contains(RoutePlanner.EMBEDDINGS)).orElse(true))
                .filter(e -> providers.isEmpty() || providers.contains(e.provider().slug()))
                .toList();
    }

    /**
     * Probes {@code endpoints} under the advisory lock, whenever the last run was; {@code spread=false} starts them
     * all at once (tests). Returns {@link RunResult#SKIPPED} when another replica holds the lock.
     */
    public RunResult runOnce(Collection<CatalogEndpoint> endpoints, boolean spread) {
        return run(endpoints, spread, false);
    }

    /**
     * What a scheduled tick does: as {@link #runOnce(Collection, boolean)}, but only if no run (by any replica on this
     * database) started within the last {@link #DUE_FRACTION} of an interval; else {@link RunResult#NOT_DUE}.
     */
    public RunResult runIfDue(Collection<CatalogEndpoint> endpoints, boolean spread) {
        return run(endpoints, spread, true);
    }

    private RunResult run(Collection<CatalogEndpoint> endpoints, boolean spread, boolean onlyIfDue) {
        long started = System.nanoTime();
        try (Connection lockConnection = dataSource.getConnection()) {
            if (!tryLock(lockConnection)) {
                Log.debug("Probe run skipped: another replica is probing");
                metrics.run("skipped_locked");
                return RunResult.SKIPPED;
            }
            try {
                if (!claimRun(lockConnection, onlyIfDue ? config.interval() : Duration.ZERO)) {
                    Log.debug("Probe run skipped: another replica's run started less than an interval ago");
                    metrics.run("not_due");
                    return RunResult.NOT_DUE;
                }
                RunResult result = probeAll(endpoints, spread);
                metrics.run("completed");
                Log.infof("Probe run: %d endpoints probed, %d ok, %d failed, in %d ms", result.probed(),
                        result.ok(), result.failed(), Duration.ofNanos(System.nanoTime() - started).toMillis());
                return result;
            } finally {
                unlock(lockConnection);
            }
        } catch (SQLException e) {
            metrics.run("failed");
            throw new IllegalStateException("Probe run: the database is not available: " + e.getMessage(), e);
        }
    }

    private record Planned(CatalogEndpoint endpoint, long offsetNanos) {
    }

    private RunResult probeAll(Collection<CatalogEndpoint> endpoints, boolean spread) {
        if (endpoints.isEmpty()) {
            return new RunResult(0, 0, 0, false, false);
        }
        Duration window = spread ? config.interval().multipliedBy(3).dividedBy(4) : Duration.ZERO;
        long windowNanos = window.toNanos();
        List<Planned> plan = new ArrayList<>(endpoints.size());
        for (CatalogEndpoint e : endpoints) {
            plan.add(new Planned(e, offsetOf(e.id(), windowNanos)));
        }
        plan.sort(Comparator.comparingLong(Planned::offsetNanos));
        long runStart = System.nanoTime();
        int concurrency = Math.max(1, config.maxConcurrency());
        List<SampleOutcome> outcomes = Multi.createFrom().iterable(plan)
                .onItem().transformToUni(p -> delayed(p, runStart).onItem().transformToUni(
                        // a stopping app starts no new probes; a null item is left out of the outcomes
                        e -> drain.draining() ? Uni.createFrom().<SampleOutcome>nullItem() : probe(e)))
                .merge(concurrency)
                .collect().asList()
                .await().atMost(window.plus(config.timeout().multipliedBy(2))
                        .plus(config.timeout().multipliedBy((endpoints.size() + concurrency - 1) / concurrency)));
        int ok = 0;
        int failed = 0;
        for (SampleOutcome o : outcomes) {
            if (o == SampleOutcome.OK) {
                ok++;
            } else {
                failed++;
            }
        }
        return new RunResult(outcomes.size(), ok, failed, false, false);
    }

    /** An endpoint's place in the spread window: the same every run, evenly spread over endpoint ids. */
    static long offsetOf(long endpointId, long windowNanos) {
        if (windowNanos <= 0) {
            return 0;
        }
        // SplitMix64's finaliser: consecutive ids land far apart
        long z = endpointId + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return Math.floorMod(z, windowNanos);
    }

    /** Emits the endpoint once its offset from the run's start has passed. */
    private static Uni<CatalogEndpoint> delayed(Planned p, long runStart) {
        return Uni.createFrom().deferred(() -> {
            long wait = runStart + p.offsetNanos() - System.nanoTime();
            Uni<CatalogEndpoint> item = Uni.createFrom().item(p.endpoint());
            return wait > 0 ? item.onItem().delayIt().by(Duration.ofNanos(wait)) : item;
        });
    }

    /** One probe; always completes with the recorded outcome, never fails. */
    Uni<SampleOutcome> probe(CatalogEndpoint endpoint) {
        return Uni.createFrom().deferred(() -> {
            ProviderAdapter adapter = adapters.forKind(endpoint.provider().kind());
            UpstreamTarget target = targets.forEndpoint(endpoint);
            ChatRequest request = ChatRequest.builder(endpoint.upstreamId()).user(PROMPT)
                    .maxTokens(config.maxTokens()).build();
            Duration timeout = config.timeout();
            Duration connect = timeout.compareTo(CallOptions.DEFAULTS.connectTimeout()) < 0
                    ? timeout : CallOptions.DEFAULTS.connectTimeout();
            CallOptions options = new CallOptions(connect, timeout, timeout, timeout);
            CallMeasurement m = new CallMeasurement(Sample.Source.PROBE, endpoint.id(), Instant.now(),
                    System.nanoTime());
            return adapter.stream(target, request, options)
                    .onItem().invoke(event -> m.on(event, System.nanoTime()))
                    .onItem().ignoreAsUni()
                    .ifNoItem().after(timeout.plusSeconds(5))
                    .failWith(() -> UpstreamError.of(UpstreamErrorKind.TIMEOUT, "probe timed out"))
                    .onItemOrFailure().transform((ignored, failure) -> record(endpoint, m, failure));
        }).onFailure().recoverWithItem(e -> {
            // our own defect (no adapter, no target): nothing to say about the provider, so no sample
            Log.warnf("Probe of %s could not run: %s", endpoint.slug(), e.getMessage());
            return SampleOutcome.CANCELLED;
        });
    }

    private SampleOutcome record(CatalogEndpoint endpoint, CallMeasurement m, Throwable failure) {
        long end = System.nanoTime();
        if (failure != null && !(failure instanceof UpstreamError)) {
            Log.warnf("Probe of %s failed outside the adapter's classification: %s", endpoint.slug(),
                    failure.getClass().getSimpleName());
            failure = UpstreamError.of(UpstreamErrorKind.CONNECTION, "unclassified failure");
        }
        Sample sample = m.toSample(failure, end);
        feedHealth(endpoint, sample.outcome(), failure);
        metrics.probed(endpoint, sample.outcome());
        if (!recorder.record(sample)) {
            Log.debugf("Probe sample of %s dropped: the sample queue is full", endpoint.slug());
        }
        return sample.outcome();
    }

    /** Probes feed the circuit breakers as traffic does, so an idle endpoint's circuit can open and close too. */
    private void feedHealth(CatalogEndpoint endpoint, SampleOutcome outcome, Throwable failure) {
        switch (outcome.category()) {
            case SUCCESS -> health.onSuccess(endpoint.id());
            case FAILURE, RATE_LIMITED -> {
                UpstreamError e = failure instanceof UpstreamError u ? u : null;
                // a stream cut off or ended with an error finish reason has no UpstreamError: the provider's fault
                UpstreamErrorKind kind = e != null ? e.kind() : UpstreamErrorKind.MALFORMED_RESPONSE;
                if (outcome.category() == SampleOutcome.Category.FAILURE && !kind.providerFault()) {
                    kind = UpstreamErrorKind.SERVER_ERROR;
                }
                health.onFailure(endpoint.id(), kind, e == null ? null : e.retryAfter());
            }
            case EXCLUDED -> {
                // the probe's own request was refused or cut short: nothing said about the provider
            }
        }
    }

    /**
     * Records this run's start (database clock) unless the last run started less than {@link #DUE_FRACTION} of
     * {@code interval} ago; true when recorded. Called under the advisory lock, so two replicas never both claim.
     */
    private static boolean claimRun(Connection c, Duration interval) throws SQLException {
        double minGapSeconds = interval.toNanos() * DUE_FRACTION / 1e9;
        try (PreparedStatement ps = c.prepareStatement("""
                insert into job_state (name, value, updated_at) values (?, now()::text, now())
                on conflict (name) do update set value = excluded.value, updated_at = excluded.updated_at
                where job_state.updated_at <= now() - make_interval(secs => ?)""")) {
            ps.setString(1, LAST_RUN);
            ps.setDouble(2, minGapSeconds);
            return ps.executeUpdate() == 1;
        }
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(?)")) {
            ps.setLong(1, LOCK_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_unlock(?)")) {
            ps.setLong(1, LOCK_KEY);
            ps.execute();
        } catch (SQLException e) {
            // the pooled connection would keep the lock: make sure its session ends
            Log.warnf("Probe run: releasing the advisory lock failed (%s); closing its connection", e.getMessage());
            try {
                c.abort(Runnable::run);
            } catch (SQLException ignored) {
                // the session is gone either way
            }
        }
    }
}
