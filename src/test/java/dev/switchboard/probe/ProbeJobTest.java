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
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The prober against the in-app simulator, with quick profiles: one probe sample per endpoint, right outcomes. */
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
    void theProviderFilterKeepsRoutableEndpointsOfTheNamedProviders() {
        assertThat(ProbeJob.endpointsToProbe(catalog.current(), Set.of()))
                .hasSameSizeAs(catalog.current().endpoints());
        assertThat(ProbeJob.endpointsToProbe(catalog.current(), Set.of("no-such-provider"))).isEmpty();
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
