package dev.switchboard.stats;

import dev.switchboard.proxy.SkipWhileDraining;
import dev.switchboard.stats.RollupAccumulator.Percentiles;
import dev.switchboard.stats.RollupRows.Grain;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Brings the rollups up to date with the samples. Each run finds the (endpoint, minute) buckets that samples
 * recorded since the last run fall in, recomputes those minute rows wholly from their raw samples, then recomputes
 * the hours they belong to by merging each hour's minute rows. Recomputing (never incrementing) makes a run
 * idempotent and lets late samples in: a re-run over the same samples writes nothing.
 *
 * <p>"Since the last run" is a watermark of {@code recorded_at} in {@code job_state}, read back with a 2-minute
 * overlap, because {@code recorded_at} is the inserting transaction's start and a slow transaction commits after a
 * run that began later. A run reads at most {@link #CHUNK} of {@code recorded_at} per transaction, so catching up
 * after downtime holds bounded memory and keeps what it did. Replicas take turns through an advisory lock.
 *
 * <p>Each chunk stamps the rows it changes, and the watermark row's {@code updated_at}, with one mark: the database
 * clock read once the lock is held. Chunks hold the lock until they commit, so marks grow in commit order and
 * {@link StatsSnapshot} can read exactly the rows changed after the last mark it saw.
 *
 * <p>Percentiles: minute rows are exact over their raw samples; hour rows come from the merged histograms.
 */
@ApplicationScoped
public class RollupJob {

    /** What a run did: whether it got the lock, rows computed (unchanged ones included), and where it stopped. */
    public record Result(boolean ran, int minuteRows, int hourRows, Instant watermark) {
    }

    static final String WATERMARK = "rollup.watermark";
    static final Duration OVERLAP = Duration.ofMinutes(2);
    static final Duration CHUNK = Duration.ofMinutes(15);
    private static final long LOCK_KEY = 0x5357_524f_4c4c_5550L; // "SWROLLUP"
    private static final int FETCH_SIZE = 10_000;

    @Inject
    DataSource dataSource;

    @Inject
    StatsConfig config;

    private record Key(long endpointId, Instant bucket) {
    }

    @Scheduled(every = "${switchboard.stats.rollup-interval:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SkipWhileDraining.class)
    void scheduled() {
        try {
            Result result = run(false);
            if (result.ran()) {
                Log.debugf("Rollup: %d minute rows, %d hour rows, up to %s", result.minuteRows(), result.hourRows(),
                        result.watermark());
            }
        } catch (RuntimeException e) {
            Log.warnf("Rollup failed, retrying next run: %s", e.getMessage());
        }
    }

    /** Brings the rollups up to date now, waiting for a run of another replica to finish first. */
    public Result runOnce() {
        return run(true);
    }

    private Result run(boolean wait) {
        int minutes = 0;
        int hours = 0;
        while (true) {
            Chunk chunk = QuarkusTransaction.requiringNew().timeout(600).call(() -> chunk(wait));
            if (!chunk.ran) {
                return new Result(false, minutes, hours, null);
            }
            minutes += chunk.minuteRows;
            hours += chunk.hourRows;
            if (chunk.caughtUp) {
                return new Result(true, minutes, hours, chunk.watermark);
            }
        }
    }

    private record Chunk(boolean ran, boolean caughtUp, int minuteRows, int hourRows, Instant watermark) {
    }

    private Chunk chunk(boolean wait) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!lock(c, wait)) {
                return new Chunk(false, false, 0, 0, null);
            }
            Instant now = dbNow(c);
            Instant mark = clockAfterLock(c);
            Instant watermark = readWatermark(c);
            Instant from;
            Instant to;
            if (watermark == null) {
                Instant first = firstRecordedAt(c);
                if (first == null) {
                    writeWatermark(c, now, mark);
                    return new Chunk(true, true, 0, 0, now);
                }
                from = Instant.EPOCH;
                to = min(now, first.plus(CHUNK));
            } else {
                from = watermark.minus(OVERLAP);
                to = min(now, watermark.plus(CHUNK));
            }
            long started = System.nanoTime();
            Map<Key, RollupAccumulator> minutes = minutesTouched(c, from, to);
            List<RollupRow> minuteRows = build(minutes);
            long read = System.nanoTime();
            RollupRows.upsert(c, Grain.MINUTE, minuteRows, mark);
            long minutesWritten = System.nanoTime();
            List<RollupRow> hourRows = hours(c, minutes.keySet(), now);
            long merged = System.nanoTime();
            RollupRows.upsert(c, Grain.HOUR, hourRows, mark);
            writeWatermark(c, to, mark);
            Log.debugf("Rollup chunk to %s: %d minutes from samples in %d ms, written in %d ms; %d hours merged in "
                    + "%d ms, written in %d ms", to, minuteRows.size(), ms(started, read), ms(read, minutesWritten),
                    hourRows.size(), ms(minutesWritten, merged), ms(merged, System.nanoTime()));
            return new Chunk(true, to.equals(now), minuteRows.size(), hourRows.size(), to);
        }
    }

    /** Every sample of every minute bucket that has a sample recorded in (from, to]. */
    private static Map<Key, RollupAccumulator> minutesTouched(Connection c, Instant from, Instant to)
            throws SQLException {
        Map<Key, RollupAccumulator> buckets = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                with touched as (
                    select distinct endpoint_id, date_trunc('minute', started_at, 'UTC') as bucket
                    from samples where recorded_at > ? and recorded_at <= ?)
                select s.endpoint_id, t.bucket, s.started_at, s.outcome, s.ttft_ms, s.decode_tps, s.e2e_tps,
                    s.input_tokens, s.output_tokens
                from touched t join samples s on s.endpoint_id = t.endpoint_id
                    and s.started_at >= t.bucket and s.started_at < t.bucket + interval '1 minute'""")) {
            ps.setObject(1, RollupRows.utc(from));
            ps.setObject(2, RollupRows.utc(to));
            ps.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = ps.executeQuery()) {
                addSamples(rs, buckets, Percentiles.EXACT);
            }
        }
        return buckets;
    }

    /**
     * The hour rows of the touched minutes. An hour still covered by minute rows is merged from them; an older one
     * (a late sample for an hour whose minute rows were pruned) is rebuilt from its raw samples instead, which gives
     * the same row for the same calls; one older than the sample retention is left as it is.
     */
    private List<RollupRow> hours(Connection c, Set<Key> touchedMinutes, Instant now) throws SQLException {
        Instant minutesKeptFrom = minuteRowsKeptFrom(now);
        Instant samplesKeptFrom = now.minus(config.sampleRetention());
        Set<Key> fromMinutes = new LinkedHashSet<>();
        Set<Key> fromSamples = new LinkedHashSet<>();
        Set<Key> tooOld = new LinkedHashSet<>();
        for (Key minute : touchedMinutes) {
            Key hour = new Key(minute.endpointId(), minute.bucket().truncatedTo(ChronoUnit.HOURS));
            if (!hour.bucket().isBefore(minutesKeptFrom)) {
                fromMinutes.add(hour);
            } else if (!hour.bucket().isBefore(samplesKeptFrom)) {
                fromSamples.add(hour);
            } else {
                tooOld.add(hour);
            }
        }
        if (!tooOld.isEmpty()) {
            // Part of such an hour's samples may be gone already: rebuilding it would shrink a row that was right.
            Log.debugf("Rollup: %d hours touched by samples older than the retention keep their rows", tooOld.size());
        }
        Map<Key, RollupAccumulator> hours = new LinkedHashMap<>();
        if (!fromMinutes.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("select " + RollupRows.selectColumns("m") + """
                     from unnest(?::bigint[], ?::bigint[]) as t(endpoint_id, hour_epoch)
                    join rollups_minute m on m.endpoint_id = t.endpoint_id
                        and m.bucket_start >= to_timestamp(t.hour_epoch)
                        and m.bucket_start < to_timestamp(t.hour_epoch + 3600)""")) {
                bindKeys(c, ps, fromMinutes);
                ps.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RollupRow minute = RollupRows.read(rs);
                        Key hour = new Key(minute.endpointId(), minute.bucketStart().truncatedTo(ChronoUnit.HOURS));
                        hours.computeIfAbsent(hour, k -> new RollupAccumulator(Percentiles.HISTOGRAM)).addRow(minute);
                    }
                }
            }
        }
        if (!fromSamples.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    select s.endpoint_id, to_timestamp(t.hour_epoch) as bucket, s.started_at, s.outcome, s.ttft_ms,
                        s.decode_tps, s.e2e_tps, s.input_tokens, s.output_tokens
                    from unnest(?::bigint[], ?::bigint[]) as t(endpoint_id, hour_epoch)
                    join samples s on s.endpoint_id = t.endpoint_id
                        and s.started_at >= to_timestamp(t.hour_epoch)
                        and s.started_at < to_timestamp(t.hour_epoch + 3600)""")) {
                bindKeys(c, ps, fromSamples);
                ps.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = ps.executeQuery()) {
                    addSamples(rs, hours, Percentiles.HISTOGRAM);
                }
            }
        }
        return build(hours);
    }

    /**
     * Deletes minute rows past {@code switchboard.stats.minute-rollup-retention} (whole hours, so an hour is either
     * fully covered by minute rows or not at all) and hour rows past {@code ...hour-rollup-retention}.
     */
    @Scheduled(every = "${switchboard.stats.maintenance-interval:1h}", delayed = "2m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SkipWhileDraining.class)
    public void pruneRollups() {
        try {
            Instant now = Instant.now();
            int[] deleted = QuarkusTransaction.requiringNew().call(() -> {
                try (Connection c = dataSource.getConnection()) {
                    lock(c, true);
                    return new int[] {
                            deleteBefore(c, Grain.MINUTE, minuteRowsKeptFrom(now)),
                            deleteBefore(c, Grain.HOUR, now.minus(config.hourRollupRetention()))};
                }
            });
            if (deleted[0] + deleted[1] > 0) {
                Log.debugf("Rollup retention: deleted %d minute rows and %d hour rows", deleted[0], deleted[1]);
            }
        } catch (RuntimeException e) {
            Log.warnf("Rollup retention failed, retrying next run: %s", e.getMessage());
        }
    }

    private Instant minuteRowsKeptFrom(Instant now) {
        return now.minus(config.minuteRollupRetention()).truncatedTo(ChronoUnit.HOURS);
    }

    private static int deleteBefore(Connection c, Grain grain, Instant cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from " + grain.table + " where bucket_start < ?")) {
            ps.setObject(1, RollupRows.utc(cutoff));
            return ps.executeUpdate();
        }
    }

    private static void addSamples(ResultSet rs, Map<Key, RollupAccumulator> buckets, Percentiles percentiles)
            throws SQLException {
        Function<Key, RollupAccumulator> create = k -> new RollupAccumulator(percentiles);
        while (rs.next()) {
            Key key = new Key(rs.getLong("endpoint_id"), RollupRows.instant(rs, "bucket"));
            String outcome = rs.getString("outcome");
            buckets.computeIfAbsent(key, create).addSample(
                    SampleOutcome.fromId(outcome).orElseThrow(
                            () -> new IllegalStateException("unknown sample outcome '" + outcome + "'")),
                    RollupRows.instant(rs, "started_at"),
                    (Integer) rs.getObject("ttft_ms"),
                    RollupRows.real(rs, "decode_tps"),
                    RollupRows.real(rs, "e2e_tps"),
                    (Integer) rs.getObject("input_tokens"),
                    (Integer) rs.getObject("output_tokens"));
        }
    }

    private static List<RollupRow> build(Map<Key, RollupAccumulator> buckets) {
        List<RollupRow> rows = new ArrayList<>(buckets.size());
        buckets.forEach((key, acc) -> rows.add(acc.toRow(key.endpointId(), key.bucket())));
        return rows;
    }

    private static void bindKeys(Connection c, PreparedStatement ps, Set<Key> keys) throws SQLException {
        Long[] endpoints = new Long[keys.size()];
        Long[] epochs = new Long[keys.size()];
        int i = 0;
        for (Key k : keys) {
            endpoints[i] = k.endpointId();
            epochs[i++] = k.bucket().getEpochSecond();
        }
        ps.setArray(1, c.createArrayOf("bigint", endpoints));
        ps.setArray(2, c.createArrayOf("bigint", epochs));
    }

    private static boolean lock(Connection c, boolean wait) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                wait ? "select pg_advisory_xact_lock(?), true" : "select pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, LOCK_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(wait ? 2 : 1);
            }
        }
    }

    private static Instant dbNow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select now()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return RollupRows.instant(rs, "now");
        }
    }

    /** Unlike now() (the transaction's start), read after the lock was granted: see the class comment. */
    private static Instant clockAfterLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select clock_timestamp() as mark");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return RollupRows.instant(rs, "mark");
        }
    }

    private static Instant firstRecordedAt(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select min(recorded_at) as first from samples");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return RollupRows.instant(rs, "first");
        }
    }

    private static Instant readWatermark(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select value from job_state where name = ?")) {
            ps.setString(1, WATERMARK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Instant.parse(rs.getString(1)) : null;
            }
        }
    }

    private static void writeWatermark(Connection c, Instant value, Instant mark) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into job_state (name, value, updated_at) values (?, ?, ?)
                on conflict (name) do update set value = excluded.value, updated_at = excluded.updated_at""")) {
            ps.setString(1, WATERMARK);
            ps.setString(2, value.toString());
            ps.setObject(3, RollupRows.utc(mark));
            ps.executeUpdate();
        }
    }

    private static long ms(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
