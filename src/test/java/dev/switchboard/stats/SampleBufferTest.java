package dev.switchboard.stats;

import org.junit.jupiter.api.Test;

import dev.switchboard.database.SqlStates;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleBufferTest {

    private static Sample sample(int latency) {
        return new Sample(1, Instant.parse("2026-01-01T00:00:00Z"), Sample.Source.PROBE, SampleOutcome.OK, 200, 10,
                latency, 5, 7, 50.0, 40.0);
    }

    /** A database that takes batches, or is down. */
    private static final class FakeDatabase implements SampleBuffer.Writer {
        final List<List<Sample>> batches = new ArrayList<>();
        SQLException failWith;

        @Override
        public void write(List<Sample> batch) throws SQLException {
            if (failWith != null) {
                throw failWith;
            }
            batches.add(List.copyOf(batch));
        }

        List<Integer> latencies() {
            return batches.stream().flatMap(List::stream).map(Sample::latencyMs).toList();
        }
    }

    @Test
    void writesInBatchesInOrder() {
        SampleBuffer buffer = new SampleBuffer(100, 3);
        for (int i = 0; i < 7; i++) {
            assertTrue(buffer.offer(sample(i)));
        }
        FakeDatabase db = new FakeDatabase();
        SampleBuffer.FlushResult result = buffer.flush(db);
        assertEquals(7, result.written());
        assertNull(result.failure());
        assertEquals(List.of(3, 3, 1), db.batches.stream().map(List::size).toList());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), db.latencies());
        assertEquals(0, buffer.queued());
        assertEquals(7, buffer.written());
    }

    @Test
    void dropsAndCountsBeyondTheBound() {
        SampleBuffer buffer = new SampleBuffer(2, 10);
        assertTrue(buffer.offer(sample(1)));
        assertTrue(buffer.offer(sample(2)));
        assertFalse(buffer.offer(sample(3)));
        assertEquals(2, buffer.queued());
        assertEquals(1, buffer.dropped());
    }

    @Test
    void keepsSamplesWhileTheDatabaseIsDownAndWritesThemWhenItIsBack() {
        SampleBuffer buffer = new SampleBuffer(4, 2);
        FakeDatabase db = new FakeDatabase();
        db.failWith = new SQLException("Connection refused", "08001");
        buffer.offer(sample(1));
        buffer.offer(sample(2));
        buffer.offer(sample(3));
        SampleBuffer.FlushResult down = buffer.flush(db);
        assertEquals(0, down.written());
        assertSame(db.failWith, down.failure());
        assertEquals(3, buffer.queued());

        // The failed batch still counts against the bound: one more fits, then samples are dropped.
        assertTrue(buffer.offer(sample(4)));
        assertFalse(buffer.offer(sample(5)));
        assertEquals(1, buffer.dropped());

        db.failWith = null;
        SampleBuffer.FlushResult up = buffer.flush(db);
        assertEquals(4, up.written());
        assertNull(up.failure());
        assertEquals(List.of(1, 2, 3, 4), db.latencies());
        assertEquals(0, buffer.queued());
        assertTrue(buffer.offer(sample(6)));
    }

    @Test
    void aSampleTheDatabaseRefusesIsDroppedWithoutTheRestOfItsBatch() {
        SampleBuffer buffer = new SampleBuffer(10, 10);
        List<Integer> written = new ArrayList<>();
        SampleBuffer.Writer refusesLatency2 = batch -> {
            if (batch.stream().anyMatch(s -> s.latencyMs() == 2)) {
                throw new SQLException("new row violates check constraint", "23514");
            }
            batch.forEach(s -> written.add(s.latencyMs()));
        };
        for (int i = 1; i <= 4; i++) {
            buffer.offer(sample(i));
        }
        SampleBuffer.FlushResult result = buffer.flush(refusesLatency2);
        assertEquals(3, result.written());
        assertEquals(1, result.rejected());
        assertNull(result.failure());
        assertEquals(List.of(1, 3, 4), written);
        assertEquals(1, buffer.rejected());
        assertEquals(0, buffer.queued());
    }

    @Test
    void aPoolTimeoutWithoutStateIsTransient() {
        assertTrue(SqlStates.isTransient(new SQLException("Acquisition timeout while waiting for new connection")));
        assertTrue(SqlStates.isTransient(new SQLException("terminating connection", "57P01")));
        SQLException batch = new java.sql.BatchUpdateException("Batch entry 0 was aborted", null, 0, new int[0],
                new SQLException("violates check constraint", "23514"));
        assertFalse(SqlStates.isTransient(batch));
        assertNotNull(batch.getCause());
    }
}
