package dev.switchboard.web;

import dev.switchboard.stats.StatsSeries;
import dev.switchboard.web.chart.ChartPoint;
import dev.switchboard.web.chart.ChartSeries;
import dev.switchboard.web.chart.ChartUnit;
import dev.switchboard.web.chart.ChartView;
import dev.switchboard.web.chart.TimeSeriesChart;
import dev.switchboard.web.chart.UptimeHour;
import dev.switchboard.web.chart.UptimeStrip;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The charts of a model's page, built from the hourly rollups of its providers: TTFT, throughput and uptime per
 * provider, and an hourly uptime strip each. Providers keep the order (and so the colours) of the table above.
 */
public record ModelCharts(List<ChartView> charts, List<UptimeStrip> strips) {

    public static ModelCharts build(List<ProviderColumn> providers, Map<Long, List<StatsSeries.Point>> hourly,
                                    StatsSeries.Window window, Instant now) {
        Instant to = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant from = to.minus(Duration.ofHours(window.hours()));
        String period = window == StatsSeries.Window.WEEK ? "7d" : "24h";
        List<ChartView> charts = List.of(
                chart("Latency (TTFT p50)", "ttft-" + period, ChartUnit.MILLISECONDS, providers, hourly,
                        StatsSeries.Point::ttftP50, from, to),
                chart("Throughput (p50)", "throughput-" + period, ChartUnit.TOKENS_PER_SECOND, providers, hourly,
                        StatsSeries.Point::decodeP50, from, to),
                chart("Uptime", "uptime-" + period, ChartUnit.PERCENT, providers, hourly,
                        StatsSeries.Point::uptimePercent, from, to));
        List<UptimeStrip> strips = new ArrayList<>();
        for (ProviderColumn p : providers) {
            List<UptimeHour> hours = hourly.getOrDefault(p.endpoint().id(), List.of()).stream()
                    .map(h -> UptimeHour.of(h.start(), h.successes(), h.failures(), h.rateLimited()))
                    .toList();
            strips.add(UptimeStrip.build(p.endpoint().provider().name(), from, to, hours));
        }
        return new ModelCharts(charts, strips);
    }

    private static ChartView chart(String title, String id, ChartUnit unit, List<ProviderColumn> providers,
                                   Map<Long, List<StatsSeries.Point>> hourly,
                                   Function<StatsSeries.Point, Double> value, Instant from, Instant to) {
        List<ChartSeries> series = providers.stream()
                .map(p -> new ChartSeries(p.endpoint().provider().slug(),
                        hourly.getOrDefault(p.endpoint().id(), List.of()).stream()
                                .map(h -> ChartPoint.of(h.start(), value.apply(h)))
                                .toList()))
                .toList();
        return TimeSeriesChart.of(title, unit).id(id).build(from, to, series);
    }
}
