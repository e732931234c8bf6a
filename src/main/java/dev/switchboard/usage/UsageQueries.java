package dev.switchboard.usage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read-side sums over the generations table for {@code /api/v1/key} and {@code /api/v1/usage}: plain SQL aggregation,
 * answered by the (key_id, created_at) index. Blocking; callers run on a worker thread. Generations still in the write
 * buffer (up to a flush interval) are not counted yet.
 */
@ApplicationScoped
public class UsageQueries {

    /** What a set of generations used; {@code cost} is at list prices, zero when none is known. */
    public record Totals(long requests, long inputTokens, long outputTokens, BigDecimal cost) {
    }

    /** One row of a grouped report; {@code group} is a model slug, provider slug or ISO day (null when unknown). */
    public record Row(String group, Totals totals) {
    }

    /** The columns a report may be grouped by, as the {@code group_by} parameter names them. */
    public enum GroupBy {
        MODEL("coalesce(served_model, requested_model)", "cost desc, requests desc, grp"),
        PROVIDER("provider_slug", "cost desc, requests desc, grp"),
        DAY("to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD')", "grp");

        final String expression;
        final String order;

        GroupBy(String expression, String order) {
            this.expression = expression;
            this.order = order;
        }

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Optional<GroupBy> parse(String value) {
            for (GroupBy g : values()) {
                if (g.id().equals(value)) {
                    return Optional.of(g);
                }
            }
            return Optional.empty();
        }
    }

    /** A key as stored, without its hash. */
    public record KeyRow(String id, String name, String prefix, Instant createdAt) {
    }

    private static final String SUMS = "count(*) as requests, coalesce(sum(input_tokens), 0) as input_tokens, "
            + "coalesce(sum(output_tokens), 0) as output_tokens, coalesce(sum(cost_usd), 0) as cost";

    @Inject
    DataSource dataSource;

    public Optional<KeyRow> key(String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select id, name, prefix, created_at from api_keys where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new KeyRow(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant())) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read key " + id + ": " + e.getMessage(), e);
        }
    }

    /** Totals since each of {@code since} (in that order) and over all time; {@code keyId} null is every key. */
    public List<Totals> totals(String keyId, Instant... since) {
        StringBuilder sql = new StringBuilder("select ");
        for (int i = 0; i < since.length; i++) {
            String f = " filter (where created_at >= ?)";
            sql.append("count(*)").append(f).append(", coalesce(sum(input_tokens)").append(f)
                    .append(", 0), coalesce(sum(output_tokens)").append(f).append(", 0), coalesce(sum(cost_usd)")
                    .append(f).append(", 0), ");
        }
        sql.append(SUMS).append(" from generations").append(keyId == null ? "" : " where key_id = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (Instant s : since) {
                OffsetDateTime at = OffsetDateTime.ofInstant(s, ZoneOffset.UTC);
                for (int k = 0; k < 4; k++) {
                    ps.setObject(p++, at);
                }
            }
            if (keyId != null) {
                ps.setString(p, keyId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                List<Totals> out = new ArrayList<>();
                for (int i = 0; i <= since.length; i++) {
                    out.add(totals(rs, i * 4 + 1));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot sum usage: " + e.getMessage(), e);
        }
    }

    /** Usage grouped by {@code by}, from {@code from} (inclusive) to {@code to} (exclusive), UTC days; nulls: open. */
    public List<Row> grouped(String keyId, GroupBy by, LocalDate from, LocalDate to) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (keyId != null) {
            where.add("key_id = ?");
            params.add(keyId);
        }
        if (from != null) {
            where.add("created_at >= ?");
            params.add(from.atStartOfDay().atOffset(ZoneOffset.UTC));
        }
        if (to != null) {
            where.add("created_at < ?");
            params.add(to.atStartOfDay().atOffset(ZoneOffset.UTC));
        }
        String sql = "select " + by.expression + " as grp, " + SUMS + " from generations"
                + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
                + " group by grp order by " + by.order;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Row> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), totals(rs, 2)));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot group usage: " + e.getMessage(), e);
        }
    }

    private static Totals totals(ResultSet rs, int first) throws SQLException {
        return new Totals(rs.getLong(first), rs.getLong(first + 1), rs.getLong(first + 2), rs.getBigDecimal(first + 3));
    }
}
