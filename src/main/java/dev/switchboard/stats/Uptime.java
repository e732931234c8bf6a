package dev.switchboard.stats;

/**
 * Calls over a window by whose fault they ended. {@code percent} = successes / (successes + failures) × 100, null
 * when there was no call that counts (rate-limited calls are shown apart and do not count).
 */
public record Uptime(long successes, long failures, long rateLimited, Double percent) {

    public static final Uptime NONE = of(0, 0, 0);

    public static Uptime of(long successes, long failures, long rateLimited) {
        long counted = successes + failures;
        return new Uptime(successes, failures, rateLimited, counted == 0 ? null : successes * 100.0 / counted);
    }

    Uptime plus(Uptime other) {
        return of(successes + other.successes, failures + other.failures, rateLimited + other.rateLimited);
    }

    public boolean hasData() {
        return successes + failures + rateLimited > 0;
    }
}
