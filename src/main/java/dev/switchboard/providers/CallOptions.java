package dev.switchboard.providers;

import java.time.Duration;

/**
 * Time limits of one upstream attempt: to connect, to the first content token, between two chunks of a stream, and
 * for the whole call. A non-streaming call has no first token: its limit is the total.
 */
public record CallOptions(Duration connectTimeout, Duration firstTokenTimeout, Duration idleTimeout,
                          Duration totalTimeout) {

    public static final CallOptions DEFAULTS = new CallOptions(Duration.ofSeconds(5), Duration.ofSeconds(60),
            Duration.ofSeconds(60), Duration.ofMinutes(10));
}
