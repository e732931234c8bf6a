package dev.switchboard.usage;

import dev.switchboard.database.BatchBuffer;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The generations' {@link BatchBuffer}, plus lookup by id: a generation is findable from the moment it is offered
 * (while queued or being retried) and, once written, from a small cache of recent ones.
 */
final class GenerationBuffer {

    @FunctionalInterface
    interface Writer {
        void write(List<GenerationRecord> batch) throws SQLException;
    }

    /** What a flush did; {@code refused} are the generations the database refused (bad data), each named. */
    record FlushResult(int written, List<String> refused, SQLException failure) {
    }

    /** Offered and not yet written, by id. */
    private final Map<String, GenerationRecord> unwritten = new ConcurrentHashMap<>();
    private final Map<String, GenerationRecord> recent;
    private final BatchBuffer<GenerationRecord> buffer;

    GenerationBuffer(int capacity, int batchSize, int recentSize) {
        this.recent = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, GenerationRecord> eldest) {
                return size() > recentSize;
            }
        };
        this.buffer = new BatchBuffer<>(capacity, batchSize) {
            @Override
            protected void accepted(GenerationRecord record) {
                unwritten.put(record.id(), record);
            }

            @Override
            protected void written(List<GenerationRecord> batch) {
                synchronized (recent) {
                    for (GenerationRecord r : batch) {
                        recent.put(r.id(), r);
                    }
                }
                for (GenerationRecord r : batch) {
                    unwritten.remove(r.id());
                }
            }

            @Override
            protected void refused(GenerationRecord record) {
                unwritten.remove(record.id());
            }
        };
    }

    /** Queues a generation; false (and counted as dropped) when the buffer is full. */
    boolean offer(GenerationRecord record) {
        return buffer.offer(record);
    }

    /** A generation not yet written, or written recently; null when this buffer does not know it. */
    GenerationRecord find(String id) {
        GenerationRecord r = unwritten.get(id);
        if (r != null) {
            return r;
        }
        // A written generation enters the recent cache before it leaves the unwritten map, so it is never in neither.
        synchronized (recent) {
            return recent.get(id);
        }
    }

    /** See {@link BatchBuffer#flush}. */
    FlushResult flush(Writer writer) {
        BatchBuffer.FlushResult<GenerationRecord> result = buffer.flush(writer::write);
        return new FlushResult(result.written(), result.refused().stream().map(GenerationRecord::id).toList(),
                result.failure());
    }

    /** Generations waiting to be written (including a batch being retried). */
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
