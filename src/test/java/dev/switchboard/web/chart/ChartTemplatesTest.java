package dev.switchboard.web.chart;

import static dev.switchboard.web.chart.ChartFixtures.FROM_24H;
import static dev.switchboard.web.chart.ChartFixtures.FROM_7D;
import static dev.switchboard.web.chart.ChartFixtures.TO;
import static dev.switchboard.web.chart.ChartFixtures.hour;
import static dev.switchboard.web.chart.ChartFixtures.hourly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.TemplateLocator.TemplateLocation;
import io.quarkus.qute.UserTagSectionHelper;
import io.quarkus.qute.Variant;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Renders the tag templates with a bare Qute engine set up as Quarkus sets it up for them (user tags from tags/, HTML
 * escaping, strict rendering); reflection stands in for the value resolvers Quarkus generates from @TemplateData.
 */
class ChartTemplatesTest {

    private static final Variant HTML = Variant.forContentType(Variant.TEXT_HTML);

    private final Engine engine = Engine.builder()
            .addDefaults()
            .addValueResolver(new ReflectionValueResolver())
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .addSectionHelper(new UserTagSectionHelper.Factory("chart", "tags/chart.html"))
            .addSectionHelper(new UserTagSectionHelper.Factory("uptimestrip", "tags/uptimestrip.html"))
            .addLocator(ChartTemplatesTest::locate)
            .strictRendering(true)
            .build();

    @Test
    void chartRendersAnAccessibleSvgWithSegmentsAndTooltips() {
        ChartView view = TimeSeriesChart.of("TTFT", ChartUnit.MILLISECONDS).build(FROM_24H, TO, List.of(
                hourly("anthropic", FROM_24H, 820.0, 840.0, null, 800.0),
                hourly("amazon-bedrock", FROM_24H, 1100.0)));

        String html = render("{#chart view=view /}", view);

        assertTrue(html.contains("<svg class=\"chart-svg\" viewBox=\"0 0 640 220\" role=\"img\" "
                + "aria-labelledby=\"chart-ttft-24h-title chart-ttft-24h-desc\">"), html);
        assertTrue(html.contains("<title id=\"chart-ttft-24h-title\">TTFT</title>"), html);
        assertTrue(html.contains("<desc id=\"chart-ttft-24h-desc\">TTFT over the last 24 hours: anthropic median "
                + "820 ms, amazon-bedrock median 1.1 s</desc>"), html);
        assertTrue(html.contains("<path class=\"line series-0\" d=\"M83.3 94.3L105.8 91.8\"/>"), html);
        // The axis runs to 1.5 s; anthropic's lone 17:00 value and bedrock's only value are dots.
        assertTrue(html.contains("<circle class=\"dot\" cx=\"150.8\" cy=\"96.8\" r=\"2.5\"/>"), html);
        assertTrue(html.contains("<circle class=\"dot\" cx=\"83.3\" cy=\"59.6\" r=\"2.5\"/>"), html);
        assertTrue(html.contains("<circle class=\"hit\" cx=\"83.3\" cy=\"59.6\" r=\"6.0\">"
                + "<title>amazon-bedrock · 14:00 UTC · 1.1 s</title></circle>"), html);
        assertTrue(html.contains("<text x=\"66.0\" y=\"200.0\">0 s</text>"), html);
        assertTrue(html.contains("<text x=\"94.5\" y=\"212.0\">15:00 UTC</text>"), html);
        // Only anthropic has two neighbouring hours, so only anthropic has a path.
        assertEquals(1, count(html, "<path "));
        assertEquals(4, count(html, "class=\"hit\""));
        assertTrue(html.contains("<li class=\"series-1\"><span class=\"swatch\" aria-hidden=\"true\"></span>"
                + "<span class=\"label\">amazon-bedrock</span> "
                + "<span class=\"value\" title=\"Latest hour; median over the period 1.1 s\">1.1 s</span></li>"), html);
        assertFalse(html.contains("No data yet"));
    }

    @Test
    void emptyChartShowsTheNoDataState() {
        ChartView view = TimeSeriesChart.of("Throughput", ChartUnit.TOKENS_PER_SECOND)
                .build(FROM_24H, TO, List.of(hourly("groq", FROM_24H, null, null)));

        String html = render("{#chart view=view /}", view);

        assertTrue(html.contains("<p class=\"chart-empty\" role=\"img\" aria-label=\"Throughput over the last 24 "
                + "hours: no data yet\">No data yet for this period</p>"), html);
        assertFalse(html.contains("<svg"));
    }

    @Test
    void legendCanBeLeftOutAndLabelsAreEscaped() {
        ChartView view = TimeSeriesChart.of("TTFT", ChartUnit.MILLISECONDS)
                .build(FROM_24H, TO, List.of(hourly("<b>evil</b>", FROM_24H, 820.0)));

        String withLegend = render("{#chart view=view /}", view);
        String withoutLegend = render("{#chart view=view legend=false /}", view);

        assertTrue(withLegend.contains("chart-legend"));
        assertFalse(withoutLegend.contains("chart-legend"));
        assertTrue(withLegend.contains("&lt;b&gt;evil&lt;/b&gt; · 14:00 UTC · 820 ms"), withLegend);
        assertFalse(withLegend.contains("<b>"));
    }

    @Test
    void renderingIsDeterministic() {
        ChartView first = TimeSeriesChart.of("TTFT", ChartUnit.MILLISECONDS)
                .build(FROM_7D, TO, TimeSeriesChartTest.sampleWeek());
        ChartView second = TimeSeriesChart.of("TTFT", ChartUnit.MILLISECONDS)
                .build(FROM_7D, TO, TimeSeriesChartTest.sampleWeek());

        String html = render("{#chart view=view /}", first);
        assertEquals(html, render("{#chart view=view /}", second));
        assertEquals(8 * 168, count(html, "class=\"hit\""));
        // A full week of eight providers stays a reasonable size for inline markup.
        assertTrue(html.length() < 200_000, "chart markup is " + html.length() + " characters");
    }

    @Test
    void uptimeStripRendersOneRectPerHour() {
        UptimeStrip strip = UptimeStrip.build("amazon-bedrock", FROM_24H, TO, List.of(
                UptimeHour.of(hour(FROM_24H, 0), 507, 3, 2)));

        String html = render("{#uptimestrip strip=view /}", strip);

        assertTrue(html.contains("<svg class=\"uptime-strip\" viewBox=\"0 0 640 24\" preserveAspectRatio=\"none\" "
                + "role=\"img\" aria-label=\"amazon-bedrock uptime over the last 24 hours: 99.4% of 512 calls; "
                + "hours: 1 degraded, 23 without data\">"), html);
        assertTrue(html.contains("<rect class=\"degraded\" x=\"0.0\" y=\"0\" width=\"24.7\" height=\"24\">"
                + "<title>14:00 UTC · 99.4% · 512 calls (3 failed, 2 rate-limited)</title></rect>"), html);
        assertEquals(24, count(html, "<rect "));
        assertEquals(23, count(html, "class=\"nodata\""));
    }

    private String render(String page, Object view) {
        return engine.parse(page, HTML).data("view", view).render();
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static Optional<TemplateLocation> locate(String id) {
        URL url = ChartTemplatesTest.class.getResource("/templates/" + id);
        if (url == null) {
            return Optional.empty();
        }
        return Optional.of(new TemplateLocation() {
            @Override
            public Reader read() {
                try {
                    return new InputStreamReader(url.openStream(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public Optional<Variant> getVariant() {
                return Optional.of(HTML);
            }
        });
    }
}
