package dev.switchboard.stats;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Samples through the recorder into the real Postgres, rolled up, read back by the snapshot and the series. Each
 * test owns its endpoint or its stretch of the past, so they do not see each other's samples: the rollup tests use
 * testlab/alpha a day and more ago, the snapshot test testlab/beta, the series test testlab/gamma, the retention
 * test alpha days and weeks ago. The retention test drops raw samples older than four days, which only it (and,
 * after its assertions, the snapshot test) has.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class StatsPipelineTest {

    @Inject
    CatalogService catalog;

    @Inject
    SampleRecorder recorder;

    @Inject
    RollupJob rollup;

    @Inject
    StatsSnapshot snapshot;

    @Inject
    StatsSeries series;

    @Inject
    SamplePartitions partitions;

    @Inject
    DataSource dataSource;

    @Test
    void samplesAreWrittenAndRolledUpIdempotently() throws SQLException {
        long ep = endpoint(TestCatalog.ALPHA, TestCatalog.PROVIDER);
        Instant minute = hoursAgo(30).plus(Duration.ofMinutes(10));
        long writtenBefore = recorder.counters().written();
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            samples.add(ok(ep, minute.plusSeconds(i), 100 + 100 * i, 50 + 10 * i)); // TTFT 100..600 ms
        }
        samples.add(failed(ep, minute.plusSeconds(10), SampleOutcome.SERVER_ERROR, 503));
        samples.add(failed(ep, minute.plusSeconds(11), SampleOutcome.SERVER_ERROR, 500));
        samples.add(failed(ep, minute.plusSeconds(12), SampleOutcome.TIMEOUT, null));
        for (int i = 0; i < 3; i++) {
            samples.add(failed(ep, minute.plusSeconds(20 + i), SampleOutcome.RATE_LIMITED, 429));
        }
        samples.add(failed(ep, minute.plusSeconds(30), SampleOutcome.CALLER_ERROR, 400));
        samples.add(failed(ep, minute.plusSeconds(31), SampleOutcome.CANCELLED, null));
        samples.add(ok(ep, minute.plusSeconds(60), 1000, 20)); // the next minute
        samples.add(ok(ep, minute.plusSeconds(119), 2000, 10));
        samples.forEach(s -> assertTrue(recorder.record(s)));
        recorder.flush();

        assertTrue(recorder.counters().written() - writtenBefore >= samples.size());
        assertEquals(samples.size(), count("select count(*) from samples where endpoint_id = ? and started_at >= ? "
                + "and started_at < ?", ep, minute, minute.plus(Duration.ofMinutes(2))));
        assertEquals(1, count("select count(*) from samples where endpoint_id = ? and started_at = ? "
                + "and source = 'probe' and outcome = 'server_error' and http_status = 503 and latency_ms = 900",
                ep, minute.plusSeconds(10)));

        rollup.runOnce();
        List<String> minutesFirst = rows("rollups_minute", ep, minute, minute.plus(Duration.ofMinutes(2)));
        List<String> hourFirst = rows("rollups_hour", ep, hourOf(minute), hourOf(minute).plusSeconds(1));
        RollupJob.Result again = rollup.runOnce();
        assertTrue(again.ran());
        assertEquals(minutesFirst, rows("rollups_minute", ep, minute, minute.plus(Duration.ofMinutes(2))));
        assertEquals(hourFirst, rows("rollups_hour", ep, hourOf(minute), hourOf(minute).plusSeconds(1)));
        assertEquals(2, minutesFirst.size());

        Map<String, Object> m = row("rollups_minute", ep, minute);
        assertEquals(14, m.get("total"));
        assertEquals(6, m.get("ok"));
        assertEquals(3, m.get("failed"));
        assertEquals(3, m.get("rate_limited"));
        assertEquals(2, m.get("excluded"));
        assertEquals("{\"timeout\": 1, \"cancelled\": 1, \"caller_error\": 1, \"rate_limited\": 3, "
                + "\"server_error\": 2}", m.get("failures"));
        assertEquals(6, m.get("ttft_count"));
        assertEquals(350.0f, m.get("ttft_p50")); // exact in minute rows: between 300 and 400
        assertEquals(6, m.get("decode_count"));
        assertEquals(75.0f, m.get("decode_p50"));
        assertEquals(14L * 10, m.get("tokens_in")); // failed calls read their input too
        assertEquals(6L * 200, m.get("tokens_out"));
        // 429s are counted apart: uptime over this minute is 6 / (6 + 3), not 6 / (6 + 3 + 3).
        assertEquals(200.0 / 3, 100.0 * (int) m.get("ok") / ((int) m.get("ok") + (int) m.get("failed")), 1e-9);

        Map<String, Object> h = row("rollups_hour", ep, hourOf(minute));
        assertEquals(16, h.get("total"));
        assertEquals(8, h.get("ok"));
        assertEquals(8, h.get("ttft_count"));
        // Hour rows read the merged histogram: the median of 100..600, 1000, 2000 is 450, within bucket error.
        assertWithin(450, (double) (float) h.get("ttft_p50"), 0.05);
        assertEquals(minute.plusSeconds(119), ((java.time.OffsetDateTime) h.get("last_started_at")).toInstant());
    }

    @Test
    void aLateSampleIsCountedWhenTheRollupRunsAgain() throws SQLException {
        long ep = endpoint(TestCatalog.ALPHA, TestCatalog.PROVIDER_2);
        Instant minute = hoursAgo(33).plus(Duration.ofMinutes(20));
        for (int i = 0; i < 3; i++) {
            recorder.record(ok(ep, minute.plusSeconds(i), 100, 50));
        }
        recorder.flush();
        rollup.runOnce();
        assertEquals(3, row("rollups_minute", ep, minute).get("total"));
        assertEquals(3, row("rollups_hour", ep, hourOf(minute)).get("total"));

        recorder.record(failed(ep, minute.plusSeconds(40), SampleOutcome.CONNECTION, null));
        recorder.flush();
        rollup.runOnce();
        Map<String, Object> m = row("rollups_minute", ep, minute);
        assertEquals(4, m.get("total"));
        assertEquals(1, m.get("failed"));
        assertEquals("{\"connection\": 1}", m.get("failures"));
        assertEquals(4, row("rollups_hour", ep, hourOf(minute)).get("total"));
    }

    @Test
    void theSnapshotShowsRecentLatencyThroughputAndUptime() throws SQLException {
        long ep = endpoint(TestCatalog.BETA, TestCatalog.PROVIDER);
        forget(ep);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS); // what Postgres keeps
        Instant recent = now.minus(Duration.ofMinutes(5));
        double[] recentTtft = new double[20];
        for (int i = 0; i < 20; i++) {
            recentTtft[i] = 200 + 37 * i; // 200..903 ms
            recorder.record(ok(ep, recent.plusMillis(i), (int) recentTtft[i], 40 + i));
        }
        for (int i = 0; i < 5; i++) {
            recorder.record(failed(ep, recent.plusMillis(100 + i), SampleOutcome.SERVER_ERROR, 502));
        }
        for (int i = 0; i < 10; i++) {
            recorder.record(failed(ep, recent.plusMillis(200 + i), SampleOutcome.RATE_LIMITED, 429));
        }
        Instant earlier = now.minus(Duration.ofHours(3));
        for (int i = 0; i < 10; i++) {
            recorder.record(ok(ep, earlier.plusSeconds(i), 2_000, 10)); // outside the hour and the routing window
        }
        Instant daysAgo = now.minus(Duration.ofDays(4)); // older than the minute rows kept: its hour comes from samples
        for (int i = 0; i < 4; i++) {
            recorder.record(ok(ep, daysAgo.plusSeconds(i), 500, 30));
            recorder.record(failed(ep, daysAgo.plusSeconds(10 + i), SampleOutcome.AUTH, 401));
        }
        recorder.flush();
        rollup.runOnce();
        snapshot.reload();

        EndpointStats s = snapshot.forEndpoint(ep);
        assertEquals(Uptime.of(20, 5, 10), s.uptime1h());
        assertEquals(80.0, s.uptime1h().percent(), 1e-9); // 429s do not lower uptime
        assertEquals(Uptime.of(30, 5, 10), s.uptime24h());
        assertEquals(Uptime.of(34, 9, 10), s.uptime7d());
        assertEquals(Uptime.of(34, 9, 10), s.uptime30d());

        double[] dayTtft = Arrays.copyOf(recentTtft, 30);
        Arrays.fill(dayTtft, 20, 30, 2_000);
        Arrays.sort(dayTtft);
        assertEquals(30, s.ttft().count());
        assertWithin(RollupAccumulator.exactPercentile(dayTtft, 30, 0.5), s.ttft().p50(), 0.05);
        assertWithin(RollupAccumulator.exactPercentile(dayTtft, 30, 0.9), s.ttft().p90(), 0.05);
        assertEquals(30, s.decode().count());
        assertEquals(30, s.e2e().count());
        assertEquals(20, s.routingTtft().count());
        assertWithin(RollupAccumulator.exactPercentile(recentTtft, 20, 0.5), s.routingTtft().p50(), 0.05);
        assertEquals(20, s.routingDecode().count());
        assertWithin(49.5, s.routingDecode().p50(), 0.05);
        assertEquals((20 + 5 + 10) * 10 + 20 * 200, s.tokensPerMinute() * 60, 1e-6);
        assertEquals(recent.plusMillis(209), s.lastSampleAt());

        // A later refresh reads only what changed, and sees it.
        recorder.record(ok(ep, now.minus(Duration.ofMinutes(1)), 300, 60));
        recorder.flush();
        rollup.runOnce();
        snapshot.refresh();
        assertEquals(Uptime.of(21, 5, 10), snapshot.forEndpoint(ep).uptime1h());
        assertEquals(31, snapshot.forEndpoint(ep).ttft().count());

        // A model across its providers: the other endpoint has no recent data, so the merge equals this one.
        long none = -1;
        assertSame(EndpointStats.NONE, snapshot.forEndpoint(none));
        EndpointStats merged = snapshot.forEndpoints(List.of(ep, none));
        assertEquals(snapshot.forEndpoint(ep).uptime24h(), merged.uptime24h());
        assertEquals(snapshot.forEndpoint(ep).ttft(), merged.ttft());
        assertFalse(snapshot.forEndpoints(List.of(none)).hasData());
        assertNull(snapshot.forEndpoints(List.of(none)).ttft().p50());
    }

    @Test
    void theSeriesHasOnePointPerHourWithGapsAsNoData() throws SQLException {
        long ep = endpoint(TestCatalog.GAMMA, TestCatalog.PROVIDER_2);
        forget(ep);
        Instant now = Instant.now();
        Instant twoHoursAgo = now.minus(Duration.ofHours(2));
        recorder.record(ok(ep, twoHoursAgo, 400, 80));
        recorder.record(ok(ep, twoHoursAgo.plusMillis(1), 600, 80));
        recorder.record(failed(ep, twoHoursAgo.plusMillis(2), SampleOutcome.SERVER_ERROR, 500));
        recorder.record(failed(ep, twoHoursAgo.plusMillis(3), SampleOutcome.RATE_LIMITED, 429));
        recorder.record(ok(ep, now.minus(Duration.ofDays(3)), 400, 80)); // before the day window
        recorder.flush();
        rollup.runOnce();

        long none = -2;
        Map<Long, List<StatsSeries.Point>> day = series.hourly(List.of(ep, none), StatsSeries.Window.DAY);
        assertEquals(List.of(ep, none), List.copyOf(day.keySet()));
        List<StatsSeries.Point> points = day.get(ep);
        assertEquals(24, points.size());
        assertEquals(now.truncatedTo(ChronoUnit.HOURS), points.get(23).start());
        StatsSeries.Point p = points.get(21);
        assertEquals(twoHoursAgo.truncatedTo(ChronoUnit.HOURS), p.start());
        assertEquals(2, p.successes());
        assertEquals(1, p.failures());
        assertEquals(1, p.rateLimited());
        assertEquals(200.0 / 3, p.uptimePercent(), 1e-4);
        assertWithin(500, p.ttftP50(), 0.05); // between 400 and 600, as percentile_cont would say
        assertEquals(2, p.ttftCount());
        assertEquals(40, p.tokensIn()); // failed calls read their input too
        assertEquals(400, p.tokensOut());
        assertEquals(1, points.stream().filter(StatsSeries.Point::hasCalls).count());
        assertNull(points.get(0).uptimePercent());
        assertNull(points.get(0).ttftP50());
        assertTrue(day.get(none).stream().noneMatch(StatsSeries.Point::hasCalls));

        List<StatsSeries.Point> week = series.hourly(List.of(ep), StatsSeries.Window.WEEK).get(ep);
        assertEquals(168, week.size());
        assertEquals(2, week.stream().filter(StatsSeries.Point::hasCalls).count());
    }

    @Test
    void partitionsAreMadeAheadAndRetentionDropsOldDaysButKeepsRollups() throws SQLException {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        partitions.ensureAhead();
        List<LocalDate> days = partitions.days();
        assertTrue(days.containsAll(List.of(today.minusDays(1), today, today.plusDays(3))), days.toString());

        long ep = endpoint(TestCatalog.ALPHA, TestCatalog.PROVIDER_2);
        // A sample for a day without a partition lands in the default one, and moves when the day gets its own.
        LocalDate tenDaysAgo = today.minusDays(10);
        Instant tenDaysAgoNoon = tenDaysAgo.atTime(12, 0).toInstant(ZoneOffset.UTC);
        recorder.record(ok(ep, tenDaysAgoNoon, 100, 10));
        recorder.flush();
        assertEquals("samples_default", partitionOf(ep, tenDaysAgoNoon));
        assertTrue(partitions.ensure(tenDaysAgo));
        assertFalse(partitions.ensure(tenDaysAgo));
        assertEquals(SamplePartitions.nameOf(tenDaysAgo), partitionOf(ep, tenDaysAgoNoon));

        // Five days back: inside the sample retention, past the minute rollups kept, so its hour is built from
        // its samples.
        LocalDate fiveDaysAgo = today.minusDays(5);
        Instant fiveDaysAgoNoon = fiveDaysAgo.atTime(12, 0).toInstant(ZoneOffset.UTC);
        partitions.ensure(fiveDaysAgo);
        recorder.record(ok(ep, fiveDaysAgoNoon, 100, 10));
        recorder.record(ok(ep, fiveDaysAgoNoon.plusSeconds(90), 300, 10));
        Instant fifteenDaysAgo = today.minusDays(15).atTime(12, 0).toInstant(ZoneOffset.UTC);
        recorder.record(ok(ep, fifteenDaysAgo, 100, 10)); // stays in the default partition
        recorder.flush();
        assertEquals(SamplePartitions.nameOf(fiveDaysAgo), partitionOf(ep, fiveDaysAgoNoon));
        rollup.runOnce();
        assertEquals(2, row("rollups_hour", ep, hourOf(fiveDaysAgoNoon)).get("total"));
        // Ten days back is past the sample retention: the minute is counted, but its hour is left alone, since some
        // of that hour's samples may be gone already.
        assertEquals(1, row("rollups_minute", ep, tenDaysAgoNoon).get("total"));
        assertEquals(0, count("select count(*) from rollups_hour where endpoint_id = ? and bucket_start = ?", ep,
                hourOf(tenDaysAgoNoon)));

        List<String> dropped = partitions.dropOlderThan(Duration.ofDays(4));
        assertTrue(dropped.containsAll(List.of(SamplePartitions.nameOf(tenDaysAgo),
                SamplePartitions.nameOf(fiveDaysAgo))), dropped.toString());
        assertFalse(partitions.days().contains(fiveDaysAgo));
        assertTrue(partitions.days().containsAll(List.of(today.minusDays(1), today)));
        assertEquals(0, count("select count(*) from samples where endpoint_id = ? and started_at in (?, ?, ?)", ep,
                tenDaysAgoNoon, fiveDaysAgoNoon, fifteenDaysAgo));
        assertEquals(0, count("select count(*) from pg_class where relname = ?",
                SamplePartitions.nameOf(fiveDaysAgo)));
        assertEquals(2, row("rollups_hour", ep, hourOf(fiveDaysAgoNoon)).get("total"));
        assertEquals(1, row("rollups_minute", ep, fiveDaysAgoNoon).get("total"));
    }

    // --- helpers

    private long endpoint(String model, String provider) {
        return catalog.current().model(model).orElseThrow().endpoints().stream()
                .filter(e -> e.provider().slug().equals(provider)).mapToLong(CatalogEndpoint::id)
                .findFirst().orElseThrow();
    }

    private static Sample ok(long ep, Instant at, int ttftMs, double decodeTps) {
        return new Sample(ep, at, Sample.Source.PROBE, SampleOutcome.OK, 200, ttftMs, ttftMs + 2_000, 10, 200,
                decodeTps, decodeTps / 2);
    }

    private static Sample failed(long ep, Instant at, SampleOutcome outcome, Integer status) {
        return new Sample(ep, at, Sample.Source.PROBE, outcome, status, null, 900, 10, null, null, null);
    }

    private static Instant hoursAgo(int hours) {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(hours));
    }

    private static Instant hourOf(Instant t) {
        return t.truncatedTo(ChronoUnit.HOURS);
    }

    private static void assertWithin(double expected, Double actual, double tolerance) {
        assertTrue(actual != null && Math.abs(actual - expected) <= expected * tolerance,
                "expected " + expected + " within " + tolerance * 100 + "%, got " + actual);
    }

    /** Removes an endpoint's samples and rollups, for a test that needs its recent windows to itself. */
    private void forget(long ep) throws SQLException {
        for (String table : List.of("samples", "rollups_minute", "rollups_hour")) {
            update("delete from " + table + " where endpoint_id = ?", ep);
        }
    }

    private String partitionOf(long ep, Instant startedAt) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select tableoid::regclass::text from samples where endpoint_id = ? and started_at = ?")) {
            bind(ps, ep, startedAt);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no sample at " + startedAt);
                return rs.getString(1);
            }
        }
    }

    /** Whole rows as text (updated_at included), to compare runs. */
    private List<String> rows(String table, long ep, Instant from, Instant to) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select r::text from " + table + " r where endpoint_id = ? "
                     + "and bucket_start >= ? and bucket_start < ? order by bucket_start")) {
            bind(ps, ep, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        assertNotEquals(0, out.size(), "no " + table + " rows");
        return out;
    }

    private Map<String, Object> row(String table, long ep, Instant bucket) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select total, ok, failed, rate_limited, excluded, "
                     + "failures::text as failures, ttft_count, ttft_p50, decode_count, decode_p50, tokens_in, "
                     + "tokens_out, last_started_at from " + table + " where endpoint_id = ? and bucket_start = ?")) {
            bind(ps, ep, bucket);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no " + table + " row for " + ep + " at " + bucket);
                return Map.ofEntries(Map.entry("total", rs.getInt("total")), Map.entry("ok", rs.getInt("ok")),
                        Map.entry("failed", rs.getInt("failed")), Map.entry("rate_limited", rs.getInt("rate_limited")),
                        Map.entry("excluded", rs.getInt("excluded")), Map.entry("failures", rs.getString("failures")),
                        Map.entry("ttft_count", rs.getInt("ttft_count")), Map.entry("ttft_p50", rs.getFloat("ttft_p50")),
                        Map.entry("decode_count", rs.getInt("decode_count")),
                        Map.entry("decode_p50", rs.getFloat("decode_p50")),
                        Map.entry("tokens_in", rs.getLong("tokens_in")), Map.entry("tokens_out", rs.getLong("tokens_out")),
                        Map.entry("last_started_at", rs.getObject("last_started_at", java.time.OffsetDateTime.class)));
            }
        }
    }

    private long count(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void update(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i] instanceof Instant t ? RollupRows.utc(t) : params[i]);
        }
    }
}
