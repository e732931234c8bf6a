package dev.switchboard.stats;

import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.logging.Log;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the stats hold up at catalog scale: 1500 endpoints, each with a month of hour rows and an hour of minute
 * rows. Seeding takes a while, so it runs only when asked: {@code ./mvnw test -Dtest=StatsScaleTest
 * -Dstats.scale=true}. Prints its timings; the bounds asserted are loose so a busy machine does not fail it.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
@EnabledIfSystemProperty(named = "stats.scale", matches = "true")
class StatsScaleTest {

    private static final long FIRST = 1_000_001;
    private static final int ENDPOINTS = 1500;

    @Inject
    StatsSnapshot snapshot;

    @Inject
    RollupJob rollup;

    @Inject
    SampleRecorder recorder;

    @Inject
    DataSource dataSource;

    @AfterEach
    void forget() throws SQLException {
        sql("delete from samples where endpoint_id >= " + FIRST);
        sql("delete from rollups_minute where endpoint_id >= " + FIRST);
        sql("delete from rollups_hour where endpoint_id >= " + FIRST);
    }

    @Test
    void refreshingStatsOf1500EndpointsTakesTensOfMilliseconds() throws SQLException {
        long seeding = System.nanoTime();
        String values = """
                60, 58, 1, 1, 0, '{"server_error": 1}', 58, 300, 500, 900, 58, 80, 120, 58, 70, 10000, 20000,
                '{88,10,90,20,93,20,98,8}', '{70,30,75,28}', '{66,30,70,28}'""";
        sql("insert into rollups_hour (" + RollupRows.COLUMNS + ", updated_at) select e, h, " + values
                + ", h + interval '59 minutes', now() - interval '10 minutes'"
                + " from generate_series(" + FIRST + ", " + (FIRST + ENDPOINTS - 1) + ") e,"
                + " generate_series(date_trunc('hour', now()) - interval '719 hours', date_trunc('hour', now()),"
                + " interval '1 hour') h");
        sql("insert into rollups_minute (" + RollupRows.COLUMNS + ", updated_at) select e, m, " + values
                + ", m + interval '59 seconds', now() - interval '10 minutes'"
                + " from generate_series(" + FIRST + ", " + (FIRST + ENDPOINTS - 1) + ") e,"
                + " generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()),"
                + " interval '1 minute') m");
        sql("analyze rollups_hour");
        sql("analyze rollups_minute");
        Log.infof("Scale: seeded %d endpoints in %d ms", ENDPOINTS, (System.nanoTime() - seeding) / 1_000_000);

        long reload = time(snapshot::reload);
        long[] refreshes = new long[15];
        for (int i = 0; i < refreshes.length; i++) {
            simulateRollupRun();
            refreshes[i] = time(snapshot::refresh);
        }
        long[] idle = new long[5];
        for (int i = 0; i < idle.length; i++) {
            idle[i] = time(snapshot::refresh); // no rollup since the last refresh: nothing to read
        }
        long[] lookups = new long[5];
        for (int i = 0; i < lookups.length; i++) {
            // What a Models page of 500 models with three providers each asks for.
            lookups[i] = time(() -> LongStream.range(0, 500).forEach(m -> snapshot.forEndpoints(
                    java.util.List.of(FIRST + 3 * m, FIRST + 3 * m + 1, FIRST + 3 * m + 2))));
        }
        Arrays.sort(refreshes);
        Log.infof("Scale: reload %d ms; refresh after a rollup run: median %d ms, min %d (all %s); refresh with no "
                + "rollup since: %s ms; 500 model merges, first %d ms, then %s ms", reload,
                refreshes[refreshes.length / 2], refreshes[0], Arrays.toString(refreshes), Arrays.toString(idle),
                lookups[0], Arrays.toString(Arrays.copyOfRange(lookups, 1, lookups.length)));

        EndpointStats s = snapshot.forEndpoint(FIRST);
        assertEquals(720 * 58, s.uptime30d().successes());
        assertEquals(24 * 58, s.ttft().count());
        assertEquals(60 * 58, s.uptime1h().successes());
        assertTrue(refreshes[refreshes.length / 2] < 250, "refresh median " + refreshes[refreshes.length / 2] + " ms");
    }

    @Test
    void rollingUpAMinuteOf1500EndpointsAfterAnHourOfThem() throws SQLException {
        Instant now = Instant.now();
        for (int minute = 60; minute >= 1; minute--) {
            recordMinute(now.minus(Duration.ofMinutes(minute)));
        }
        long flush = time(recorder::flush);
        // As if each sample had been written as it happened, and the rollup had never run: it catches up in chunks.
        sql("update samples set recorded_at = started_at + interval '1 second' where endpoint_id >= " + FIRST);
        sql("delete from job_state where name = '" + RollupJob.WATERMARK + "'");
        long catchUp = time(rollup::runOnce);
        long[] steady = new long[3];
        for (int i = 0; i < steady.length; i++) {
            recordMinute(now.plusSeconds(i)); // the current minute, filling up
            recorder.flush();
            steady[i] = time(rollup::runOnce);
        }
        Log.infof("Scale: flushed %d samples in %d ms; catching up on an hour took %d ms; steady runs %s ms",
                60 * ENDPOINTS, flush, catchUp, Arrays.toString(steady));
        assertEquals(63L * ENDPOINTS, count("select sum(total) from rollups_hour where endpoint_id >= " + FIRST));
    }

    /**
     * What one rollup run leaves behind, stamped with its mark as the job does: the newest minutes and the current
     * hour rewritten for every endpoint (three minutes is more than a steady run changes: unchanged rows are not
     * rewritten).
     */
    private void simulateRollupRun() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("update rollups_minute set updated_at = now() where endpoint_id >= " + FIRST
                    + " and bucket_start >= date_trunc('minute', now()) - interval '2 minutes'");
            s.execute("update rollups_hour set updated_at = now() where endpoint_id >= " + FIRST
                    + " and bucket_start = date_trunc('hour', now())");
            s.execute("insert into job_state (name, value, updated_at) values ('" + RollupJob.WATERMARK
                    + "', now()::text, now()) on conflict (name) do update set updated_at = now()");
            c.commit();
        }
    }

    private void recordMinute(Instant at) {
        for (long e = FIRST; e < FIRST + ENDPOINTS; e++) {
            recorder.record(new Sample(e, at, Sample.Source.PROBE, SampleOutcome.OK, 200, 300 + (int) (e % 200),
                    2_000, 12, 150, 60.0 + e % 40, 50.0));
        }
    }

    private long count(String query) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static long time(Runnable r) {
        long started = System.nanoTime();
        r.run();
        return (System.nanoTime() - started) / 1_000_000;
    }
}
