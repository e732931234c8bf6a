package dev.switchboard.web;

import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ModelPageTest {

    @Test
    void providersSideBySideWithCopyableSlugsPricesAndLimits() {
        Document doc = Jsoup.parse(given().get("/models/testlab/alpha").then().statusCode(200).extract().asString());
        assertThat(doc.selectFirst("h1").text()).isEqualTo("Alpha Zebra");
        assertThat(doc.selectFirst("#model-slug").text()).isEqualTo("testlab/alpha");
        assertThat(doc.selectFirst(".model-head button.copy").attr("data-copy")).isEqualTo("testlab/alpha");
        assertThat(doc.selectFirst(".model-head .desc").text()).contains("striped test model");
        assertThat(doc.select(".badges li").eachText()).contains("8K context", "text → text", "Tools");

        Element table = doc.selectFirst("table.compare");
        assertThat(table.select("thead th").eachText()).containsExactly("Provider", "Test Lab Cloud", "Test Lab Europe");
        assertThat(row(table, "Slug").select("button.copy").eachAttr("data-copy"))
                .containsExactly("testlab/alpha:test-lab", "testlab/alpha:test-lab-eu");
        assertThat(cells(row(table, "Input price"))).containsExactly("$1", "$1.50");
        assertThat(cells(row(table, "Output price"))).containsExactly("$2", "$3");
        assertThat(cells(row(table, "Cache read"))).containsExactly("—", "$0.15");
        assertThat(cells(row(table, "Cache write"))).containsExactly("—", "$1.875");
        assertThat(cells(row(table, "Context"))).containsExactly("8K", "4K");
        assertThat(cells(row(table, "Max output"))).containsExactly("4K", "2K");
        assertThat(cells(row(table, "Quantization"))).containsExactly("fp8", "—");
        assertThat(row(table, "Status").text()).contains("not configured").contains("original vendor");
        assertThat(row(table, "Parameters").select("td").get(0).select("code").eachText())
                .containsExactly("tools", "tool_choice", "temperature", "max_tokens");
        assertThat(doc.selectFirst("section.definitions").text())
                .contains("successful calls ÷ (successful + failed calls) × 100")
                .contains("first content token");
    }

    @Test
    void aModelWithoutSamplesSaysNoDataEverywhere() {
        Document doc = Jsoup.parse(given().get("/models/ranklab/quiet").then().statusCode(200).extract().asString());
        Element table = doc.selectFirst("table.compare");
        for (String figure : java.util.List.of("Latency (TTFT)", "Throughput", "End-to-end speed", "Uptime 1 h",
                "Uptime 24 h", "Uptime 7 d", "Uptime 30 d", "Tokens per minute")) {
            assertThat(row(table, figure).select("td")).as(figure).allSatisfy(td ->
                    assertThat(td.text()).contains("no data").doesNotContain("0 ms").doesNotContain("0%"));
        }
        assertThat(row(table, "Latency (TTFT)").text()).contains("0 samples");
        assertThat(doc.select("figure.chart")).hasSize(3).allSatisfy(f ->
                assertThat(f.selectFirst(".chart-empty").text()).isEqualTo("No data yet for this period"));
        assertThat(doc.select(".strip-row rect.nodata")).hasSize(24);
    }

    @Test
    void configuredProviderIsLive() {
        Document doc = Jsoup.parse(given().get("/models/anthropic/claude-sonnet-4").then().statusCode(200)
                .extract().asString());
        Element table = doc.selectFirst("table.compare");
        assertThat(table.select("thead th").eachText()).contains("Anthropic", "Google Vertex AI", "Amazon Bedrock");
        assertThat(row(table, "Slug").select("button.copy").eachAttr("data-copy"))
                .contains("anthropic/claude-sonnet-4:anthropic", "anthropic/claude-sonnet-4:google-vertex",
                        "anthropic/claude-sonnet-4:amazon-bedrock");
        // Original vendor first; the test profile gives anthropic a key.
        assertThat(row(table, "Status").select("td").get(0).text()).contains("live").contains("original vendor");
    }

    @Test
    void liveSectionIsAFragmentForHtmxAndRefreshesItself() {
        Response r = given().header("HX-Request", "true").get("/models/testlab/alpha?window=7d");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("Vary")).contains("HX-Request");
        Element live = Jsoup.parseBodyFragment(r.asString()).selectFirst("#live");
        assertThat(r.asString()).doesNotContain("<html");
        assertThat(live.attr("hx-trigger")).contains("every");
        assertThat(live.attr("hx-get")).isEqualTo("/models/testlab/alpha?window=7d");
        assertThat(live.selectFirst("nav.tabs a[aria-current=page]").text()).isEqualTo("7 days");
    }

    @Test
    void unknownModelGetsA404PageThatOffersSearch() {
        Response r = given().get("/models/testlab/no-such-model");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("text/html");
        Document doc = Jsoup.parse(r.asString());
        assertThat(doc.text()).contains("There is no model named testlab/no-such-model");
        Element search = doc.selectFirst("form[action=/models] input[name=q]");
        assertThat(search.val()).isEqualTo("no such model");
        assertThat(r.asString()).doesNotContain("Exception").doesNotContain("at dev.switchboard");
    }

    @Test
    void unknownPageIsAFriendly404() {
        Response r = given().get("/no/such/page");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Jsoup.parse(r.asString()).text()).contains("There is no page at /no/such/page");
    }

    @Test
    void anEmbeddingModelShowsWhatAppliesToIt() {
        Document doc = Jsoup.parse(given().get("/models/routelab/embed").then().statusCode(200).extract().asString());
        assertThat(doc.selectFirst("h1").text()).isEqualTo("Embed Router");
        assertThat(doc.select("ul.badges li").eachText()).contains("text → embeddings");
        Element table = doc.selectFirst("table.compare");
        assertThat(row(table, "Input price").select("td").eachText()).contains("$0.02", "$0.10");
        assertThat(row(table, "Output price").select("td").eachText()).allMatch(t -> t.equals("—"));
        assertThat(row(table, "Parameters").select("td").get(0).select("code").eachText()).containsExactly("dimensions");
        assertThat(table.select("th").eachText()).noneMatch(t -> t.startsWith("Latency (TTFT)")
                || t.startsWith("Throughput") || t.startsWith("Max output") || t.startsWith("Cache read"));
        assertThat(row(table, "Uptime 24 h").select("td")).hasSize(3);
        assertThat(doc.select("figure.chart")).isEmpty();
        assertThat(doc.select(".strip-row")).isNotEmpty();
    }

    static Element row(Element table, String header) {
        return table.select("tbody tr").stream()
                .filter(tr -> tr.selectFirst("th").text().startsWith(header)).findFirst().orElseThrow();
    }

    static java.util.List<String> cells(Element row) {
        return row.select("td").eachText();
    }
}
