package dev.switchboard.stats;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The latest failed calls of some endpoints, newest first: what a provider's page lists under "recent failures".
 * One bounded query over the recent samples (indexed by endpoint and start time); failures are the outcomes that
 * count against uptime, and rate limits, which operators want to see beside them.
 */
@ApplicationScoped
public class RecentFailures {

    /** One failed call. */
    public record Failure(long endpointId, Instant startedAt, SampleOutcome outcome, Integer httpStatus,
                          String source, int latencyMs) {
    }

    private static final String[] OUTCOMES = Arrays.stream(SampleOutcome.values())
            .filter(o -> o.category() == SampleOutcome.Category.FAILURE
                    || o.category() == SampleOutcome.Category.RATE_LIMITED)
            .map(SampleOutcome::id).toArray(String[]::new);

    @Inject
    DataSource dataSource;

    public List<Failure> of(Collection<Long> endpointIds, Duration window, int limit) {
        if (endpointIds.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select endpoint_id, started_at, outcome, http_status, source, latency_ms from samples
                     where endpoint_id = any(?) and started_at >= ? and outcome = any(?)
                     order by started_at desc limit ?""")) {
            Array ids = c.createArrayOf("bigint", endpointIds.toArray());
            ps.setArray(1, ids);
            ps.setTimestamp(2, Timestamp.from(Instant.now().minus(window)));
            ps.setArray(3, c.createArrayOf("text", OUTCOMES));
            ps.setInt(4, limit);
            List<Failure> failures = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int code = rs.getInt(4);
                    Integer status = rs.wasNull() ? null : code;
                    failures.add(new Failure(rs.getLong(1), rs.getTimestamp(2).toInstant(),
                            SampleOutcome.fromId(rs.getString(3)).orElseThrow(), status, rs.getString(5),
                            rs.getInt(6)));
                }
            }
            return failures;
        } catch (SQLException e) {
            throw new IllegalStateException("Reading recent failures failed: " + e.getMessage(), e);
        }
    }
}
