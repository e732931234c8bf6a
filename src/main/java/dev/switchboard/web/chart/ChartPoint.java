package dev.switchboard.web.chart;

import java.time.Instant;
import java.util.Objects;

/**
 * One bucket of a series: {@code at} is the start of the bucket (an hour), {@code value} is null when the bucket had no
 * samples. A null is drawn as a gap, never as a zero.
 */
public record ChartPoint(Instant at, Double value) {

    public ChartPoint {
        Objects.requireNonNull(at, "at");
    }

    public static ChartPoint of(Instant at, Double value) {
        return new ChartPoint(at, value);
    }

    /** True when the bucket has a usable number (NaN and infinities count as no data). */
    public boolean hasValue() {
        return value != null && Double.isFinite(value);
    }
}
