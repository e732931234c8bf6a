package dev.switchboard.web.chart;

import io.quarkus.qute.TemplateData;

/**
 * A legend row: the series label, its color index (CSS class {@code series-N}), the latest value and the median of
 * the period, formatted ("820 ms"), or "no data" with {@code hasData} false.
 */
@TemplateData
public record LegendEntry(String label, int color, String latest, String median, boolean hasData) {

    /** "series-3". */
    public String cssClass() {
        return "series-" + color;
    }
}
