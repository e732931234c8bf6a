package dev.switchboard.limits;

/** Token buckets per key in memory: the cases every limiter passes ({@link RateLimiterContract}). */
class InMemoryRateLimiterTest extends RateLimiterContract {

    private final InMemoryRateLimiter limiter = new InMemoryRateLimiter(clock);

    @Override
    protected RateLimiter limiter() {
        return limiter;
    }
}
