package dev.switchboard.web.chart;

import io.quarkus.qute.TemplateData;

/** An hour's status on the uptime strip; {@link #cssClass()} is the class chart.css colors. */
@TemplateData
public enum UptimeStatus {
    /** Uptime of at least 99.5%. */
    UP("up"),
    /** At least 95%, below 99.5%. */
    DEGRADED("degraded"),
    /** Below 95%. */
    DOWN("down"),
    /** No successful or failed call in the hour (rate-limited calls alone say nothing about uptime). */
    NODATA("nodata");

    private final String cssClass;

    UptimeStatus(String cssClass) {
        this.cssClass = cssClass;
    }

    public String cssClass() {
        return cssClass;
    }

    /** Exact integer comparison, so 995 of 1000 is up and 994 of 1000 is degraded, with no rounding in between. */
    public static UptimeStatus of(long successes, long failures) {
        long counted = successes + failures;
        if (counted <= 0) {
            return NODATA;
        }
        if (successes * 1000 >= 995 * counted) {
            return UP;
        }
        return successes * 100 >= 95 * counted ? DEGRADED : DOWN;
    }
}
