package dev.switchboard.stats;

import dev.switchboard.database.BufferMetrics;
import dev.switchboard.database.BufferState;
import dev.switchboard.database.BufferWatch;
import dev.switchboard.database.BuffersConfig;
import dev.switchboard.database.WriteBehind;
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
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the prober and the proxy report samples. {@link #record} only queues (the hot path never waits on the
 * database); a scheduled flush writes the queue in batches. While the database is away samples wait in the bounded
 * queue and are retried; past the bound they are dropped and counted.
 */
@ApplicationScoped
public class SampleRecorder implements WriteBehind {

    /** What the recorder has done since start; {@code queued} includes a batch waiting to be retried. */
    public record Counters(long queued, long written, long dropped, long rejected) {
    }

    private static final String INSERT = """
            insert into samples (endpoint_id, started_at, source, outcome, http_status, ttft_ms, latency_ms,
                input_tokens, output_tokens, decode_tps, e2e_tps)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    @Inject
    DataSource dataSource;

    @Inject
    StatsConfig config;

    @Inject
    BuffersConfig buffers;

    @Inject
    MeterRegistry registry;

    private SampleBuffer buffer;
    private BufferWatch watch;
    private Timer flushTimer;

    @PostConstruct
    void init() {
        buffer = new SampleBuffer(config.queueCapacity(), config.flushBatchSize());
        watch = new BufferWatch("samples", buffers);
        flushTimer = BufferMetrics.register(registry, "samples", new BufferMetrics.Readings(buffer::queued, config.queueCapacity(),
                buffer::written, buffer::dropped, buffer::rejected, watch::flushFailures));
    }

    /** Queues a sample for writing; never blocks. False when the queue is full and the sample was dropped. */
    public boolean record(Sample sample) {
        return buffer.offer(sample);
    }

    /** Writes everything queued so far; returns how many samples were written. */
    public int flush() {
        long started = System.nanoTime();
        boolean any = buffer.queued() > 0;
        SampleBuffer.FlushResult result = buffer.flush(this::insert);
        if (any) {
            flushTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        if (result.rejected() > 0) {
            Log.warnf("Samples: the database refused %d samples; they were dropped", result.rejected());
        }
        watch.flushed(result.failure(), buffer.queued(), config.queueCapacity());
        watch.dropped(buffer.dropped(), config.queueCapacity());
        return result.written();
    }

    /** True while writing fails because the database cannot be reached (it is retried every recheck interval). */
    public boolean databaseDown() {
        return watch.down();
    }

    @Override
    public BufferState bufferState() {
        return new BufferState("samples", watch.down(), buffer.queued(), config.queueCapacity());
    }

    public Counters counters() {
        return new Counters(buffer.queued(), buffer.written(), buffer.dropped(), buffer.rejected());
    }

    @Scheduled(every = "${switchboard.stats.flush-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledFlush() {
        if (watch.mayTry()) {
            flush();
        } else {
            watch.dropped(buffer.dropped(), config.queueCapacity());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (buffer.queued() > 0) {
            flush();
        }
    }

    private void insert(List<Sample> batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (Sample s : batch) {
                    ps.setLong(1, s.endpointId());
                    ps.setObject(2, OffsetDateTime.ofInstant(s.startedAt(), ZoneOffset.UTC));
                    ps.setString(3, s.source().id());
                    ps.setString(4, s.outcome().id());
                    setInt(ps, 5, s.httpStatus());
                    setInt(ps, 6, s.ttftMs());
                    ps.setInt(7, s.latencyMs());
                    setInt(ps, 8, s.inputTokens());
                    setInt(ps, 9, s.outputTokens());
                    setReal(ps, 10, s.decodeTps());
                    setReal(ps, 11, s.e2eTps());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed); // the connection is likely gone; the first error says why
                }
                throw e;
            }
        }
    }

    private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    private static void setReal(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.REAL);
        } else {
            ps.setFloat(index, value.floatValue());
        }
    }
}
