package dev.switchboard.web.chart;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Lays out a line chart of bucketed values (hourly TTFT, throughput or uptime per provider) as a {@link ChartView}
 * for {@code tags/chart.html}. Pure and deterministic: the same input gives the same view, field for field.
 *
 * <pre>
 * ChartView view = TimeSeriesChart.of("TTFT", ChartUnit.MILLISECONDS).id("ttft-24h").build(from, to, series);
 * </pre>
 *
 * A value is drawn at the middle of its bucket, so the hour 14:00-15:00 sits between the 14:00 and 15:00 ticks. Two
 * values are joined only when their buckets are neighbours: a null, or a bucket left out, breaks the line.
 * <p>
 * Configure, then {@link #build} as often as needed; building does not change the configuration.
 */
public final class TimeSeriesChart {

    public static final int DEFAULT_WIDTH = 640;
    public static final int DEFAULT_HEIGHT = 220;
    public static final Duration DEFAULT_BUCKET = Duration.ofHours(1);
    /** Colors cycle after this many series ({@code series-0} .. {@code series-7} in chart.css). */
    public static final int COLORS = 8;
    public static final String NO_DATA = "no data";

    // Margins in viewBox units: the left one fits "1500 tok/s", the right one half an "00:00 UTC" label.
    static final double MARGIN_LEFT = 72;
    static final double MARGIN_RIGHT = 28;
    static final double MARGIN_TOP = 10;
    static final double MARGIN_BOTTOM = 24;
    /** X labels are ~55 units wide; ticks closer than this would collide. */
    static final double MIN_TICK_SPACING = 60;
    static final double DOT_RADIUS = 2.5;

    private static final int[] HOUR_STEPS = {1, 2, 3, 6, 12, 24};
    private static final int[] DAY_STEPS = {1, 2, 7, 14, 28};

    private final String title;
    private final ChartUnit unit;
    private String id;
    private int width = DEFAULT_WIDTH;
    private int height = DEFAULT_HEIGHT;
    private Duration bucket = DEFAULT_BUCKET;

    private TimeSeriesChart(String title, ChartUnit unit) {
        this.title = Objects.requireNonNull(title, "title");
        this.unit = Objects.requireNonNull(unit, "unit");
    }

    /** A chart titled {@code title} (also the start of the summary: "TTFT over the last 24 hours: ..."). */
    public static TimeSeriesChart of(String title, ChartUnit unit) {
        return new TimeSeriesChart(title, unit);
    }

    /**
     * The element id prefix, unique on the page (made safe: lower-case letters, digits, hyphens). Defaults to
     * "chart-" + title + period, e.g. "chart-ttft-24h".
     */
    public TimeSeriesChart id(String id) {
        this.id = Objects.requireNonNull(id, "id");
        return this;
    }

    /** The viewBox size; the SVG scales to its container's width (CSS width: 100%). */
    public TimeSeriesChart size(int width, int height) {
        if (width <= MARGIN_LEFT + MARGIN_RIGHT || height <= MARGIN_TOP + MARGIN_BOTTOM) {
            throw new IllegalArgumentException("chart too small: " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        return this;
    }

    /** How long one point covers; hourly by default. */
    public TimeSeriesChart bucket(Duration bucket) {
        if (bucket.isZero() || bucket.isNegative()) {
            throw new IllegalArgumentException("bucket must be positive: " + bucket);
        }
        this.bucket = bucket;
        return this;
    }

    /** Lays out {@code series} over [from, to); points outside the range are ignored. */
    public ChartView build(Instant from, Instant to, List<ChartSeries> series) {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("empty range: " + from + " .. " + to);
        }
        Duration range = Duration.between(from, to);
        String chartId = Svg.slug(id != null ? id : "chart-" + title + "-" + TimeLabels.shortPeriod(range));
        PlotArea plot = new PlotArea(MARGIN_LEFT, MARGIN_TOP, width - MARGIN_RIGHT, height - MARGIN_BOTTOM);

        List<TreeMap<Instant, Double>> values = series.stream().map(s -> valuesInRange(s, from, to)).toList();
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        for (TreeMap<Instant, Double> v : values) {
            for (double value : v.values()) {
                lowest = Math.min(lowest, value);
                highest = Math.max(highest, value);
            }
        }
        boolean empty = lowest == Double.POSITIVE_INFINITY;

        List<LegendEntry> legend = new ArrayList<>();
        List<String> summaryParts = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            TreeMap<Instant, Double> v = values.get(i);
            String label = series.get(i).label();
            if (v.isEmpty()) {
                legend.add(new LegendEntry(label, i % COLORS, NO_DATA, NO_DATA, false));
                summaryParts.add(label + " " + NO_DATA);
            } else {
                String median = unit.format(median(v.values()));
                legend.add(new LegendEntry(label, i % COLORS, unit.format(v.lastEntry().getValue()), median, true));
                summaryParts.add(label + " median " + median);
            }
        }
        String period = TimeLabels.period(range);
        String summary = title + " over " + period + ": "
                + (empty ? "no data yet" : String.join(", ", summaryParts));

        double pitch = plot.width() * bucket.toMillis() / range.toMillis();
        double hoverRadius = Svg.round(Math.clamp(pitch / 2, 2, 6));
        if (empty) {
            List<SeriesLine> lines = new ArrayList<>();
            for (int i = 0; i < series.size(); i++) {
                lines.add(new SeriesLine(series.get(i).label(), i % COLORS, "", List.of(), List.of()));
            }
            return new ChartView(chartId, title, unit, summary, true, width, height, plot, List.of(), List.of(),
                    lines, legend, DOT_RADIUS, hoverRadius);
        }

        NiceScale scale = NiceScale.forUnit(unit, lowest, highest);
        Layout layout = new Layout(plot, from, range, bucket, scale);
        List<SeriesLine> lines = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            lines.add(line(series.get(i).label(), i % COLORS, values.get(i), layout, range));
        }
        return new ChartView(chartId, title, unit, summary, false, width, height, plot,
                yTicks(scale, layout), xTicks(from, to, layout), lines, legend, DOT_RADIUS, hoverRadius);
    }

    /** Valued points in [from, to), by time; a later duplicate of the same bucket replaces an earlier one. */
    private static TreeMap<Instant, Double> valuesInRange(ChartSeries series, Instant from, Instant to) {
        TreeMap<Instant, Double> values = new TreeMap<>();
        for (ChartPoint p : series.points()) {
            if (p.hasValue() && !p.at().isBefore(from) && p.at().isBefore(to)) {
                values.put(p.at(), p.value());
            }
        }
        return values;
    }

    private SeriesLine line(String label, int color, TreeMap<Instant, Double> values, Layout layout, Duration range) {
        StringBuilder path = new StringBuilder();
        List<PlotPoint> dots = new ArrayList<>();
        List<HoverTarget> targets = new ArrayList<>();
        List<PlotPoint> run = new ArrayList<>();
        Instant previous = null;
        for (Map.Entry<Instant, Double> e : values.entrySet()) {
            if (previous != null && Duration.between(previous, e.getKey()).compareTo(bucket) > 0) {
                flush(run, path, dots);
            }
            PlotPoint point = new PlotPoint(layout.x(e.getKey()), layout.y(e.getValue()));
            run.add(point);
            targets.add(new HoverTarget(point.x(), point.y(),
                    label + " · " + TimeLabels.bucket(e.getKey(), range) + " · " + unit.format(e.getValue())));
            previous = e.getKey();
        }
        flush(run, path, dots);
        return new SeriesLine(label, color, path.toString(), dots, targets);
    }

    /** Ends a run of neighbouring values: a path segment of two or more, a dot for one alone. */
    private static void flush(List<PlotPoint> run, StringBuilder path, List<PlotPoint> dots) {
        if (run.size() == 1) {
            dots.add(run.getFirst());
        } else if (run.size() > 1) {
            for (int i = 0; i < run.size(); i++) {
                PlotPoint p = run.get(i);
                path.append(i == 0 ? 'M' : 'L').append(Svg.number(p.x())).append(' ').append(Svg.number(p.y()));
            }
        }
        run.clear();
    }

    private List<AxisTick> yTicks(NiceScale scale, Layout layout) {
        List<String> labels = unit.axisLabels(scale.ticks());
        List<AxisTick> ticks = new ArrayList<>();
        PlotArea plot = layout.plot();
        for (int i = 0; i < scale.ticks().size(); i++) {
            double y = layout.y(scale.ticks().get(i).doubleValue());
            ticks.add(new AxisTick(labels.get(i), plot.left(), y, plot.right(), y,
                    Svg.round(plot.left() - 6), Svg.round(y + 4)));
        }
        return ticks;
    }

    /**
     * Ticks on UTC boundaries: up to two days every 1, 2, 3, 6, 12 or 24 hours ("14:00 UTC"), beyond that every 1, 2,
     * 7 (Mondays), 14 or 28 days at midnight ("Mon 24") — the first step that leaves room for the labels.
     */
    static List<AxisTick> xTicks(Instant from, Instant to, Layout layout) {
        long rangeSeconds = Duration.between(from, to).toSeconds();
        double unitsPerSecond = layout.plot().width() / rangeSeconds;
        boolean hourly = rangeSeconds <= Duration.ofDays(2).toSeconds();
        int[] steps = hourly ? HOUR_STEPS : DAY_STEPS;
        long unitSeconds = hourly ? 3600 : 86400;
        int step = steps[steps.length - 1];
        for (int candidate : steps) {
            if (candidate * unitSeconds * unitsPerSecond >= MIN_TICK_SPACING) {
                step = candidate;
                break;
            }
        }
        // Weekly ticks fall on Mondays: epoch day 4 (1970-01-05) was one.
        long offset = !hourly && step % 7 == 0 ? 3 : 0;
        long index = Math.ceilDiv(from.getEpochSecond(), unitSeconds);
        while ((index + offset) % step != 0) {
            index++;
        }
        List<AxisTick> ticks = new ArrayList<>();
        PlotArea plot = layout.plot();
        for (Instant t = Instant.ofEpochSecond(index * unitSeconds); !t.isAfter(to);
                t = t.plusSeconds(step * unitSeconds)) {
            double x = Svg.round(plot.left() + Duration.between(from, t).toSeconds() * unitsPerSecond);
            String label = hourly ? TimeLabels.hour(t) : TimeLabels.day(t);
            ticks.add(new AxisTick(label, x, plot.top(), x, plot.bottom(), x, Svg.round(plot.bottom() + 16)));
        }
        return ticks;
    }

    static double median(Collection<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Maps time and value to viewBox coordinates, rounded to 0.1. */
    record Layout(PlotArea plot, Instant from, Duration range, Duration bucket, NiceScale scale) {

        double x(Instant bucketStart) {
            double middle = Duration.between(from, bucketStart).toMillis() + bucket.toMillis() / 2.0;
            return Svg.round(plot.left() + plot.width() * middle / range.toMillis());
        }

        double y(double value) {
            double min = scale.minValue();
            double max = scale.maxValue();
            double clamped = Math.clamp(value, min, max);
            return Svg.round(plot.bottom() - plot.height() * (clamped - min) / (max - min));
        }
    }
}
