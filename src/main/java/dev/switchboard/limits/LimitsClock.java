package dev.switchboard.limits;

import java.time.Instant;

/**
 * The time limits are counted in: token buckets refill by it, budget periods begin and end by it. An interface so
 * that tests move time instead of waiting for it.
 */
public interface LimitsClock {

    /** Milliseconds, monotonic enough for refills: only differences between calls matter. */
    long millis();

    /** The wall-clock time, for budget periods and reset times shown to callers. */
    Instant now();
}
