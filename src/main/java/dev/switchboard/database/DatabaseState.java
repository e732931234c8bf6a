package dev.switchboard.database;

import java.util.Collection;

/**
 * What the database means for readiness. The proxy serves from memory and the buffers hold its writes, so an outage
 * keeps a replica in rotation (issue 11), even once a buffer is full and drops rows: every replica shares the one
 * database, so a dropping replica's traffic would only move to others that drop the same way, and when all of them
 * fill, all would leave the rotation and the gateway would stop serving calls because its log is away. Drops are an
 * alert (switchboard_buffer_dropped_total and this state), not a reason to refuse traffic. Only a database never
 * reached makes the replica not ready.
 */
public enum DatabaseState {
    /** Every buffer writes. */
    UP("up", true),
    /** The database is away and the buffers keep what would have been written. */
    BUFFERING("buffering", true),
    /** Still away, and a buffer is over 80% full: drops are near. */
    DEGRADED("degraded", true),
    /** A buffer is full: new samples or generations are dropped (counted), while calls are still served. */
    DROPPING("dropping", true),
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
