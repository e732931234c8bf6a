package dev.switchboard.database;

/**
 * One write-behind buffer at a glance.
 *
 * @param databaseDown its last flush failed to reach the database (rows are kept and retried)
 * @param queued       rows waiting, including a batch being retried
 * @param capacity     rows it holds at most; a full buffer drops every new row
 */
public record BufferState(String name, boolean databaseDown, int queued, int capacity) {

    public boolean full() {
        return queued >= capacity;
    }

    /** Past this share of its capacity, drops are near if the outage goes on. */
    public boolean nearlyFull() {
        return queued >= capacity * 0.8;
    }
}
