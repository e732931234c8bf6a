package dev.switchboard.stats;

import dev.switchboard.proxy.SkipWhileDraining;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-endpoint stats held in memory, so that pages and the router never query stats per request. {@link #refresh()}
 * (scheduled) reads only the rollup rows the rollup job changed since the previous refresh into a
 * {@link RollupMirror}, then recomputes every endpoint's windows from memory: a handful of set-based queries,
 * reading nothing when no rollup ran, and at most one rollup run's rows otherwise, whatever the number of endpoints.
 *
 * <p>"Changed since" follows the rollup's mark (see {@link RollupJob}): the mark and the rows are read in one
 * REPEATABLE READ snapshot, and the next refresh asks for rows stamped after that mark. {@link #reload()} reads
 * every window afresh; it runs on the first refresh and then every few hours, as insurance against rows changed
 * behind the rollup's back (a manual delete).
 *
 * <p>The current hour's row is rewritten by every rollup run from its minute rows, so the 24-hour windows include
 * the partial hour as freshly as the minute rows do.
 */
@ApplicationScoped
public class StatsSnapshot {

    private static final Duration RELOAD_EVERY = Duration.ofHours(6);
    private static final int FETCH_SIZE = 10_000;
    private static final String COLUMNS = """
            endpoint_id, extract(epoch from bucket_start)::bigint as epoch, ok, failed, rate_limited,
            tokens_in + tokens_out as tokens, last_started_at""";

    /** What readers see: replaced whole by each refresh. */
    private record Published(Map<Long, StatsEntry> entries, Instant at,
                             Map<Set<Long>, EndpointStats> merged) {
    }

    @Inject
    DataSource dataSource;

    @Inject
    StatsConfig config;

    private RollupMirror mirror;
    /** The rollup mark the mirror is complete up to; null before the first read or when no rollup has run. */
    private Instant mark;
    private Instant reloadedAt;
    private volatile Published published = new Published(Map.of(), null, new ConcurrentHashMap<>());

    @PostConstruct
    void init() {
        mirror = new RollupMirror(Math.toIntExact(Math.max(1, config.routingWindow().toMinutes())));
    }

    /** An endpoint's stats; {@link EndpointStats#NONE} when it has none. */
    public EndpointStats forEndpoint(long endpointId) {
        StatsEntry entry = published.entries().get(endpointId);
        return entry == null ? EndpointStats.NONE : entry.stats();
    }

    /**
     * Several endpoints as one — a model across all its providers: counts summed, percentiles from the merged
     * histograms. Memoised until the next refresh, so a page asking for every model pays once.
     */
    public EndpointStats forEndpoints(Collection<Long> endpointIds) {
        Published p = published;
        return p.merged().computeIfAbsent(Set.copyOf(endpointIds), ids -> StatsEntry.merge(
                ids.stream().map(p.entries()::get).filter(Objects::nonNull).toList()));
    }

    /** When the stats were last computed; null before the first refresh. */
    public Instant refreshedAt() {
        return published.at();
    }

    @Scheduled(every = "${switchboard.stats.refresh-interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SkipWhileDraining.class)
    void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            Log.warnf("Stats refresh failed, keeping the previous stats: %s", e.getMessage());
        }
    }

    /** Reads the rollup rows that changed since the last refresh and recomputes every endpoint's stats. */
    public synchronized void refresh() {
        if (reloadedAt == null || Instant.now().isAfter(reloadedAt.plus(RELOAD_EVERY))) {
            reload();
            return;
        }
        long started = System.nanoTime();
        int rows = read(false);
        long read = System.nanoTime();
        publish();
        Log.debugf("Stats refreshed: %d rollup rows read in %d ms, %d endpoints computed in %d ms", rows,
                (read - started) / 1_000_000, published.entries().size(), (System.nanoTime() - read) / 1_000_000);
    }

    /** Forgets what it holds and reads every window afresh. */
    public synchronized void reload() {
        long started = System.nanoTime();
        mirror.clear();
        int rows = read(true);
        long read = System.nanoTime();
        reloadedAt = Instant.now();
        publish();
        Log.debugf("Stats reloaded: %d rollup rows read in %d ms, %d endpoints computed in %d ms", rows,
                (read - started) / 1_000_000, published.entries().size(), (System.nanoTime() - read) / 1_000_000);
    }

    private void publish() {
        Instant now = Instant.now();
        published = new Published(Map.copyOf(mirror.compute(now)), now, new ConcurrentHashMap<>());
    }

    /** Feeds the mirror every row in the windows, or only those the rollup changed after {@link #mark}. */
    private int read(boolean everything) {
        Instant now = Instant.now();
        Instant minutesFrom = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(mirror.minutesKept() - 1));
        Instant dayFrom = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(23));
        Instant monthFrom = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(RollupMirror.MONTH_HOURS - 1));
        Instant since = everything ? null : mark;
        String changed = since == null ? "" : " and updated_at > ?";
        try (Connection c = dataSource.getConnection()) {
            int isolation = c.getTransactionIsolation();
            boolean autoCommit = c.getAutoCommit();
            // One snapshot for the mark and the rows; a cursor, so a reload's month of rows streams.
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                Instant latest = latestMark(c);
                if (!everything && Objects.equals(latest, mark)) {
                    return 0; // no rollup has committed since the last read
                }
                List<RollupMirror.Row> minutes = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS
                        + ", ttft_hist::text as ttft_hist, decode_hist::text as decode_hist, e2e_hist::text as e2e_hist"
                        + " from rollups_minute where bucket_start >= ?" + changed)) {
                    ps.setObject(1, RollupRows.utc(minutesFrom));
                    if (since != null) {
                        ps.setObject(2, RollupRows.utc(since));
                    }
                    ps.setFetchSize(FETCH_SIZE);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            minutes.add(row(rs, 60, true));
                        }
                    }
                }
                List<RollupMirror.Row> hours = new ArrayList<>();
                // Histograms only for the last day: older hours count calls, and a month of arrays is most of
                // what a reload would otherwise transfer.
                try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + ", r.recent,"
                        + " case when r.recent then ttft_hist::text end as ttft_hist,"
                        + " case when r.recent then decode_hist::text end as decode_hist,"
                        + " case when r.recent then e2e_hist::text end as e2e_hist"
                        + " from rollups_hour, lateral (select bucket_start >= ? as recent) r"
                        + " where bucket_start >= ?" + changed)) {
                    ps.setObject(1, RollupRows.utc(dayFrom));
                    ps.setObject(2, RollupRows.utc(monthFrom));
                    if (since != null) {
                        ps.setObject(3, RollupRows.utc(since));
                    }
                    ps.setFetchSize(FETCH_SIZE);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            hours.add(row(rs, 3600, rs.getBoolean("recent")));
                        }
                    }
                }
                minutes.forEach(mirror::putMinute);
                hours.forEach(mirror::putHour);
                mark = latest;
                return minutes.size() + hours.size();
            } finally {
                c.rollback(); // read only
                c.setTransactionIsolation(isolation);
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reading rollups failed: " + e.getMessage(), e);
        }
    }

    private static Instant latestMark(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select updated_at from job_state where name = ?")) {
            ps.setString(1, RollupJob.WATERMARK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? RollupRows.instant(rs, "updated_at") : null;
            }
        }
    }

    private static RollupMirror.Row row(ResultSet rs, long bucketSeconds, boolean histograms) throws SQLException {
        return new RollupMirror.Row(rs.getLong("endpoint_id"), Math.floorDiv(rs.getLong("epoch"), bucketSeconds),
                rs.getInt("ok"), rs.getInt("failed"), rs.getInt("rate_limited"),
                histograms ? IntArrays.parse(rs.getString("ttft_hist")) : null,
                histograms ? IntArrays.parse(rs.getString("decode_hist")) : null,
                histograms ? IntArrays.parse(rs.getString("e2e_hist")) : null,
                rs.getLong("tokens"), RollupRows.instant(rs, "last_started_at"));
    }
}
