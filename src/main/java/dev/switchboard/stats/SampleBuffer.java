package dev.switchboard.stats;

import dev.switchboard.database.BatchBuffer;

import java.sql.SQLException;
import java.util.List;

/** The samples' {@link BatchBuffer}: refused samples are only counted. */
final class SampleBuffer {

    /** Writes one batch in one transaction: all or nothing. */
    @FunctionalInterface
    interface Writer {
        void write(List<Sample> batch) throws SQLException;
    }

    /** What a flush did. {@code failure} is the error that stopped it, null when everything queued was written. */
    record FlushResult(int written, int rejected, SQLException failure) {
    }

    private final BatchBuffer<Sample> buffer;

    SampleBuffer(int capacity, int batchSize) {
        this.buffer = new BatchBuffer<>(capacity, batchSize);
    }

    /** Queues a sample; false (and counted as dropped) when the buffer is full. */
    boolean offer(Sample sample) {
        return buffer.offer(sample);
    }

    /** See {@link BatchBuffer#flush}. */
    FlushResult flush(Writer writer) {
        BatchBuffer.FlushResult<Sample> result = buffer.flush(writer::write);
        return new FlushResult(result.written(), result.refused().size(), result.failure());
    }

    /** Samples waiting to be written (including a batch being retried). */
    int queued() {
        return buffer.queued();
    }

    long written() {
        return buffer.written();
    }

    long dropped() {
        return buffer.dropped();
    }

    long rejected() {
        return buffer.rejected();
    }
}
