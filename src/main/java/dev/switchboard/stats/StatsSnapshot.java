package dev.switchboard.stats;

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
 * (scheduled) reads only the rollup rows written since the previous refresh (by {@code updated_at}, with an overlap
 * for rollup transactions that commit late) into a {@link RollupMirror}, then recomputes every endpoint's windows
 * from memory: two set-based queries of a few thousand rows, whatever the number of endpoints. {@link #reload()}
 * reads all the windows afresh; it runs on the first refresh and hourly, so rows deleted or rewritten behind the
 * mirror's back are corrected within the hour.
 */
@ApplicationScoped
public class StatsSnapshot {

    private static final Duration OVERLAP = Duration.ofMinutes(2);
    private static final Duration RELOAD_EVERY = Duration.ofHours(1);
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
    private Instant syncedTo;
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
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            Log.warnf("Stats refresh failed, keeping the previous stats: %s", e.getMessage());
        }
    }

    /** Reads the rollup rows that changed since the last refresh and recomputes every endpoint's stats. */
    public synchronized void refresh() {
        if (syncedTo == null || reloadedAt == null || Instant.now().isAfter(reloadedAt.plus(RELOAD_EVERY))) {
            reload();
            return;
        }
        long started = System.nanoTime();
        int rows = read(syncedTo.minus(OVERLAP));
        publish();
        Log.debugf("Stats refreshed: %d rollup rows read, %d endpoints, %d ms", rows, published.entries().size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Forgets what it holds and reads every window afresh. */
    public synchronized void reload() {
        long started = System.nanoTime();
        mirror.clear();
        int rows = read(null);
        reloadedAt = Instant.now();
        publish();
        Log.debugf("Stats reloaded: %d rollup rows read, %d endpoints, %d ms", rows, published.entries().size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private void publish() {
        Instant now = Instant.now();
        published = new Published(Map.copyOf(mirror.compute(now)), now, new ConcurrentHashMap<>());
    }

    /** Feeds the mirror the rows updated after {@code since} (all rows in the windows when null). */
    private int read(Instant since) {
        Instant now = Instant.now();
        Instant minutesFrom = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(mirror.minutesKept() - 1));
        Instant dayFrom = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(23));
        Instant monthFrom = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(RollupMirror.MONTH_HOURS - 1));
        String changed = since == null ? "" : " and updated_at > ?";
        try (Connection c = dataSource.getConnection()) {
            // A cursor, so the first load of a month of hour rows streams instead of landing in memory at once.
            c.setAutoCommit(false);
            try {
                Instant dbNow;
                try (PreparedStatement ps = c.prepareStatement("select now()"); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    dbNow = RollupRows.instant(rs, "now");
                }
                List<RollupMirror.Row> minutes = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS
                        + ", ttft_hist::text as ttft_hist, decode_hist::text as decode_hist, e2e_hist::text as e2e_hist"
                        + " from rollups_minute where bucket_start >= ?" + changed)) {
                    bind(ps, minutesFrom, since);
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
                c.commit();
                minutes.forEach(mirror::putMinute);
                hours.forEach(mirror::putHour);
                syncedTo = dbNow;
                return minutes.size() + hours.size();
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reading rollups failed: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Instant from, Instant since) throws SQLException {
        ps.setObject(1, RollupRows.utc(from));
        if (since != null) {
            ps.setObject(2, RollupRows.utc(since));
        }
        ps.setFetchSize(FETCH_SIZE);
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
