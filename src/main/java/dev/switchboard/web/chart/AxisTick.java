package dev.switchboard.web.chart;

import io.quarkus.qute.TemplateData;

/**
 * One tick: its grid line from (x1, y1) to (x2, y2) across the plot, and its label anchored at (labelX, labelY).
 * Y ticks are horizontal lines labelled left of the plot; x ticks vertical lines labelled below it.
 */
@TemplateData
public record AxisTick(String label, double x1, double y1, double x2, double y2, double labelX, double labelY) {
}
