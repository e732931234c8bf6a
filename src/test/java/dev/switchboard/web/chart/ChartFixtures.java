package dev.switchboard.web.chart;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Hourly series for the chart tests; 2025-03-24 is a Monday. */
final class ChartFixtures {

    static final Instant TO = Instant.parse("2025-03-24T14:00:00Z");
    static final Instant FROM_24H = TO.minusSeconds(24 * 3600);
    static final Instant FROM_7D = TO.minusSeconds(7 * 24 * 3600);

    private ChartFixtures() {
    }

    /** A series with one point per hour from {@code from}; a null value is an hour without calls. */
    static ChartSeries hourly(String label, Instant from, Double... values) {
        List<ChartPoint> points = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            points.add(new ChartPoint(from.plusSeconds(i * 3600L), values[i]));
        }
        return new ChartSeries(label, points);
    }

    static Instant hour(Instant from, int index) {
        return from.plusSeconds(index * 3600L);
    }
}
