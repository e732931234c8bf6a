package dev.switchboard.database;

import io.quarkus.logging.Log;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Keeps a write-behind buffer quiet and cheap while the database is away: one line when writing starts failing, one
 * when it works again, flushes spaced by the recheck interval meanwhile (not one failed connection a second), and at
 * most one line per interval about rows dropped from a full buffer. Synchronised: the scheduled flush and a flush on shutdown or from a test may overlap.
 */
public final class BufferWatch {

    private final String name;
    private final long dropLogIntervalNanos;
    private final long recheckIntervalNanos;
    private final LongSupplier nanoClock;

    private volatile boolean down;
    private long nextTry;
    private long droppedLogged;
    private long lastDropLine;
    private boolean droppedEver;
    private long downSince;
    private volatile long flushFailures;

    public BufferWatch(String name, Duration dropLogInterval, Duration recheckInterval, LongSupplier nanoClock) {
        this.name = name;
        this.dropLogIntervalNanos = dropLogInterval.toNanos();
        this.recheckIntervalNanos = recheckInterval.toNanos();
        this.nanoClock = nanoClock;
    }

    public BufferWatch(String name, BuffersConfig config) {
        this(name, config.dropLogInterval(), config.recheckInterval(), System::nanoTime);
    }

    /** False while the database is down and the recheck interval since the last try has not passed. */
    public synchronized boolean mayTry() {
        return !down || nanoClock.getAsLong() - nextTry >= 0;
    }

    /** Reports how a flush ended: {@code failure} null when it wrote everything it took. */
    public synchronized void flushed(SQLException failure, int queued, int capacity) {
        long now = nanoClock.getAsLong();
        if (failure != null) {
            flushFailures++;
            nextTry = now + recheckIntervalNanos;
            if (!down) {
                down = true;
                downSince = now;
                Log.warnf("%s: the database is unavailable (%s); keeping %d queued (bound %d), retrying every %ds",
                        capitalised(), firstLine(failure), queued, capacity, recheckIntervalNanos / 1_000_000_000L);
            }
        } else if (down) {
            down = false;
            Log.infof("%s: the database is back after %ds; the queue is written", capitalised(),
                    (now - downSince) / 1_000_000_000L);
        }
    }

    /** Logs the rows dropped since the last line, unless a line was written less than the interval ago. */
    public synchronized void dropped(long droppedTotal, int capacity) {
        long since = droppedTotal - droppedLogged;
        if (since <= 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (droppedEver && now - lastDropLine < dropLogIntervalNanos) {
            return;
        }
        Log.warnf("%s: %d dropped since the last report because the buffer (%d) was full (%d in all)", capitalised(),
                since, capacity, droppedTotal);
        droppedEver = true;
        lastDropLine = now;
        droppedLogged = droppedTotal;
    }

    public boolean down() {
        return down;
    }

    public long flushFailures() {
        return flushFailures;
    }

    private String capitalised() {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** The driver's message may run over lines (hints); the first says what happened. */
    private static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
