package dev.switchboard.web.chart;

import java.util.List;
import java.util.Objects;

/** One line of a chart, e.g. one provider's hourly TTFT. Points may be unordered and may leave hours out. */
public record ChartSeries(String label, List<ChartPoint> points) {

    public ChartSeries {
        Objects.requireNonNull(label, "label");
        points = points == null ? List.of() : List.copyOf(points);
    }
}
