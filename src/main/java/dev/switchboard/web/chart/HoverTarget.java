package dev.switchboard.web.chart;

import io.quarkus.qute.TemplateData;

/** An invisible circle over one value; its SVG title is the tooltip, e.g. "amazon-bedrock · 14:00 UTC · 820 ms". */
@TemplateData
public record HoverTarget(double x, double y, String tooltip) {
}
