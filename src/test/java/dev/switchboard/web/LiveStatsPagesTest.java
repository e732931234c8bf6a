package dev.switchboard.web;

import dev.switchboard.catalog.CatalogService;
import dev.switchboard.stats.RollupJob;
import dev.switchboard.stats.Sample;
import dev.switchboard.stats.SampleOutcome;
import dev.switchboard.stats.SampleRecorder;
import dev.switchboard.stats.StatsSnapshot;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages with live numbers: samples go in through the recorder, are rolled up and read back by the snapshot,
 * exactly as in production, for the ranklab models that no other test samples.
 * fast: TTFT 200 ms, 60 tok/s, never fails; steady: TTFT 600 ms, 120 tok/s, 3 of 4 calls succeed plus two
 * rate-limited calls that must not lower its uptime; quiet: no samples at all.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class LiveStatsPagesTest {

    @Inject
    CatalogService catalog;

    @Inject
    SampleRecorder recorder;

    @Inject
    RollupJob rollup;

    @Inject
    StatsSnapshot snapshot;

    private static boolean sampled;

    @BeforeEach
    void sample() {
        if (sampled) {
            return;
        }
        // Within the last minutes, but in the current hour's past, so every window from 1 h up sees them.
        Instant now = Instant.now();
        Instant at = now.minus(Duration.ofMinutes(2)).isBefore(now.truncatedTo(ChronoUnit.HOURS))
                ? now.minusSeconds(5) : now.minus(Duration.ofMinutes(2));
        long fast = endpointOf(TestCatalog.FAST);
        long steady = endpointOf(TestCatalog.STEADY);
        for (int i = 0; i < 8; i++) {
            recorder.record(ok(fast, at.plusMillis(i), 200, 60));
        }
        for (int i = 0; i < 6; i++) {
            recorder.record(ok(steady, at.plusMillis(i), 600, 120));
        }
        recorder.record(new Sample(steady, at.plusMillis(7), Sample.Source.TRAFFIC, SampleOutcome.SERVER_ERROR, 503,
                null, 300, 12, null, null, null));
        recorder.record(new Sample(steady, at.plusMillis(8), Sample.Source.TRAFFIC, SampleOutcome.TIMEOUT, null,
                null, 30_000, 12, null, null, null));
        for (int i = 0; i < 2; i++) {
            recorder.record(new Sample(steady, at.plusMillis(9 + i), Sample.Source.TRAFFIC,
                    SampleOutcome.RATE_LIMITED, 429, null, 40, 12, null, null, null));
        }
        recorder.flush();
        rollup.runOnce();
        snapshot.refresh();
        sampled = true;
    }

    @Test
    void statsSortsPutModelsWithoutDataLast() {
        assertThat(slugs("vendor=ranklab&sort=latency")).containsExactly(TestCatalog.FAST, TestCatalog.STEADY, TestCatalog.QUIET);
        assertThat(slugs("vendor=ranklab&sort=throughput")).containsExactly(TestCatalog.STEADY, TestCatalog.FAST, TestCatalog.QUIET);
        assertThat(slugs("vendor=ranklab&sort=uptime")).containsExactly(TestCatalog.FAST, TestCatalog.STEADY, TestCatalog.QUIET);
    }

    @Test
    void rowsShowMeasuredNumbers() {
        Document doc = page("vendor=ranklab&sort=name");
        Element fast = doc.selectFirst("li.model-card[data-slug=ranklab/fast]");
        List<String> figures = fast.select("dl.live dd").eachText();
        assertThat(msOf(figures.get(0))).isBetween(190.0, 210.0);
        assertThat(figures.get(1)).matches("(5[7-9]|6[0-3]) tok/s");
        assertThat(figures.get(2)).isEqualTo("100%");
        Element steady = doc.selectFirst("li.model-card[data-slug=ranklab/steady]");
        // 6 ok, 2 failed (503, timeout), 2 rate-limited that do not count: 75%.
        assertThat(steady.select("dl.live dd").get(2).text()).isEqualTo("75%");
        assertThat(steady.select("dl.live dd").get(2).attr("title")).contains("8 calls counted").contains("2 rate-limited");
    }

    @Test
    void detailPageShowsNumbersChartsAndStrips() {
        Document doc = Jsoup.parse(given().get("/models/ranklab/steady").then().statusCode(200).extract().asString());
        Element table = doc.selectFirst("table.compare");
        assertThat(msOf(ModelPageTest.row(table, "Latency (TTFT)").selectFirst("td").ownText())).isBetween(570.0, 630.0);
        assertThat(ModelPageTest.row(table, "Latency (TTFT)").text()).contains("6 samples");
        assertThat(ModelPageTest.row(table, "Uptime 1 h").text()).contains("75%").contains("8 calls")
                .contains("2 rate-limited");
        assertThat(ModelPageTest.row(table, "Uptime 30 d").text()).contains("75%");
        assertThat(ModelPageTest.row(table, "Tokens per minute").text()).doesNotContain("no data");
        assertThat(doc.select("figure.chart")).hasSize(3);
        // One provider, one hour with data: each chart draws that hour as a dot, with a tooltip naming it.
        assertThat(doc.select("figure.chart svg")).hasSize(3);
        assertThat(doc.select("figure.chart svg circle.dot")).hasSize(3);
        assertThat(doc.select("figure.chart svg circle.hit title").eachText())
                .anySatisfy(t -> assertThat(t).startsWith("test-lab ·").contains("ms"))
                .anySatisfy(t -> assertThat(t).contains("tok/s"))
                .anySatisfy(t -> assertThat(t).contains("75"));
        assertThat(doc.select(".chart-empty")).isEmpty();
        // The current hour is 75% up: below 95%, a red cell; the other 23 hours had no calls.
        assertThat(doc.select(".strip-row rect.down")).hasSize(1);
        assertThat(doc.select(".strip-row rect.nodata")).hasSize(23);
        assertThat(doc.selectFirst(".strip-row rect.down title").text())
                .contains("75.0%").contains("10 calls (2 failed, 2 rate-limited)");
    }

    @Test
    void weekWindowHasAnHourlyStripOfSevenDays() {
        Document doc = Jsoup.parse(given().header("HX-Request", "true").get("/models/ranklab/fast?window=7d")
                .then().statusCode(200).extract().asString());
        assertThat(doc.select(".strip-row rect")).hasSize(168);
        assertThat(doc.select(".strip-row rect.up")).hasSize(1);
    }

    @Test
    void providerPageListsItsModelsNumbersAndRecentFailures() {
        Document doc = Jsoup.parse(given().get("/providers/test-lab").then().statusCode(200).extract().asString());
        assertThat(doc.selectFirst("h1").text()).isEqualTo("Test Lab Cloud");
        assertThat(doc.select("table.provider-models tbody tr").eachAttr("data-slug"))
                .contains("ranklab/fast:test-lab", "ranklab/steady:test-lab", "ranklab/quiet:test-lab",
                        "testlab/alpha:test-lab", "testlab/beta:test-lab");
        Element steady = doc.selectFirst("table.provider-models tr[data-slug=ranklab/steady:test-lab]");
        assertThat(steady.select("td").get(6).text()).isEqualTo("75%");
        assertThat(doc.selectFirst("table.provider-models tr[data-slug=ranklab/quiet:test-lab]").select("td").get(4)
                .text()).isEqualTo("no data");
        // 503 and timeout count against uptime; the two 429s are listed beside them
        List<String> steadyFailures = doc.select("table.failures tbody tr").stream()
                .filter(tr -> tr.select("td").get(1).text().equals(TestCatalog.STEADY))
                .map(tr -> tr.select("td").get(2).text() + " " + tr.select("td").get(3).text()).toList();
        assertThat(steadyFailures).containsExactlyInAnyOrder("server error 503", "timeout —", "rate limited 429",
                "rate limited 429");
        assertThat(doc.select(".overall dd").first().text()).doesNotContain("no data");
        assertThat(given().get("/providers/no-such-provider").statusCode()).isEqualTo(404);
        // the model page links each provider to its page
        assertThat(Jsoup.parse(given().get("/models/ranklab/fast").asString())
                .select("table.compare thead a[href=/providers/test-lab]")).hasSize(1);
    }

    @Test
    void jsonCarriesTheSameNumbers() {
        JsonPath json = given().get("/api/v1/models/ranklab/steady/endpoints").then().statusCode(200)
                .extract().jsonPath();
        assertThat(json.getFloat("data.endpoints[0].stats.uptime_24h.percent")).isEqualTo(75f);
        assertThat(json.getInt("data.endpoints[0].stats.uptime_24h.rate_limited")).isEqualTo(2);
        assertThat(json.getInt("data.endpoints[0].stats.ttft_samples")).isEqualTo(6);
        List<String> byLatency = given().get("/api/v1/models?vendor=ranklab&sort=latency").jsonPath().getList("data.id");
        assertThat(byLatency).containsExactly(TestCatalog.FAST, TestCatalog.STEADY, TestCatalog.QUIET);
    }

    private long endpointOf(String model) {
        return catalog.current().model(model).orElseThrow().endpoints().getFirst().id();
    }

    private static Sample ok(long endpoint, Instant at, int ttftMs, double tps) {
        return new Sample(endpoint, at, Sample.Source.PROBE, SampleOutcome.OK, 200, ttftMs, ttftMs + 1000, 20, 60,
                tps, 60 / ((ttftMs + 1000) / 1000.0));
    }

    private static Document page(String query) {
        return Jsoup.parse(given().urlEncodingEnabled(false).get("/models?" + query).then().statusCode(200)
                .extract().asString());
    }

    private static List<String> slugs(String query) {
        return page(query).select("li.model-card").eachAttr("data-slug");
    }

    private static double msOf(String text) {
        String t = text.trim();
        return t.endsWith(" s") ? Double.parseDouble(t.replace(" s", "")) * 1000 : Double.parseDouble(t.replace(" ms", ""));
    }
}
