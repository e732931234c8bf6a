package dev.switchboard.web.chart;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * How a chart's numbers read: values (legend, tooltips, summary) and axis labels. Axis labels drop trailing zeros and
 * use one unit for the whole axis, so a TTFT axis reads "0 s, 0.5 s, 1 s, 1.5 s" rather than mixing ms and s.
 */
public enum ChartUnit {
    /** Milliseconds: "850 ms", from one second on "1.2 s". The axis starts at zero. */
    MILLISECONDS,
    /** Output tokens per second: "85 tok/s", below ten "8.5 tok/s". The axis starts at zero. */
    TOKENS_PER_SECOND,
    /**
     * Percent (uptime): "99.5%". Rounded down, so an hour with any failure never reads "100%" and a value shown as
     * "99.5%" really is at least 99.5 (the uptime strip's thresholds agree with what the tooltip says).
     */
    PERCENT;

    public String format(double value) {
        return switch (this) {
            case MILLISECONDS -> formatMillis(value);
            case TOKENS_PER_SECOND -> value < 9.95
                    ? String.format(Locale.ROOT, "%.1f tok/s", value)
                    : Math.round(value) + " tok/s";
            case PERCENT -> formatPercent(value);
        };
    }

    /** Labels for the y-axis ticks (ascending, evenly spaced by {@code step}). */
    List<String> axisLabels(List<BigDecimal> ticks) {
        if (this == MILLISECONDS && !ticks.isEmpty() && ticks.getLast().compareTo(BigDecimal.valueOf(1000)) >= 0) {
            return ticks.stream().map(t -> plain(t.movePointLeft(3)) + " s").toList();
        }
        String suffix = switch (this) {
            case MILLISECONDS -> " ms";
            case TOKENS_PER_SECOND -> " tok/s";
            case PERCENT -> "%";
        };
        return ticks.stream().map(t -> plain(t) + suffix).toList();
    }

    private static String formatMillis(double ms) {
        long rounded = Math.round(ms);
        if (rounded < 1000) {
            return rounded + " ms";
        }
        double seconds = ms / 1000;
        return seconds < 99.95
                ? String.format(Locale.ROOT, "%.1f s", seconds)
                : Math.round(seconds) + " s";
    }

    private static String formatPercent(double percent) {
        // The epsilon keeps 99.49999999999999 (a ratio computed in floating point) from reading "99.4%".
        double tenths = Math.floor(percent * 10 + 1e-9);
        if (tenths >= 1000) {
            return "100%";
        }
        return String.format(Locale.ROOT, "%.1f%%", tenths / 10);
    }

    private static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.signum() == 0 ? "0" : stripped.toPlainString();
    }
}
