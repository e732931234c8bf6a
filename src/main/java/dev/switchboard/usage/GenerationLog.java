package dev.switchboard.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.Usage;
import dev.switchboard.database.BufferMetrics;
import dev.switchboard.database.BufferState;
import dev.switchboard.database.BufferWatch;
import dev.switchboard.database.BuffersConfig;
import dev.switchboard.database.WriteBehind;
import dev.switchboard.proxy.SkipWhileDraining;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Optional;

/**
 * The generation log. {@link #record} only queues (the proxy never waits on the database); a scheduled flush writes
 * the queue as multi-row inserts. While the database is away generations wait in the bounded buffer and are retried;
 * past the bound they are dropped and counted, and a generation the database refuses is logged by id. A generation
 * is findable from the moment it is recorded.
 */
@ApplicationScoped
public class GenerationLog implements WriteBehind {

    /** What the log has done since start; {@code queued} includes a batch waiting to be retried. */
    public record Counters(long queued, long written, long dropped, long rejected) {
    }

    private static final String COLUMNS = """
            insert into generations (id, created_at, key_id, requested_model, served_model, provider_slug, endpoint_id,
                protocol, streamed, status, http_status, finish_reason, input_tokens, output_tokens, cache_read_tokens,
                cache_write_tokens, reasoning_tokens, cost_usd, ttft_ms, latency_ms, attempts, continued)
            values """;
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)";
    private static final int PARAMS_PER_ROW = 22;

    private static final String SELECT = """
            select id, created_at, key_id, requested_model, served_model, provider_slug, endpoint_id, protocol, streamed,
                status, http_status, finish_reason, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
                reasoning_tokens, cost_usd, ttft_ms, latency_ms, attempts, continued
            from generations where id = ?""";

    @Inject
    DataSource dataSource;

    @Inject
    GenerationsConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    BuffersConfig buffers;

    @Inject
    MeterRegistry registry;

    private GenerationBuffer buffer;
    private BufferWatch watch;
    private Timer flushTimer;

    @PostConstruct
    void init() {
        buffer = new GenerationBuffer(config.bufferSize(), config.batchSize(), config.recentCacheSize());
        watch = new BufferWatch("generations", buffers);
        flushTimer = BufferMetrics.register(registry, "generations", new BufferMetrics.Readings(buffer::queued, config.bufferSize(),
                buffer::written, buffer::dropped, buffer::rejected, watch::flushFailures));
    }

    /** Queues a generation for writing; never blocks. False when the buffer is full and it was dropped (counted). */
    public boolean record(GenerationRecord generation) {
        return buffer.offer(generation);
    }

    /** Writes everything queued so far; returns how many generations were written. */
    public int flush() {
        long started = System.nanoTime();
        boolean any = buffer.queued() > 0;
        GenerationBuffer.FlushResult result = buffer.flush(this::insert);
        if (any) {
            flushTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        if (!result.refused().isEmpty()) {
            Log.warnf("Generations: the database refused %d generations, which are lost: %s",
                    result.refused().size(), result.refused());
        }
        watch.flushed(result.failure(), buffer.queued(), config.bufferSize());
        watch.dropped(buffer.dropped(), config.bufferSize());
        return result.written();
    }

    /** True while writing fails because the database cannot be reached (it is retried every recheck interval). */
    public boolean databaseDown() {
        return watch.down();
    }

    @Override
    public BufferState bufferState() {
        return new BufferState("generations", watch.down(), buffer.queued(), config.bufferSize());
    }

    public Counters counters() {
        return new Counters(buffer.queued(), buffer.written(), buffer.dropped(), buffer.rejected());
    }

    /** A generation by id: not yet written, written recently, or from the database. */
    public Optional<GenerationRecord> find(String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        GenerationRecord known = buffer.find(id);
        if (known != null) {
            return Optional.of(known);
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read generation " + id + ": " + e.getMessage(), e);
        }
    }

    /** Deletes generations created before {@code cutoff}; returns how many. */
    public int deleteOlderThan(Instant cutoff) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("delete from generations where created_at < ?")) {
            ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot delete old generations: " + e.getMessage(), e);
        }
    }

    @Scheduled(every = "${switchboard.generations.flush-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledFlush() {
        if (watch.mayTry()) {
            flush();
        } else {
            watch.dropped(buffer.dropped(), config.bufferSize());
        }
    }

    /** Idempotent, so every replica may run it. */
    @Scheduled(every = "${switchboard.generations.retention-interval:24h}", delayed = "5m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SkipWhileDraining.class)
    void applyRetention() {
        try {
            int deleted = deleteOlderThan(Instant.now().minus(config.retention()));
            if (deleted > 0) {
                Log.infof("Generations: deleted %d older than %s", deleted, config.retention());
            }
        } catch (RuntimeException e) {
            Log.warnf("Generations: retention failed, trying again next time: %s", e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (buffer.queued() > 0) {
            flush();
        }
    }

    /** One transaction, rows in multi-row inserts; a retried row that did reach the database is skipped. */
    private void insert(List<GenerationRecord> batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int perStatement = Math.max(1, Math.min(config.batchSize(), 32_767 / PARAMS_PER_ROW));
                for (int from = 0; from < batch.size(); from += perStatement) {
                    List<GenerationRecord> rows = batch.subList(from, Math.min(batch.size(), from + perStatement));
                    String sql = COLUMNS + String.join(", ", java.util.Collections.nCopies(rows.size(), ROW))
                            + " on conflict (id) do nothing";
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        int i = 0;
                        for (GenerationRecord g : rows) {
                            bind(ps, i, g);
                            i += PARAMS_PER_ROW;
                        }
                        ps.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed); // the connection is likely gone; the first error says why
                }
                throw e;
            }
        }
    }

    private void bind(PreparedStatement ps, int offset, GenerationRecord g) throws SQLException {
        int i = offset;
        ps.setString(++i, g.id());
        ps.setObject(++i, OffsetDateTime.ofInstant(g.createdAt(), ZoneOffset.UTC));
        ps.setString(++i, g.keyId());
        ps.setString(++i, g.requestedModel());
        ps.setString(++i, g.servedModel());
        ps.setString(++i, g.providerSlug());
        if (g.endpointId() == null) {
            ps.setNull(++i, Types.BIGINT);
        } else {
            ps.setLong(++i, g.endpointId());
        }
        ps.setString(++i, g.protocol());
        ps.setBoolean(++i, g.streamed());
        ps.setString(++i, g.status());
        ps.setInt(++i, g.httpStatus());
        ps.setString(++i, g.finishReason());
        Usage u = g.usage();
        setInt(ps, ++i, u == null ? null : u.inputTokens());
        setInt(ps, ++i, u == null ? null : u.outputTokens());
        setInt(ps, ++i, u == null ? null : u.cacheReadTokens());
        setInt(ps, ++i, u == null ? null : u.cacheWriteTokens());
        setInt(ps, ++i, u == null ? null : u.reasoningTokens());
        ps.setBigDecimal(++i, g.costUsd());
        setInt(ps, ++i, g.ttftMs());
        ps.setInt(++i, g.latencyMs());
        try {
            ps.setString(++i, json.writeValueAsString(GenerationJson.attempts(g.attempts())));
        } catch (JsonProcessingException e) {
            // a data problem of this row (SQLState 22: data exception), so the buffer sets it aside, not retries it
            throw new SQLException("attempts of " + g.id() + " are not serialisable: " + e.getMessage(), "22000", e);
        }
        ps.setBoolean(++i, g.continued());
    }

    private GenerationRecord read(ResultSet rs) throws SQLException {
        Integer input = integer(rs, "input_tokens");
        Usage usage = input == null ? null : new Usage(input, orZero(integer(rs, "output_tokens")),
                orZero(integer(rs, "cache_read_tokens")), orZero(integer(rs, "cache_write_tokens")),
                orZero(integer(rs, "reasoning_tokens")));
        long endpointId = rs.getLong("endpoint_id");
        Long endpoint = rs.wasNull() ? null : endpointId;
        List<AttemptRecord> attempts;
        try {
            attempts = GenerationJson.attempts(json.readTree(rs.getString("attempts")));
        } catch (JsonProcessingException e) {
            throw new SQLException("attempts of " + rs.getString("id") + " are not valid JSON", e);
        }
        return new GenerationRecord(rs.getString("id"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("key_id"), rs.getString("requested_model"), rs.getString("served_model"),
                rs.getString("provider_slug"), endpoint, rs.getString("protocol"), rs.getBoolean("streamed"),
                rs.getString("status"), rs.getInt("http_status"), rs.getString("finish_reason"), usage,
                rs.getBigDecimal("cost_usd"), integer(rs, "ttft_ms"), rs.getInt("latency_ms"), attempts,
                rs.getBoolean("continued"));
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }
}
