package dev.switchboard.stats;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hourly points per endpoint over a window, for the charts and the hourly uptime strip of a model's page. One query
 * per call, over hour rollups; hours without calls are returned too (with null medians and uptime) so that every
 * endpoint's series has one point per hour and charts can show the gaps.
 */
@ApplicationScoped
public class StatsSeries {

    /** How far back a series goes: the current hour and the whole hours before it. */
    public enum Window {
        DAY(24),
        WEEK(7 * 24);

        private final int hours;

        Window(int hours) {
            this.hours = hours;
        }

        public int hours() {
            return hours;
        }
    }

    /**
     * One hour of one endpoint. Medians are from the hour's histogram; {@code uptimePercent} is
     * successes / (successes + failures) × 100, null when no call counted.
     */
    public record Point(
            Instant start,
            Double ttftP50,
            int ttftCount,
            Double decodeP50,
            int decodeCount,
            Double uptimePercent,
            long successes,
            long failures,
            long rateLimited,
            long tokensIn,
            long tokensOut) {

        static Point empty(Instant start) {
            return new Point(start, null, 0, null, 0, null, 0, 0, 0, 0, 0);
        }

        public boolean hasCalls() {
            return successes + failures + rateLimited > 0;
        }
    }

    @Inject
    DataSource dataSource;

    /** For each endpoint asked for, {@code window.hours()} points, oldest first, the last one the current hour. */
    public Map<Long, List<Point>> hourly(Collection<Long> endpointIds, Window window) {
        return hourly(endpointIds, window, Instant.now());
    }

    Map<Long, List<Point>> hourly(Collection<Long> endpointIds, Window window, Instant now) {
        Instant last = now.truncatedTo(ChronoUnit.HOURS);
        Instant first = last.minus(Duration.ofHours(window.hours() - 1));
        Map<Long, Map<Instant, Point>> found = new HashMap<>();
        if (!endpointIds.isEmpty()) {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("""
                         select endpoint_id, bucket_start, ttft_p50, ttft_count, decode_p50, decode_count, ok, failed,
                             rate_limited, tokens_in, tokens_out
                         from rollups_hour
                         where endpoint_id = any(?) and bucket_start >= ? and bucket_start <= ?""")) {
                ps.setArray(1, c.createArrayOf("bigint", endpointIds.toArray()));
                ps.setObject(2, RollupRows.utc(first));
                ps.setObject(3, RollupRows.utc(last));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant start = RollupRows.instant(rs, "bucket_start");
                        Uptime uptime = Uptime.of(rs.getInt("ok"), rs.getInt("failed"), rs.getInt("rate_limited"));
                        found.computeIfAbsent(rs.getLong("endpoint_id"), id -> new HashMap<>()).put(start,
                                new Point(start, RollupRows.real(rs, "ttft_p50"), rs.getInt("ttft_count"),
                                        RollupRows.real(rs, "decode_p50"), rs.getInt("decode_count"),
                                        uptime.percent(), uptime.successes(), uptime.failures(),
                                        uptime.rateLimited(), rs.getLong("tokens_in"), rs.getLong("tokens_out")));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("Reading hourly stats failed: " + e.getMessage(), e);
            }
        }
        Map<Long, List<Point>> series = new LinkedHashMap<>();
        for (Long id : endpointIds) {
            Map<Instant, Point> rows = found.getOrDefault(id, Map.of());
            List<Point> points = new ArrayList<>(window.hours());
            for (Instant h = first; !h.isAfter(last); h = h.plus(Duration.ofHours(1))) {
                Point p = rows.get(h);
                points.add(p != null ? p : Point.empty(h));
            }
            series.put(id, List.copyOf(points));
        }
        return series;
    }
}
