package dev.switchboard.web.chart;

import io.quarkus.qute.TemplateData;
import java.time.Instant;

/**
 * One hour on the strip: an SVG rect at {@code x} of {@code width}, colored by {@code status}, with a tooltip such as
 * "14:00 UTC · 99.2% · 512 calls (3 failed, 2 rate-limited)". {@code uptime} is null when the hour has no data.
 */
@TemplateData
public record UptimeCell(Instant hour, UptimeStatus status, Double uptime, long calls, double x, double width,
        String tooltip) {
}
