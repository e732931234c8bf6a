package dev.switchboard.usage;

import dev.switchboard.database.SqlStates;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-off between the proxy and the thread that writes generations, as {@code stats.SampleBuffer} is for
 * samples, plus lookup by id: a generation is findable from the moment it is offered (while queued or being
 * retried) and, once written, from a small cache of recent ones. {@link #offer} never waits; a batch the database
 * did not take is kept and retried first; the bound counts it too, so retries are bounded and what is dropped is
 * counted.
 */
final class GenerationBuffer {

    @FunctionalInterface
    interface Writer {
        void write(List<GenerationRecord> batch) throws SQLException;
    }

    /** What a flush did; {@code refused} are the generations the database refused (bad data), each named. */
    record FlushResult(int written, List<String> refused, SQLException failure) {
    }

    private final int capacity;
    private final int batchSize;
    private final ConcurrentLinkedQueue<GenerationRecord> queue = new ConcurrentLinkedQueue<>();
    /** Offered and not yet written, by id. */
    private final Map<String, GenerationRecord> unwritten = new ConcurrentHashMap<>();
    private final Map<String, GenerationRecord> recent;
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final ReentrantLock flushing = new ReentrantLock();
    /** Taken off the queue but not yet written; owned by the thread holding {@link #flushing}. */
    private final List<GenerationRecord> pending = new ArrayList<>();

    GenerationBuffer(int capacity, int batchSize, int recentSize) {
        if (capacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("capacity and batch size must be positive");
        }
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.recent = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, GenerationRecord> eldest) {
                return size() > recentSize;
            }
        };
    }

    /** Queues a generation; false (and counted as dropped) when the buffer is full. */
    boolean offer(GenerationRecord record) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        unwritten.put(record.id(), record);
        queue.add(record);
        return true;
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

    /**
     * Writes what was queued when the call began. Callers serialise; on return everything offered before the call is
     * written, unless the result carries a failure (then it waits, to be retried first).
     */
    FlushResult flush(Writer writer) {
        flushing.lock();
        try {
            int target = size.get();
            int wrote = 0;
            List<String> refused = new ArrayList<>();
            while (wrote + refused.size() < target) {
                while (pending.size() < batchSize) {
                    GenerationRecord next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    pending.add(next);
                }
                if (pending.isEmpty()) {
                    break;
                }
                try {
                    writer.write(pending);
                    wrote += pending.size();
                    written(pending);
                    pending.clear();
                } catch (SQLException e) {
                    if (SqlStates.isTransient(e)) {
                        return new FlushResult(wrote, refused, e);
                    }
                    // Something in the batch is refused: write one at a time so one bad row does not hold up the rest.
                    wrote += writeOneByOne(writer, refused);
                    if (!pending.isEmpty()) {
                        return new FlushResult(wrote, refused, e);
                    }
                }
            }
            return new FlushResult(wrote, refused, null);
        } finally {
            flushing.unlock();
        }
    }

    private int writeOneByOne(Writer writer, List<String> refused) {
        int wrote = 0;
        while (!pending.isEmpty()) {
            GenerationRecord first = pending.getFirst();
            try {
                writer.write(List.of(first));
                wrote++;
                written(List.of(first));
            } catch (SQLException e) {
                if (SqlStates.isTransient(e)) {
                    break; // keep the rest for the next flush
                }
                refused.add(first.id());
                rejected.incrementAndGet();
                unwritten.remove(first.id());
                size.decrementAndGet();
            }
            pending.removeFirst();
        }
        return wrote;
    }

    private void written(List<GenerationRecord> batch) {
        synchronized (recent) {
            for (GenerationRecord r : batch) {
                recent.put(r.id(), r);
            }
        }
        for (GenerationRecord r : batch) {
            unwritten.remove(r.id());
        }
        written.addAndGet(batch.size());
        size.addAndGet(-batch.size());
    }

    /** Generations waiting to be written (including a batch being retried). */
    int queued() {
        return size.get();
    }

    long written() {
        return written.get();
    }

    long dropped() {
        return dropped.get();
    }

    long rejected() {
        return rejected.get();
    }
}
