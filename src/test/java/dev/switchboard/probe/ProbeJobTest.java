package dev.switchboard.probe;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.stats.SampleRecorder;
import dev.switchboard.testing.DemoTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prober against the in-app simulator, with quick profiles: one probe sample per endpoint, right outcomes; and
 * replicas on one database, played by a second JDBC session (another replica's lock) and by concurrent runs.
 */
@QuarkusTest
@TestProfile(DemoTestProfile.class)
class ProbeJobTest {

    static final SimProfile QUICK = SimProfile.builder().ttftMs(20).ttftSpread(0.1).tokensPerSecond(2000)
            .outputTokens(12).outputTokensSpread(0.1).build();

    @Inject
    ProbeJob job;

    @Inject
    CatalogService catalog;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    SampleRecorder recorder;

    @Inject
    DataSource dataSource;

    @Inject
    ProbeConfig config;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> dbPassword;

    record Row(long endpointId, String outcome, Integer httpStatus, Integer ttftMs, int latencyMs,
               Integer inputTokens, Integer outputTokens, Double decodeTps, Double e2eTps) {
    }

    /** Two providers' endpoints (the provider filter), with upstream ids no other endpoint shares, at most five. */
    private List<CatalogEndpoint> pick() {
        Map<String, Long> idUse = catalog.current().endpoints().stream()
                .collect(Collectors.groupingBy(CatalogEndpoint::upstreamId, Collectors.counting()));
        List<String> slugs = catalog.current().providers().stream()
                .filter(p -> p.kind().id().equals("openai") || p.kind().id().equals("anthropic"))
                .map(p -> p.slug()).sorted().toList();
        Set<String> two = Set.of(slugs.get(0), slugs.get(slugs.size() - 1));
        List<CatalogEndpoint> all = ProbeJob.endpointsToProbe(catalog.current(), two);
        assertThat(all).isNotEmpty().allMatch(e -> two.contains(e.provider().slug()));
        return all.stream().filter(e -> idUse.get(e.upstreamId()) == 1).limit(5).toList();
    }

    @Test
    void probesEveryEndpointOnceAndRecordsOutcomesAndSpeeds() throws Exception {
        List<CatalogEndpoint> endpoints = pick();
        assertThat(endpoints).hasSizeGreaterThanOrEqualTo(3);
        CatalogEndpoint failing = endpoints.get(1);
        CatalogEndpoint limited = endpoints.get(2);
        Map<String, SimProfile> before = new HashMap<>();
        var profiles = simulator.server().runtime().profiles();
        for (CatalogEndpoint e : endpoints) {
            before.put(e.upstreamId(), profiles.snapshot().models().get(e.upstreamId()));
            profiles.put(e.upstreamId(), QUICK);
        }
        profiles.put(failing.upstreamId(), QUICK.toBuilder().serverErrorRate(1).build());
        profiles.put(limited.upstreamId(), QUICK.toBuilder().rateLimitedRate(1).build());
        Instant start = Instant.now();
        try {
            ProbeJob.RunResult result = job.runOnce(endpoints, false);
            assertThat(result.skippedLocked()).isFalse();
            assertThat(result.probed()).isEqualTo(endpoints.size());
            assertThat(result.ok()).isEqualTo(endpoints.size() - 2);
            assertThat(result.failed()).isEqualTo(2);
        } finally {
            before.forEach((id, p) -> {
                if (p == null) {
                    profiles.remove(id);
                } else {
                    profiles.put(id, p);
                }
            });
        }
        recorder.flush();
        Map<Long, Row> rows = rows(start);
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(
                endpoints.stream().map(CatalogEndpoint::id).toList());
        assertThat(rows.get(failing.id())).satisfies(r -> {
            assertThat(r.outcome()).isEqualTo("server_error");
            assertThat(r.httpStatus()).isGreaterThanOrEqualTo(500);
            assertThat(r.ttftMs()).isNull();
        });
        assertThat(rows.get(limited.id())).satisfies(r -> {
            assertThat(r.outcome()).isEqualTo("rate_limited");
            assertThat(r.httpStatus()).isEqualTo(429);
        });
        for (CatalogEndpoint e : endpoints) {
            if (e == failing || e == limited) {
                continue;
            }
            Row r = rows.get(e.id());
            assertThat(r.outcome()).as(e.slug()).isEqualTo("ok");
            assertThat(r.ttftMs()).as(e.slug()).isPositive();
            assertThat(r.latencyMs()).as(e.slug()).isGreaterThanOrEqualTo(r.ttftMs());
            assertThat(r.outputTokens()).as(e.slug()).isPositive();
            assertThat(r.inputTokens()).as(e.slug()).isPositive();
            assertThat(r.decodeTps()).as(e.slug()).isPositive();
            assertThat(r.e2eTps()).as(e.slug()).isPositive().isLessThan(r.decodeTps());
        }
    }

    @Test
    void skipsTheRunWhileAnotherReplicaHoldsTheLock() throws Exception {
        List<CatalogEndpoint> endpoints = pick();
        Instant start = Instant.now();
        try (Connection other = dataSource.getConnection()) {
            try (PreparedStatement ps = other.prepareStatement("select pg_advisory_lock(?)")) {
                ps.setLong(1, ProbeJob.LOCK_KEY);
                ps.execute();
            }
            try {
                ProbeJob.RunResult result = job.runOnce(endpoints, false);
                assertThat(result.skippedLocked()).isTrue();
                assertThat(result.probed()).isZero();
            } finally {
                try (PreparedStatement ps = other.prepareStatement("select pg_advisory_unlock(?)")) {
                    ps.setLong(1, ProbeJob.LOCK_KEY);
                    ps.execute();
                }
            }
        }
        recorder.flush();
        assertThat(rows(start)).isEmpty();
    }

    @Test
    void twoReplicasTickingTogetherProbeEachEndpointOnce() throws Exception {
        List<CatalogEndpoint> endpoints = pick();
        forgetLastRun();
        Instant start = Instant.now();
        List<ProbeJob.RunResult> results = withQuickProfiles(endpoints, () -> {
            CyclicBarrier together = new CyclicBarrier(2);
            Supplier<ProbeJob.RunResult> replica = () -> {
                try {
                    together.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return job.runIfDue(endpoints, false);
            };
            // threads of their own: the common pool may have a single thread on a small machine
            ExecutorService replicas = Executors.newFixedThreadPool(2);
            try {
                var a = CompletableFuture.supplyAsync(replica, replicas);
                var b = CompletableFuture.supplyAsync(replica, replicas);
                return List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));
            } finally {
                replicas.shutdown();
            }
        });
        // One probed; the other found the lock taken or, if it came after, a run started less than an interval ago.
        assertThat(results).filteredOn(r -> !r.skipped()).singleElement()
                .satisfies(r -> assertThat(r.probed()).isEqualTo(endpoints.size()));
        assertThat(results).filteredOn(ProbeJob.RunResult::skipped).hasSize(1);
        recorder.flush();
        assertThat(rows(start).keySet()).containsExactlyInAnyOrderElementsOf(
                endpoints.stream().map(CatalogEndpoint::id).toList());
    }

    @Test
    void aReplicaTickingLaterInTheIntervalDoesNotProbeAgainUntilTheNextInterval() throws Exception {
        List<CatalogEndpoint> endpoints = pick();
        forgetLastRun();
        Instant start = Instant.now();
        withQuickProfiles(endpoints, () -> {
            assertThat(job.runIfDue(endpoints, false).probed()).isEqualTo(endpoints.size());
            // replica B ticks later in the same interval, after A's run has ended and released the lock
            assertThat(job.runIfDue(endpoints, false).skippedNotDue()).isTrue();
            backdateLastRun(config.interval().multipliedBy(8).dividedBy(10));
            assertThat(job.runIfDue(endpoints, false).skippedNotDue()).isTrue();
            recorder.flush();
            assertThat(rows(start)).hasSize(endpoints.size()); // still one each
            // a whole interval after A's run started: whichever replica ticks first probes
            backdateLastRun(config.interval());
            assertThat(job.runIfDue(endpoints, false).probed()).isEqualTo(endpoints.size());
            return null;
        });
        recorder.flush();
        assertThat(count("select count(*) from samples where source = 'probe' and started_at >= ?", start))
                .isEqualTo(2L * endpoints.size());
    }

    @Test
    void aDeadReplicasLockGoesWithItsSessionAndTheNextDueTickProbes() throws Exception {
        List<CatalogEndpoint> endpoints = pick();
        Instant start = Instant.now();
        int pid;
        try (Connection other = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword.orElse(""))) {
            try (PreparedStatement ps = other.prepareStatement("select pg_advisory_lock(?), pg_backend_pid()")) {
                ps.setLong(1, ProbeJob.LOCK_KEY);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    pid = rs.getInt(2);
                }
            }
            // replica A, mid-run, claimed this interval's run when it started
            try (PreparedStatement ps = other.prepareStatement("""
                    insert into job_state (name, value, updated_at) values (?, now()::text, now())
                    on conflict (name) do update set value = excluded.value, updated_at = excluded.updated_at""")) {
                ps.setString(1, ProbeJob.LAST_RUN);
                ps.executeUpdate();
            }
            assertThat(job.runIfDue(endpoints, false).skippedLocked()).isTrue();
            // A dies: its backend goes, and the lock with it
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("select pg_terminate_backend(?)")) {
                ps.setInt(1, pid);
                ps.execute();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (count("select count(*) from pg_locks where locktype = 'advisory' and pid = ?", pid) > 0) {
                assertThat(System.nanoTime()).as("the dead session's lock is released").isLessThan(deadline);
                Thread.onSpinWait();
            }
        }
        // B ticks again within A's interval: not due, so what A probed before it died is not probed twice
        assertThat(job.runIfDue(endpoints, false).skippedNotDue()).isTrue();
        // B's first tick a whole interval after A's run started takes over: a gap of at most one interval
        backdateLastRun(config.interval());
        ProbeJob.RunResult takeover = withQuickProfiles(endpoints, () -> job.runIfDue(endpoints, false));
        assertThat(takeover.skipped()).isFalse();
        assertThat(takeover.probed()).isEqualTo(endpoints.size());
        recorder.flush();
        assertThat(rows(start)).hasSize(endpoints.size());
    }

    @Test
    void eachEndpointKeepsItsPlaceInTheSpreadWindowRunAfterRun() {
        long window = Duration.ofSeconds(45).toNanos();
        int[] tenths = new int[10];
        for (long id = 1; id <= 1000; id++) {
            long offset = ProbeJob.offsetOf(id, window);
            assertThat(offset).isBetween(0L, window - 1).isEqualTo(ProbeJob.offsetOf(id, window));
            tenths[(int) (offset * 10 / window)]++;
        }
        // consecutive ids spread over the whole window, not bunched
        assertThat(java.util.Arrays.stream(tenths).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
        assertThat(ProbeJob.offsetOf(42, 0)).isZero();
    }

    @Test
    void theProviderFilterKeepsRoutableEndpointsOfTheNamedProvidersButNoEmbeddingOnes() {
        // a chat probe would mark an embedding endpoint down: those are left out
        var chatEndpoints = catalog.current().endpoints().stream().filter(e -> !catalog.current()
                .model(e.modelSlug()).orElseThrow().outputModalities().contains("embeddings")).toList();
        assertThat(chatEndpoints).hasSizeLessThan(catalog.current().endpoints().size());
        assertThat(ProbeJob.endpointsToProbe(catalog.current(), Set.of()))
                .containsExactlyInAnyOrderElementsOf(chatEndpoints);
        assertThat(ProbeJob.endpointsToProbe(catalog.current(), Set.of("no-such-provider"))).isEmpty();
    }

    interface Body<T> {
        T run() throws Exception;
    }

    /** Runs {@code body} with quick, fault-free simulator profiles on {@code endpoints}, then restores theirs. */
    private <T> T withQuickProfiles(List<CatalogEndpoint> endpoints, Body<T> body) throws Exception {
        var profiles = simulator.server().runtime().profiles();
        Map<String, SimProfile> before = new HashMap<>();
        for (CatalogEndpoint e : endpoints) {
            before.put(e.upstreamId(), profiles.snapshot().models().get(e.upstreamId()));
            profiles.put(e.upstreamId(), QUICK);
        }
        try {
            return body.run();
        } finally {
            before.forEach((id, p) -> {
                if (p == null) {
                    profiles.remove(id);
                } else {
                    profiles.put(id, p);
                }
            });
        }
    }

    private void forgetLastRun() throws Exception {
        update("delete from job_state where name = ?", ProbeJob.LAST_RUN);
    }

    /** As if the last run had started {@code ago} before now. */
    private void backdateLastRun(Duration ago) throws Exception {
        update("update job_state set updated_at = now() - make_interval(secs => ?) where name = ?",
                ago.toMillis() / 1000.0, ProbeJob.LAST_RUN);
    }

    private void update(String sql, Object... params) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private long count(String sql, Object... params) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i] instanceof Instant t ? OffsetDateTime.ofInstant(t, ZoneOffset.UTC)
                        : params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private Map<Long, Row> rows(Instant since) throws Exception {
        Map<Long, Row> rows = new LinkedHashMap<>();
        List<Long> dup = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select endpoint_id, outcome, http_status, ttft_ms, latency_ms, input_tokens, output_tokens,
                    decode_tps, e2e_tps from samples where source = 'probe' and started_at >= ?""")) {
            ps.setObject(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = new Row(rs.getLong(1), rs.getString(2), (Integer) rs.getObject(3),
                            (Integer) rs.getObject(4), rs.getInt(5), (Integer) rs.getObject(6),
                            (Integer) rs.getObject(7), rs.getObject(8) == null ? null : rs.getDouble(8),
                            rs.getObject(9) == null ? null : rs.getDouble(9));
                    if (rows.put(r.endpointId(), r) != null) {
                        dup.add(r.endpointId());
                    }
                }
            }
        }
        assertThat(dup).as("endpoints with more than one probe sample").isEmpty();
        return rows;
    }
}
