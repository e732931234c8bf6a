package dev.switchboard.web.chart;

import io.quarkus.qute.TemplateData;
import java.util.List;

/**
 * One series as drawn: {@code path} is an SVG path ("M.. L.. L..", a new "M" after every gap; empty when no two
 * neighbouring buckets have values), {@code dots} the values with no neighbour on either side, {@code targets} one
 * hover target per value. {@code color} (0..7) selects the CSS class {@code series-N}, shared with the legend.
 */
@TemplateData
public record SeriesLine(String label, int color, String path, List<PlotPoint> dots, List<HoverTarget> targets) {

    public SeriesLine {
        dots = List.copyOf(dots);
        targets = List.copyOf(targets);
    }

    /** "series-3". */
    public String cssClass() {
        return "series-" + color;
    }
}
