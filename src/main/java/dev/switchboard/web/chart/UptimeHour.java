package dev.switchboard.web.chart;

import java.time.Instant;
import java.util.Objects;

/**
 * One provider's calls in the hour starting at {@code hour}. Failures are the provider's fault (see Metrics in
 * DESIGN.md); rate-limited calls are counted apart and do not lower uptime. Null counts read as zero.
 */
public record UptimeHour(Instant hour, Long successes, Long failures, Long rateLimited) {

    public UptimeHour {
        Objects.requireNonNull(hour, "hour");
    }

    public static UptimeHour of(Instant hour, long successes, long failures, long rateLimited) {
        return new UptimeHour(hour, successes, failures, rateLimited);
    }
}
