package dev.switchboard.web.chart;

import io.quarkus.qute.TemplateData;

/** The rectangle inside the viewBox where data is drawn; the margins around it hold the axis labels. */
@TemplateData
public record PlotArea(double left, double top, double right, double bottom) {

    public double width() {
        return right - left;
    }

    public double height() {
        return bottom - top;
    }
}
