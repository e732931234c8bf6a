package dev.switchboard.web.chart;

import io.quarkus.qute.TemplateData;
import java.util.List;

/**
 * Everything {@code tags/chart.html} draws, already laid out in viewBox coordinates (rounded to 0.1): the template only
 * prints. {@code summary} is the text alternative (SVG desc); {@code empty} means no series has a single value in the
 * period and the template shows "No data yet for this period" instead of axes.
 */
@TemplateData
public record ChartView(
        String id,
        String title,
        ChartUnit unit,
        String summary,
        boolean empty,
        int width,
        int height,
        PlotArea plot,
        List<AxisTick> yTicks,
        List<AxisTick> xTicks,
        List<SeriesLine> series,
        List<LegendEntry> legend,
        double dotRadius,
        double hoverRadius) {

    public ChartView {
        yTicks = List.copyOf(yTicks);
        xTicks = List.copyOf(xTicks);
        series = List.copyOf(series);
        legend = List.copyOf(legend);
    }

    /** The id of the SVG title element, for aria-labelledby. */
    public String titleId() {
        return id + "-title";
    }

    /** The id of the SVG desc element, for aria-labelledby. */
    public String descId() {
        return id + "-desc";
    }
}
