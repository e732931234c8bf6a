package dev.switchboard.web.chart;

import static dev.switchboard.web.chart.ChartFixtures.FROM_24H;
import static dev.switchboard.web.chart.ChartFixtures.FROM_7D;
import static dev.switchboard.web.chart.ChartFixtures.TO;
import static dev.switchboard.web.chart.ChartFixtures.hour;
import static dev.switchboard.web.chart.ChartFixtures.hourly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plot area is x 72..612 (540 wide) and y 10..196 (186 high); over 24 h an hour is 22.5 wide and a value sits in
 * the middle of its hour, so hour i is at x = 83.25 + 22.5 i.
 */
class TimeSeriesChartTest {

    private static final TimeSeriesChart TTFT = TimeSeriesChart.of("TTFT", ChartUnit.MILLISECONDS);

    @Test
    void gapsStartANewSegmentAndALoneValueIsADot() {
        // Hours 0-2, a null at 3, hours 4-5, hour 6 left out, a lone hour 7, a null at 8, hours 9-10.
        ChartSeries s = hourly("anthropic", FROM_24H, 100.0, 200.0, 300.0, null, 400.0, 500.0);
        List<ChartPoint> points = new ArrayList<>(s.points());
        points.add(new ChartPoint(hour(FROM_24H, 7), 600.0));
        points.add(new ChartPoint(hour(FROM_24H, 8), null));
        points.add(new ChartPoint(hour(FROM_24H, 9), 1000.0));
        points.add(new ChartPoint(hour(FROM_24H, 10), 800.0));

        ChartView view = TTFT.build(FROM_24H, TO, List.of(new ChartSeries("anthropic", points)));

        SeriesLine line = view.series().getFirst();
        assertEquals("M83.3 177.4L105.8 158.8L128.3 140.2M173.3 121.6L195.8 103M285.8 10L308.3 47.2", line.path());
        assertEquals(List.of(new PlotPoint(240.8, 84.4)), line.dots());
        assertEquals(8, line.targets().size());
    }

    @Test
    void nullsAreNeverDrawnAsZero() {
        ChartSeries sparse = hourly("groq", FROM_24H, null, 250.0, null, null, 500.0, null);
        ChartView view = TTFT.build(FROM_24H, TO, List.of(sparse));

        SeriesLine line = view.series().getFirst();
        double zeroY = view.plot().bottom();
        assertEquals("", line.path());
        assertEquals(List.of(new PlotPoint(105.8, 103), new PlotPoint(173.3, 10)), line.dots());
        assertEquals(2, line.targets().size());
        assertTrue(line.targets().stream().noneMatch(t -> t.y() == zeroY));
        assertEquals("500 ms", view.legend().getFirst().latest());
        assertEquals("375 ms", view.legend().getFirst().median());
    }

    @Test
    void aSeriesWithoutValuesDrawsNothingAndSaysNoData() {
        ChartView view = TTFT.build(FROM_24H, TO, List.of(
                hourly("anthropic", FROM_24H, 820.0, 840.0),
                hourly("vertex", FROM_24H, null, null)));

        SeriesLine vertex = view.series().get(1);
        assertEquals("", vertex.path());
        assertTrue(vertex.dots().isEmpty());
        assertTrue(vertex.targets().isEmpty());
        assertEquals(new LegendEntry("vertex", 1, "no data", "no data", false), view.legend().get(1));
        assertEquals("TTFT over the last 24 hours: anthropic median 830 ms, vertex no data", view.summary());
    }

    @Test
    void yTicksAreNiceAndCoverTheMax() {
        ChartView view = TTFT.build(FROM_24H, TO, List.of(hourly("anthropic", FROM_24H, 640.0, 1800.0)));

        assertEquals(List.of("0 s", "0.5 s", "1 s", "1.5 s", "2 s"),
                view.yTicks().stream().map(AxisTick::label).toList());
        assertEquals(List.of(196.0, 149.5, 103.0, 56.5, 10.0), view.yTicks().stream().map(AxisTick::y1).toList());
        AxisTick top = view.yTicks().getLast();
        assertEquals(new AxisTick("2 s", 72, 10, 612, 10, 66, 14), top);
        // 1800 of 2000: 90% of the way up.
        assertEquals(new PlotPoint(105.8, 28.6), toPoint(view.series().getFirst().targets().get(1)));
    }

    @Test
    void uptimeAxisRunsFromAFloorToAHundred() {
        ChartView view = TimeSeriesChart.of("Uptime", ChartUnit.PERCENT)
                .build(FROM_24H, TO, List.of(hourly("anthropic", FROM_24H, 100.0, 99.2, 97.0)));

        assertEquals(List.of("90%", "92%", "94%", "96%", "98%", "100%"),
                view.yTicks().stream().map(AxisTick::label).toList());
        assertEquals("anthropic · 15:00 UTC · 99.2%", view.series().getFirst().targets().get(1).tooltip());
    }

    @Test
    void xTicksOver24HoursAreEveryThreeHoursInUtc() {
        ChartView view = TTFT.build(FROM_24H, TO, List.of(hourly("anthropic", FROM_24H, 820.0)));

        assertEquals(List.of("15:00 UTC", "18:00 UTC", "21:00 UTC", "00:00 UTC", "03:00 UTC", "06:00 UTC",
                "09:00 UTC", "12:00 UTC"), view.xTicks().stream().map(AxisTick::label).toList());
        assertEquals(new AxisTick("15:00 UTC", 94.5, 10, 94.5, 196, 94.5, 212), view.xTicks().getFirst());
        assertEquals(567.0, view.xTicks().getLast().x1());
    }

    @Test
    void xTicksOver7DaysAreDailyAtMidnight() {
        ChartView view = TTFT.build(FROM_7D, TO, List.of(hourly("anthropic", FROM_7D, 820.0)));

        assertEquals(List.of("Tue 18", "Wed 19", "Thu 20", "Fri 21", "Sat 22", "Sun 23", "Mon 24"),
                view.xTicks().stream().map(AxisTick::label).toList());
        // Midnight on the 18th is 10 hours in: 72 + 540 * 10 / 168.
        assertEquals(104.1, view.xTicks().getFirst().x1());
        assertEquals("chart-ttft-7d", view.id());
    }

    @Test
    void sevenDayTooltipsNameTheDay() {
        ChartView view = TTFT.build(FROM_7D, TO, List.of(hourly("amazon-bedrock", hour(TO, -1), 820.0)));

        HoverTarget target = view.series().getFirst().targets().getFirst();
        assertEquals("amazon-bedrock · Mon 24 13:00 UTC · 820 ms", target.tooltip());
        // The last hour of the week: 72 + 540 * 167.5 / 168.
        assertEquals(610.4, target.x());
        assertEquals(2.0, view.hoverRadius());
    }

    @Test
    void hoverTargetsCarryLabelHourAndValue() {
        ChartView view = TTFT.build(FROM_24H, TO, List.of(
                hourly("anthropic", FROM_24H, 820.0),
                hourly("amazon-bedrock", FROM_24H, 1100.0)));

        assertEquals("amazon-bedrock · 14:00 UTC · 1.1 s", view.series().get(1).targets().getFirst().tooltip());
        assertEquals(6.0, view.hoverRadius());
        assertEquals("TTFT over the last 24 hours: anthropic median 820 ms, amazon-bedrock median 1.1 s",
                view.summary());
    }

    @Test
    void emptyWhenNoSeriesHasAValue() {
        ChartView noValues = TTFT.build(FROM_24H, TO, List.of(hourly("anthropic", FROM_24H, null, null)));
        assertTrue(noValues.empty());
        assertTrue(noValues.yTicks().isEmpty());
        assertTrue(noValues.xTicks().isEmpty());
        assertEquals("TTFT over the last 24 hours: no data yet", noValues.summary());

        assertTrue(TTFT.build(FROM_24H, TO, List.of()).empty());
        // Values outside [from, to) do not count.
        assertTrue(TTFT.build(FROM_24H, TO, List.of(hourly("anthropic", TO, 820.0))).empty());
        assertTrue(TTFT.build(FROM_24H, TO, List.of(hourly("anthropic", hour(FROM_24H, -1), 820.0))).empty());

        assertFalse(TTFT.build(FROM_24H, TO, List.of(hourly("anthropic", FROM_24H, null, 0.0))).empty());
    }

    @Test
    void colorsFollowSeriesOrderAndCycleAfterEight() {
        List<ChartSeries> series = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            series.add(hourly("p" + i, FROM_24H, 100.0 + i));
        }
        ChartView view = TTFT.build(FROM_24H, TO, series);

        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 0), view.series().stream().map(SeriesLine::color).toList());
        assertEquals("series-7", view.legend().get(7).cssClass());
        assertEquals("series-0", view.series().get(8).cssClass());
    }

    @Test
    void latestIsTheLastHourWithAValue() {
        ChartView view = TimeSeriesChart.of("Throughput", ChartUnit.TOKENS_PER_SECOND)
                .build(FROM_24H, TO, List.of(hourly("groq", FROM_24H, 410.0, 395.4, null)));

        assertEquals(new LegendEntry("groq", 0, "395 tok/s", "403 tok/s", true), view.legend().getFirst());
    }

    @Test
    void sameInputGivesTheSameViewWhateverThePointOrder() {
        List<ChartSeries> series = sampleWeek();
        List<ChartSeries> shuffled = new ArrayList<>();
        Random random = new Random(7);
        for (ChartSeries s : series) {
            List<ChartPoint> points = new ArrayList<>(s.points());
            Collections.shuffle(points, random);
            shuffled.add(new ChartSeries(s.label(), points));
        }

        ChartView first = TTFT.build(FROM_7D, TO, series);
        assertEquals(first, TTFT.build(FROM_7D, TO, series));
        assertEquals(first, TTFT.build(FROM_7D, TO, shuffled));
        assertEquals(8 * 168, first.series().stream().mapToInt(s -> s.targets().size()).sum());
    }

    @Test
    void idsAreSafeForAriaAttributes() {
        ChartView view = TimeSeriesChart.of("Latency (TTFT)", ChartUnit.MILLISECONDS)
                .build(FROM_24H, TO, List.of(hourly("anthropic", FROM_24H, 820.0)));
        assertEquals("chart-latency-ttft-24h", view.id());
        assertEquals("chart-latency-ttft-24h-title", view.titleId());
        assertEquals("ttft-7d", TimeSeriesChart.of("TTFT", ChartUnit.MILLISECONDS).id("TTFT 7d")
                .build(FROM_24H, TO, List.of()).id());
    }

    /** Eight providers over a week, every hour valued. */
    static List<ChartSeries> sampleWeek() {
        List<ChartSeries> series = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            Double[] values = new Double[168];
            for (int h = 0; h < 168; h++) {
                values[h] = 400 + 100.0 * p + (h * 37 + p * 11) % 90;
            }
            series.add(hourly("provider-" + p, FROM_7D, values));
        }
        return series;
    }

    private static PlotPoint toPoint(HoverTarget target) {
        return new PlotPoint(target.x(), target.y());
    }
}
