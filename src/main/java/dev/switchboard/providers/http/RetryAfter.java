package dev.switchboard.providers.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * How long a provider asked us to wait, from its response headers: {@code retry-after-ms} (OpenAI's, milliseconds,
 * more precise, so it wins), else {@code Retry-After} as delay-seconds or an HTTP-date (RFC 9110). Absent, garbled,
 * or in the past means "not said" (null), never zero.
 */
public final class RetryAfter {

    /** A provider asking for more than this is treated as asking for this: one bad header must not park an endpoint. */
    static final Duration MAX = Duration.ofHours(1);

    private RetryAfter() {
    }

    public static Duration parse(Function<String, String> header, Instant now) {
        Duration ms = millis(header.apply("retry-after-ms"));
        if (ms != null) {
            return ms;
        }
        return retryAfter(header.apply("retry-after"), now);
    }

    static Duration millis(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double ms = Double.parseDouble(value.trim());
            return ms > 0 && Double.isFinite(ms) ? cap(Duration.ofNanos((long) (Math.min(ms, MAX.toMillis()) * 1e6)))
                    : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.')) {
            try {
                double seconds = Double.parseDouble(v);
                return seconds > 0 ? cap(Duration.ofMillis((long) (Math.min(seconds, MAX.toSeconds()) * 1000))) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return wait.isNegative() || wait.isZero() ? null : cap(wait);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
