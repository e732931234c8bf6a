package dev.switchboard.database;

import java.util.Collection;

/**
 * What the database means for readiness. Since the proxy serves from memory and the buffers hold its writes, an
 * outage alone keeps a replica in rotation (issue 11); only once rows are being lost, or when the database was never
 * reached at all, is the replica not ready.
 */
public enum DatabaseState {
    /** Every buffer writes. */
    UP("up", true),
    /** The database is away and the buffers keep what would have been written. */
    BUFFERING("buffering", true),
    /** Still away, and a buffer is over 80% full: drops are near. */
    DEGRADED("degraded", true),
    /** A buffer is full: new samples or generations are dropped. */
    DROPPING("dropping", false),
    /** The catalog was never read from the database, so the database was never reached. */
    UNREACHED("unreached", false);

    public final String id;
    public final boolean ready;

    DatabaseState(String id, boolean ready) {
        this.id = id;
        this.ready = ready;
    }

    public static DatabaseState of(boolean reached, Collection<BufferState> buffers) {
        if (!reached) {
            return UNREACHED;
        }
        if (buffers.stream().anyMatch(BufferState::full)) {
            return DROPPING;
        }
        if (buffers.stream().anyMatch(b -> b.databaseDown() && b.nearlyFull())) {
            return DEGRADED;
        }
        return buffers.stream().anyMatch(BufferState::databaseDown) ? BUFFERING : UP;
    }
}
