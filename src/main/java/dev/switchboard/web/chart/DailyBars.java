package dev.switchboard.web.chart;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bar per day of a count (requests on the usage page) for {@code tags/bars.html}: inline SVG laid out here, so the
 * page draws it without JavaScript and without inline styles (the CSP allows none). Pure and deterministic. Days
 * without a value get no bar but keep their slot, so a gap reads as a quiet day. The y-axis is the line charts'
 * {@link NiceScale}, never finer than whole numbers.
 *
 * @param bars  one per day from the first to the last, in order
 * @param ticks y-axis grid lines with their labels
 * @param labels a few x-axis dates, no closer than a label's width
 */
public record DailyBars(String id, String title, String summary, int width, int height, PlotArea plot,
                        List<Bar> bars, List<AxisTick> ticks, List<AxisTick> labels) {

    /** One day's bar; {@code height} zero for a day with nothing. */
    public record Bar(LocalDate day, long value, double x, double y, double width, double height, String tooltip) {
    }

    /** Longer ranges would make bars thinner than a pixel; the page says so instead of drawing them. */
    public static final int MAX_DAYS = 120;

    static final int WIDTH = 640;
    static final int HEIGHT = 180;
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH);

    /**
     * Bars for every day from {@code from} to {@code to} (both inclusive, at most {@link #MAX_DAYS}); {@code noun} is
     * what is counted, singular ("request"), for tooltips and the summary.
     */
    public static DailyBars of(String id, String title, String noun, LocalDate from, LocalDate to,
                               Map<LocalDate, Long> values) {
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days out of range: " + from + " to " + to);
        }
        long highest = values.values().stream().mapToLong(Long::longValue).max().orElse(0);
        // at least five intervals of one, so a day with 2 calls is not labelled 0.5, 1, 1.5
        NiceScale scale = NiceScale.covering(0, Math.max(5, highest));
        PlotArea plot = new PlotArea(48, 8, WIDTH - 12, HEIGHT - 24);
        double slot = plot.width() / days;
        double gap = slot > 6 ? Math.min(4, slot * 0.2) : 0;
        double max = scale.max().doubleValue();
        List<Bar> bars = new ArrayList<>();
        long total = 0;
        LocalDate busiest = null;
        for (int i = 0; i < days; i++) {
            LocalDate day = from.plusDays(i);
            long value = values.getOrDefault(day, 0L);
            total += value;
            if (value > 0 && (busiest == null || value > values.get(busiest))) {
                busiest = day;
            }
            double h = value == 0 ? 0 : Math.max(1, plot.height() * value / max);
            bars.add(new Bar(day, value, round(plot.left() + i * slot + gap / 2), round(plot.bottom() - h),
                    round(slot - gap), round(h), day + ": " + counted(value, noun)));
        }
        List<AxisTick> ticks = new ArrayList<>();
        for (BigDecimal t : scale.ticks()) {
            double y = round(plot.bottom() - plot.height() * t.doubleValue() / max);
            ticks.add(new AxisTick(t.stripTrailingZeros().toPlainString(), plot.left(), y, plot.right(), y,
                    plot.left() - 6, y + 4));
        }
        List<AxisTick> labels = new ArrayList<>();
        int every = (int) Math.ceil(60 / slot);
        for (int i = 0; i < days; i += every) {
            double x = round(plot.left() + (i + 0.5) * slot);
            labels.add(new AxisTick(LABEL.format(from.plusDays(i)), x, plot.bottom(), x, plot.bottom(), x,
                    plot.bottom() + 16));
        }
        String summary = title + " from " + from + " to " + to + ": " + counted(total, noun) + " in total"
                + (busiest == null ? "" : ", the most on " + busiest + " (" + counted(values.get(busiest), noun) + ")")
                + ".";
        return new DailyBars(Svg.slug(id), title, summary, WIDTH, HEIGHT, plot, List.copyOf(bars),
                List.copyOf(ticks), List.copyOf(labels));
    }

    public boolean empty() {
        return bars.stream().allMatch(b -> b.value() == 0);
    }

    private static String counted(long n, String noun) {
        return String.format(Locale.ENGLISH, "%,d %s", n, n == 1 ? noun : noun + "s");
    }

    private static double round(double v) {
        return Svg.round(v);
    }
}
