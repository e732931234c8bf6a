package dev.switchboard.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads and writes rollup rows; the one place that knows their columns. */
final class RollupRows {

    /** The two rollup tables. */
    enum Grain {
        MINUTE("rollups_minute", ChronoUnit.MINUTES),
        HOUR("rollups_hour", ChronoUnit.HOURS);

        final String table;
        final ChronoUnit unit;

        Grain(String table, ChronoUnit unit) {
            this.table = table;
            this.unit = unit;
        }
    }

    /** Every column but the key and updated_at, in the order {@link #upsert} binds them. */
    private static final List<String> VALUES = List.of("total", "ok", "failed", "rate_limited", "excluded",
            "failures", "ttft_count", "ttft_p50", "ttft_p90", "ttft_p99", "decode_count", "decode_p50", "decode_p90",
            "e2e_count", "e2e_p50", "tokens_in", "tokens_out", "ttft_hist", "decode_hist", "e2e_hist",
            "last_started_at");

    static final String COLUMNS = "endpoint_id, bucket_start, " + String.join(", ", VALUES);

    /**
     * What {@link #read} needs, for a table aliased {@code alias}. Arrays and JSON are selected as text: once a
     * statement is server-prepared pgjdbc receives integer[] in binary and renders it differently in getString.
     */
    static String selectColumns(String alias) {
        return Stream.concat(Stream.of("endpoint_id", "bucket_start"), VALUES.stream())
                .map(col -> switch (col) {
                    case "failures", "ttft_hist", "decode_hist", "e2e_hist" -> alias + "." + col + "::text as " + col;
                    default -> alias + "." + col;
                })
                .collect(Collectors.joining(", "));
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, Integer>> COUNTS = new TypeReference<>() {
    };

    private RollupRows() {
    }

    /**
     * Inserts or replaces rows, stamping them {@code updated_at = mark}. A row whose values would not change is not
     * written, so re-running a rollup leaves the table (and updated_at, which the stats snapshot follows) exactly as
     * it was.
     */
    static void upsert(Connection c, Grain grain, Collection<RollupRow> rows, Instant mark) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        String t = grain.table;
        String sql = "insert into " + t + " (" + COLUMNS + ", updated_at) values (?, ?, "
                + VALUES.stream().map(RollupRows::placeholder).collect(Collectors.joining(", ")) + ", ?)"
                + " on conflict (endpoint_id, bucket_start) do update set "
                + VALUES.stream().map(v -> v + " = excluded." + v).collect(Collectors.joining(", "))
                + ", updated_at = excluded.updated_at"
                + " where (" + VALUES.stream().map(v -> t + "." + v).collect(Collectors.joining(", ")) + ")"
                + " is distinct from (" + VALUES.stream().map(v -> "excluded." + v).collect(Collectors.joining(", "))
                + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (RollupRow r : rows) {
                int i = 1;
                ps.setLong(i++, r.endpointId());
                ps.setObject(i++, utc(r.bucketStart()));
                ps.setInt(i++, r.total());
                ps.setInt(i++, r.ok());
                ps.setInt(i++, r.failed());
                ps.setInt(i++, r.rateLimited());
                ps.setInt(i++, r.excluded());
                ps.setString(i++, json(r.failures()));
                ps.setInt(i++, r.ttftCount());
                setReal(ps, i++, r.ttftP50());
                setReal(ps, i++, r.ttftP90());
                setReal(ps, i++, r.ttftP99());
                ps.setInt(i++, r.decodeCount());
                setReal(ps, i++, r.decodeP50());
                setReal(ps, i++, r.decodeP90());
                ps.setInt(i++, r.e2eCount());
                setReal(ps, i++, r.e2eP50());
                ps.setLong(i++, r.tokensIn());
                ps.setLong(i++, r.tokensOut());
                ps.setString(i++, IntArrays.format(r.ttftHist()));
                ps.setString(i++, IntArrays.format(r.decodeHist()));
                ps.setString(i++, IntArrays.format(r.e2eHist()));
                ps.setObject(i++, utc(r.lastStartedAt()));
                ps.setObject(i, utc(mark));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A row from a result set selecting {@link #selectColumns}. */
    static RollupRow read(ResultSet rs) throws SQLException {
        return new RollupRow(rs.getLong("endpoint_id"), instant(rs, "bucket_start"), rs.getInt("total"),
                rs.getInt("ok"), rs.getInt("failed"), rs.getInt("rate_limited"), rs.getInt("excluded"),
                counts(rs.getString("failures")),
                rs.getInt("ttft_count"), real(rs, "ttft_p50"), real(rs, "ttft_p90"), real(rs, "ttft_p99"),
                rs.getInt("decode_count"), real(rs, "decode_p50"), real(rs, "decode_p90"),
                rs.getInt("e2e_count"), real(rs, "e2e_p50"), rs.getLong("tokens_in"), rs.getLong("tokens_out"),
                IntArrays.parse(rs.getString("ttft_hist")), IntArrays.parse(rs.getString("decode_hist")),
                IntArrays.parse(rs.getString("e2e_hist")), instant(rs, "last_started_at"));
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static Double real(ResultSet rs, String column) throws SQLException {
        float value = rs.getFloat(column);
        return rs.wasNull() ? null : (double) value;
    }

    private static String placeholder(String column) {
        return switch (column) {
            case "failures" -> "?::jsonb";
            case "ttft_hist", "decode_hist", "e2e_hist" -> "?::integer[]";
            default -> "?";
        };
    }

    private static void setReal(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.REAL);
        } else {
            ps.setFloat(index, value.floatValue());
        }
    }

    private static String json(Map<String, Integer> counts) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(counts));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Integer> counts(String json) {
        try {
            return Collections.unmodifiableMap(JSON.readValue(json, COUNTS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rollup failures column is not a JSON object of counts: " + json, e);
        }
    }
}
