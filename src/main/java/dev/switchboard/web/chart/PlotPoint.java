package dev.switchboard.web.chart;

import io.quarkus.qute.TemplateData;

/** A point in viewBox coordinates: an isolated value, drawn as a dot because a one-point path is invisible. */
@TemplateData
public record PlotPoint(double x, double y) {
}
