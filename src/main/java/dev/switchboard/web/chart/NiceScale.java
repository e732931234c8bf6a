package dev.switchboard.web.chart;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A y-axis: [min, max] with ticks every {@code step}, the step a 1-2-5 number. Ticks are exact decimals (BigDecimal) so
 * labels never read "0.30000000000000004".
 */
record NiceScale(BigDecimal min, BigDecimal max, BigDecimal step, List<BigDecimal> ticks) {

    /** About this many intervals between the lowest and the highest tick. */
    static final int TARGET_INTERVALS = 5;

    /** Uptime axes start at most here, lower only when a value is lower (then at its ten below). */
    static final double PERCENT_FLOOR = 90;

    /** The scale for a unit given the lowest and highest value drawn (both finite). */
    static NiceScale forUnit(ChartUnit unit, double lowest, double highest) {
        if (unit == ChartUnit.PERCENT) {
            double floor = Math.max(0, Math.min(PERCENT_FLOOR, Math.floor(lowest / 10) * 10));
            return covering(floor, 100);
        }
        return covering(0, highest);
    }

    /** From a nice number at or below {@code lo} to one at or above {@code hi}. */
    static NiceScale covering(double lo, double hi) {
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        BigDecimal step = niceStep((hi - lo) / TARGET_INTERVALS);
        BigDecimal min = multipleOf(step, lo, false);
        BigDecimal max = multipleOf(step, hi, true);
        List<BigDecimal> ticks = new ArrayList<>();
        for (BigDecimal t = min; t.compareTo(max) <= 0; t = t.add(step)) {
            ticks.add(t);
        }
        return new NiceScale(min, max, step, List.copyOf(ticks));
    }

    /** The smallest of 1, 2, 5 x 10^k that is at least {@code raw}. */
    static BigDecimal niceStep(double raw) {
        int exponent = (int) Math.floor(Math.log10(raw));
        double normalized = raw / Math.pow(10, exponent);
        int mantissa;
        if (normalized <= 1 + 1e-9) {
            mantissa = 1;
        } else if (normalized <= 2 + 1e-9) {
            mantissa = 2;
        } else if (normalized <= 5 + 1e-9) {
            mantissa = 5;
        } else {
            mantissa = 1;
            exponent++;
        }
        return BigDecimal.valueOf(mantissa).scaleByPowerOfTen(exponent);
    }

    private static BigDecimal multipleOf(BigDecimal step, double value, boolean up) {
        // A hair of tolerance so 1000.0000001 (a float sum) does not add a whole empty step above the data.
        double count = value / step.doubleValue();
        long n = up ? (long) Math.ceil(count - 1e-9) : (long) Math.floor(count + 1e-9);
        return step.multiply(BigDecimal.valueOf(n));
    }

    double minValue() {
        return min.doubleValue();
    }

    double maxValue() {
        return max.doubleValue();
    }
}
