package dev.switchboard.database;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-off between threads that produce rows on the hot path and the one that writes them in batches.
 * {@link #offer} is lock-free and never waits; {@link #flush} writes in batches and keeps a batch the database did
 * not take, to be retried first next time, so nothing is lost while the database is away until the bound is
 * reached. The bound counts the batch being retried too. A batch the database refuses (bad data, not an outage) is
 * written one row at a time, so one bad row does not hold up or take down the rest. Subclasses may follow rows in
 * and out through the hooks.
 */
public class BatchBuffer<T> {

    /** Writes one batch in one transaction: all or nothing. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(List<T> batch) throws SQLException;
    }

    /** What a flush did. {@code failure} is the error that stopped it, null when everything queued was written. */
    public record FlushResult<T>(int written, List<T> refused, SQLException failure) {
    }

    private final int capacity;
    private final int batchSize;
    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    /** Queued plus pending: what the bound applies to. */
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final ReentrantLock flushing = new ReentrantLock();
    /** Taken off the queue but not yet written; owned by the thread holding {@link #flushing}. */
    private final List<T> pending = new ArrayList<>();

    public BatchBuffer(int capacity, int batchSize) {
        if (capacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("capacity and batch size must be positive");
        }
        this.capacity = capacity;
        this.batchSize = batchSize;
    }

    /** Queues a row; false (and counted as dropped) when the buffer is full. */
    public boolean offer(T row) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        accepted(row);
        queue.add(row);
        return true;
    }

    /**
     * Writes what was queued when the call began (later arrivals may ride along) and returns what it did. Callers
     * serialise: a second flush waits for the first, so on return everything offered before the call is written,
     * unless the result carries a failure.
     */
    public FlushResult<T> flush(Writer<T> writer) {
        flushing.lock();
        try {
            int target = size.get();
            int wrote = 0;
            List<T> refused = new ArrayList<>();
            while (wrote + refused.size() < target) {
                while (pending.size() < batchSize) {
                    T next = queue.poll();
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
                    leave(pending, false);
                    pending.clear();
                } catch (SQLException e) {
                    if (SqlStates.isTransient(e)) {
                        return new FlushResult<>(wrote, refused, e);
                    }
                    wrote += writeOneByOne(writer, refused);
                    if (!pending.isEmpty()) {
                        return new FlushResult<>(wrote, refused, e);
                    }
                }
            }
            return new FlushResult<>(wrote, refused, null);
        } finally {
            flushing.unlock();
        }
    }

    private int writeOneByOne(Writer<T> writer, List<T> refused) {
        int wrote = 0;
        while (!pending.isEmpty()) {
            List<T> one = List.of(pending.getFirst());
            try {
                writer.write(one);
                wrote++;
                leave(one, false);
            } catch (SQLException e) {
                if (SqlStates.isTransient(e)) {
                    break; // keep the rest for the next flush
                }
                refused.add(one.getFirst());
                leave(one, true);
            }
            pending.removeFirst();
        }
        return wrote;
    }

    /** Counts rows that left the buffer, written or refused, and frees their room. */
    private void leave(List<T> rows, boolean refused) {
        if (refused) {
            rows.forEach(this::refused);
            rejected.addAndGet(rows.size());
        } else {
            written(rows);
            written.addAndGet(rows.size());
        }
        size.addAndGet(-rows.size());
    }

    /** A row was taken in; called before it can be flushed. */
    protected void accepted(T row) {
    }

    /** Rows were written; called before their room is freed. */
    protected void written(List<T> rows) {
    }

    /** A row the database refused; it is lost. */
    protected void refused(T row) {
    }

    /** Rows waiting to be written (including a batch being retried). */
    public int queued() {
        return size.get();
    }

    public long written() {
        return written.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long rejected() {
        return rejected.get();
    }
}
