package dev.switchboard.stats;

import dev.switchboard.database.SqlStates;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-off between threads that observe calls and the one that writes them. {@link #offer} is lock-free
 * and never waits; {@link #flush} writes in batches and keeps a batch the database did not take, to be retried first
 * next time, so nothing is lost while the database is away until the bound is reached. The bound counts the batch
 * being retried too.
 */
final class SampleBuffer {

    /** Writes one batch in one transaction: all or nothing. */
    @FunctionalInterface
    interface Writer {
        void write(List<Sample> batch) throws SQLException;
    }

    /** What a flush did. {@code failure} is the error that stopped it, null when everything queued was written. */
    record FlushResult(int written, int rejected, SQLException failure) {
    }

    private final int capacity;
    private final int batchSize;
    private final ConcurrentLinkedQueue<Sample> queue = new ConcurrentLinkedQueue<>();
    /** Queued plus pending: what the bound applies to. */
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final ReentrantLock flushing = new ReentrantLock();
    /** Taken off the queue but not yet written; owned by the thread holding {@link #flushing}. */
    private final List<Sample> pending = new ArrayList<>();

    SampleBuffer(int capacity, int batchSize) {
        if (capacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("capacity and batch size must be positive");
        }
        this.capacity = capacity;
        this.batchSize = batchSize;
    }

    /** Queues a sample; false (and counted as dropped) when the buffer is full. */
    boolean offer(Sample sample) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        queue.add(sample);
        return true;
    }

    /**
     * Writes what was queued when the call began (later arrivals may ride along) and returns what it did. Callers
     * serialise: a second flush waits for the first, so on return everything offered before the call is written,
     * unless the result carries a failure.
     */
    FlushResult flush(Writer writer) {
        flushing.lock();
        try {
            int target = size.get();
            int wrote = 0;
            int refused = 0;
            while (wrote + refused < target) {
                while (pending.size() < batchSize) {
                    Sample next = queue.poll();
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
                    account(pending.size(), 0);
                    pending.clear();
                } catch (SQLException e) {
                    if (SqlStates.isTransient(e)) {
                        return new FlushResult(wrote, refused, e);
                    }
                    // The batch holds something the database refuses: find it by writing one at a time, so one bad
                    // sample does not hold up (or take down) the rest.
                    int[] outcome = writeOneByOne(writer);
                    wrote += outcome[0];
                    refused += outcome[1];
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

    private int[] writeOneByOne(Writer writer) {
        int wrote = 0;
        int refused = 0;
        while (!pending.isEmpty()) {
            try {
                writer.write(List.of(pending.getFirst()));
                wrote++;
                account(1, 0);
            } catch (SQLException e) {
                if (SqlStates.isTransient(e)) {
                    break; // keep the rest for the next flush
                }
                refused++;
                account(0, 1);
            }
            pending.removeFirst();
        }
        return new int[] {wrote, refused};
    }

    /** Counts samples that left the buffer and frees their room. */
    private void account(int wrote, int refused) {
        written.addAndGet(wrote);
        rejected.addAndGet(refused);
        size.addAndGet(-(wrote + refused));
    }

    /** Samples waiting to be written (including a batch being retried). */
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
