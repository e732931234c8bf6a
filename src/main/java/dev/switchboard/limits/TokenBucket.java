package dev.switchboard.limits;

/**
 * A bucket of {@code capacity} that refills at {@code capacity} per minute, continuously. Taking may leave it below
 * zero (a settled call that used more than it reserved): the debt is repaid by the refill before the next take.
 * Not thread-safe; {@link InMemoryRateLimiter} holds a lock per key.
 */
final class TokenBucket {

    private static final double MINUTE_MS = 60_000.0;

    private final long capacity;
    private double level;
    private long atMillis;

    TokenBucket(long capacity, long nowMillis) {
        this.capacity = capacity;
        this.level = capacity;
        this.atMillis = nowMillis;
    }

    long capacity() {
        return capacity;
    }

    /** The level now, after the refill since the last look. */
    double level(long nowMillis) {
        if (nowMillis > atMillis) {
            level = Math.min(capacity, level + (nowMillis - atMillis) * capacity / MINUTE_MS);
            atMillis = nowMillis;
        }
        return level;
    }

    /** Whole units available now (never negative). */
    long remaining(long nowMillis) {
        return Math.max(0, (long) Math.floor(level(nowMillis)));
    }

    boolean canTake(long amount, long nowMillis) {
        return level(nowMillis) >= amount;
    }

    /** Takes {@code amount} (negative gives back, never above capacity). */
    void take(long amount, long nowMillis) {
        level = Math.min(capacity, level(nowMillis) - amount);
    }

    /** Milliseconds until {@code amount} can be taken: 0 when it can now; rounded up. */
    long millisUntil(long amount, long nowMillis) {
        double missing = amount - level(nowMillis);
        return missing <= 0 ? 0 : (long) Math.ceil(missing * MINUTE_MS / capacity);
    }

    /** Milliseconds until the bucket is full again (what the x-ratelimit-reset-* headers report). */
    long millisUntilFull(long nowMillis) {
        return millisUntil(capacity, nowMillis);
    }
}
