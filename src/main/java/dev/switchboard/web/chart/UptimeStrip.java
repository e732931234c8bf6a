package dev.switchboard.web.chart;

import dev.switchboard.web.Formats;
import io.quarkus.qute.TemplateData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One provider's hourly uptime as a row of cells for {@code tags/uptimestrip.html}: one cell per hour of [from, to)
 * (24 or 168), hours without input showing as no data. {@code summary} is the strip's text alternative.
 */
@TemplateData
public record UptimeStrip(String label, String summary, int width, int height, List<UptimeCell> cells) {

    public static final int DEFAULT_WIDTH = 640;
    public static final int DEFAULT_HEIGHT = 24;
    private static final Duration HOUR = Duration.ofHours(1);

    public UptimeStrip {
        cells = List.copyOf(cells);
    }

    /** The strip for [from, to) at the default size; hours outside the range are ignored, repeated hours summed. */
    public static UptimeStrip build(String label, Instant from, Instant to, List<UptimeHour> hours) {
        return build(label, from, to, hours, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    public static UptimeStrip build(String label, Instant from, Instant to, List<UptimeHour> hours, int width,
            int height) {
        Objects.requireNonNull(label, "label");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("empty range: " + from + " .. " + to);
        }
        Duration range = Duration.between(from, to);
        int count = (int) Math.ceilDiv(range.toSeconds(), HOUR.toSeconds());
        long[][] counts = new long[count][3];
        for (UptimeHour h : hours) {
            if (h.hour().isBefore(from) || !h.hour().isBefore(to)) {
                continue;
            }
            int i = (int) (Duration.between(from, h.hour()).toSeconds() / HOUR.toSeconds());
            counts[i][0] += orZero(h.successes());
            counts[i][1] += orZero(h.failures());
            counts[i][2] += orZero(h.rateLimited());
        }

        double pitch = (double) width / count;
        // A visible gap between cells where there is room for it; at 168 cells a hairline.
        double gap = pitch >= 8 ? 2 : 0.5;
        List<UptimeCell> cells = new ArrayList<>(count);
        long[] byStatus = new long[UptimeStatus.values().length];
        long totalSuccesses = 0;
        long totalFailures = 0;
        long totalCalls = 0;
        for (int i = 0; i < count; i++) {
            Instant hour = from.plus(HOUR.multipliedBy(i));
            long ok = counts[i][0];
            long failed = counts[i][1];
            long limited = counts[i][2];
            UptimeStatus status = UptimeStatus.of(ok, failed);
            Double uptime = status == UptimeStatus.NODATA ? null : 100.0 * ok / (ok + failed);
            double x = Svg.round(i * pitch);
            double cellWidth = Svg.round(Svg.round((i + 1) * pitch) - x - gap);
            String tooltip = TimeLabels.bucket(hour, range) + " · " + describe(ok, failed, limited);
            cells.add(new UptimeCell(hour, status, uptime, ok + failed + limited, x, cellWidth, tooltip));
            byStatus[status.ordinal()]++;
            totalSuccesses += ok;
            totalFailures += failed;
            totalCalls += ok + failed + limited;
        }
        return new UptimeStrip(label, summary(label, range, totalSuccesses, totalFailures, totalCalls, byStatus),
                width, height, cells);
    }

    /** "99.2% · 512 calls (3 failed, 2 rate-limited)", "no data". */
    static String describe(long ok, long failed, long limited) {
        long calls = ok + failed + limited;
        if (calls == 0) {
            return "no data";
        }
        String uptime = ok + failed == 0 ? "no uptime data" : percent(ok, failed);
        List<String> details = new ArrayList<>();
        if (failed > 0) {
            details.add(Formats.count(failed) + " failed");
        }
        if (limited > 0) {
            details.add(Formats.count(limited) + " rate-limited");
        }
        return uptime + " · " + Formats.calls(calls) + (details.isEmpty() ? "" : " (" + String.join(", ", details) + ")");
    }

    private static String summary(String label, Duration range, long ok, long failed, long calls, long[] byStatus) {
        StringBuilder s = new StringBuilder(label).append(" uptime over ").append(TimeLabels.period(range))
                .append(": ");
        if (ok + failed == 0) {
            s.append("no data");
            return calls == 0 ? s.toString() : s.append(" (").append(Formats.calls(calls)).append(", all rate-limited)")
                    .toString();
        }
        s.append(percent(ok, failed)).append(" of ").append(Formats.calls(calls));
        List<String> hours = new ArrayList<>();
        addCount(hours, byStatus[UptimeStatus.UP.ordinal()], "up");
        addCount(hours, byStatus[UptimeStatus.DEGRADED.ordinal()], "degraded");
        addCount(hours, byStatus[UptimeStatus.DOWN.ordinal()], "down");
        addCount(hours, byStatus[UptimeStatus.NODATA.ordinal()], "without data");
        return s.append("; hours: ").append(String.join(", ", hours)).toString();
    }

    private static void addCount(List<String> parts, long n, String what) {
        if (n > 0) {
            parts.add(n + " " + what);
        }
    }

    /** Rounded down to 0.1 from exact counts, so it agrees with {@link UptimeStatus#of}. */
    private static String percent(long ok, long failed) {
        long tenths = ok * 1000 / (ok + failed);
        return tenths == 1000 ? "100%" : tenths / 10 + "." + tenths % 10 + "%";
    }


    private static long orZero(Long n) {
        return n == null ? 0 : Math.max(0, n);
    }
}
