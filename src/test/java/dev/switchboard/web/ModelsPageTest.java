package dev.switchboard.web;

import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ModelsPageTest {

    @Inject
    CatalogService catalog;

    static Document page(String query) {
        Response r = given().urlEncodingEnabled(false).get("/models" + (query.isEmpty() ? "" : "?" + query));
        assertThat(r.statusCode()).isEqualTo(200);
        return Jsoup.parse(r.asString());
    }

    static List<String> slugs(Document doc) {
        return doc.select("li.model-card").eachAttr("data-slug");
    }

    static int count(Document doc) {
        return Integer.parseInt(doc.selectFirst("#result-count strong").text());
    }

    @Test
    void fullPageListsTheCatalogWithFiltersSearchAndSort() {
        Document doc = page("");
        int size = catalog.current().models().size();
        assertThat(size).isGreaterThan(50);
        assertThat(count(doc)).isEqualTo(size);
        assertThat(doc.select("li.model-card")).hasSize(50);
        Element form = doc.selectFirst("form#models-form");
        assertThat(form.attr("action")).isEqualTo("/models");
        assertThat(form.attr("method")).isEqualTo("get");
        assertThat(form.attr("hx-push-url")).isEqualTo("true");
        assertThat(form.select("input[name=q]")).hasSize(1);
        assertThat(form.select("select[name=sort] option")).extracting(Element::val)
                .containsExactly("newest", "name", "price", "context", "latency", "throughput", "uptime");
        for (String name : List.of("provider", "vendor", "input", "output", "capability", "availability")) {
            assertThat(form.select("input[name=" + name + "]")).as(name).isNotEmpty();
        }
        assertThat(form.select("select[name=min_context], input[name=max_price]")).hasSize(2);
        assertThat(form.select("button[type=submit]")).isNotEmpty();
        assertThat(doc.select("label[for=q]")).hasSize(1);
    }

    @Test
    void rootServesTheModelsPage() {
        Document doc = Jsoup.parse(given().get("/").then().statusCode(200).extract().asString());
        assertThat(count(doc)).isEqualTo(catalog.current().models().size());
    }

    @Test
    void htmxGetsOnlyTheResultsFragment() {
        Response r = given().header("HX-Request", "true").get("/models?vendor=testlab");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("Vary")).contains("HX-Request");
        String body = r.asString();
        assertThat(body).doesNotContain("<html").doesNotContain("<aside").contains("result-count");
        assertThat(slugs(Jsoup.parseBodyFragment(body))).containsExactlyInAnyOrder(
                "testlab/alpha", "testlab/beta", "testlab/gamma");
        // A history restore after a cache miss needs the whole page back.
        String restore = given().header("HX-Request", "true").header("HX-History-Restore-Request", "true")
                .get("/models?vendor=testlab").asString();
        assertThat(restore).contains("<html").contains("<aside");
    }

    @Test
    void htmxPushesTheCanonicalUrlNotTheSerializedForm() {
        // What the form sends: every field, with empty and default values.
        Response r = given().urlEncodingEnabled(false).header("HX-Request", "true")
                .get("/models?q=zebra&sort=newest&availability=all&min_context=&max_price=&vendor=testlab");
        assertThat(r.header("HX-Push-Url")).isEqualTo("/models?q=zebra&vendor=testlab");
        assertThat(given().urlEncodingEnabled(false).header("HX-Request", "true")
                .get("/models?q=&sort=newest&availability=all").header("HX-Push-Url")).isEqualTo("/models");
        assertThat(given().urlEncodingEnabled(false).header("HX-Request", "true")
                .get("/models?sort=context&capability=vision&page=2").header("HX-Push-Url"))
                .as("a page past the end is pushed as the page shown").isEqualTo("/models?capability=vision&sort=context");
        assertThat(given().get("/models?vendor=testlab").header("HX-Push-Url")).isNull();
        // Asked again for the view the browser shows (a search box losing focus): nothing new to push.
        assertThat(given().urlEncodingEnabled(false).header("HX-Request", "true")
                .header("HX-Current-URL", "http://localhost:8080/models?q=zebra&vendor=testlab")
                .get("/models?q=zebra&sort=newest&vendor=testlab").header("HX-Push-Url")).isEqualTo("false");
    }

    @Test
    void searchMatchesNameSlugAndDescriptionCaseInsensitivelyByPartialWords() {
        assertThat(slugs(page("q=ZEBR"))).containsExactly("testlab/alpha");
        assertThat(slugs(page("q=striped+TEST"))).containsExactly("testlab/alpha");
        assertThat(slugs(page("q=testlab%2Fbet"))).containsExactly("testlab/beta");
        assertThat(slugs(page("q=reasons+at+length"))).containsExactly("testlab/gamma");
        assertThat(slugs(page("q=claude+sonnet+4")))
                .contains("anthropic/claude-sonnet-4").allMatch(s -> s.startsWith("anthropic/claude"));
    }

    @Test
    void providerAndVendorFiltersWidenWithinAndNarrowAcross() {
        assertThat(slugs(page("provider=test-lab-eu"))).containsExactlyInAnyOrder("testlab/alpha", "testlab/gamma");
        assertThat(slugs(page("vendor=testlab&provider=test-lab")))
                .containsExactlyInAnyOrder("testlab/alpha", "testlab/beta");
        assertThat(slugs(page("vendor=testlab&provider=test-lab&provider=test-lab-eu")))
                .containsExactlyInAnyOrder("testlab/alpha", "testlab/beta", "testlab/gamma");
        assertThat(slugs(page("provider=test-lab"))).containsExactlyInAnyOrder("testlab/alpha", "testlab/beta",
                "ranklab/fast", "ranklab/steady", "ranklab/quiet");
        assertThat(slugs(page("vendor=testlab&provider=test-lab-eu")))
                .containsExactlyInAnyOrder("testlab/alpha", "testlab/gamma");
        Document anthropic = page("vendor=anthropic");
        long expected = catalog.current().models().stream().filter(m -> m.vendorSlug().equals("anthropic")).count();
        assertThat(count(anthropic)).isEqualTo(expected);
        assertThat(slugs(anthropic)).allMatch(s -> s.startsWith("anthropic/"));
        Document bedrock = page("provider=amazon-bedrock");
        long onBedrock = catalog.current().models().stream().filter(m -> m.endpoints().stream()
                .anyMatch(e -> e.provider().slug().equals("amazon-bedrock"))).count();
        assertThat(count(bedrock)).isEqualTo(onBedrock);
        assertThat(slugs(bedrock)).contains("anthropic/claude-sonnet-4");
    }

    @Test
    void modalityFilters() {
        assertThat(slugs(page("vendor=testlab&input=image"))).containsExactly("testlab/beta");
        assertThat(slugs(page("vendor=testlab&output=image"))).containsExactly("testlab/gamma");
        assertThat(slugs(page("input=image&input=text"))).allMatch(s -> catalog.current().model(s).orElseThrow()
                .inputModalities().containsAll(List.of("image", "text")));
        assertThat(slugs(page("vendor=routelab&output=embeddings")))
                .containsExactlyInAnyOrder("routelab/embed", "routelab/embed-fixed");
        assertThat(page("").select("input[name=output]").eachAttr("value")).contains("embeddings");
    }

    @Test
    void contextAndPriceFilters() {
        assertThat(slugs(page("vendor=testlab&min_context=100000"))).containsExactly("testlab/beta");
        assertThat(slugs(page("vendor=testlab&min_context=8000")))
                .containsExactlyInAnyOrder("testlab/alpha", "testlab/beta", "testlab/gamma");
        // A model qualifies when at least one of its providers is at or under the price.
        assertThat(slugs(page("vendor=testlab&max_price=1"))).containsExactlyInAnyOrder("testlab/alpha", "testlab/beta");
        assertThat(slugs(page("vendor=testlab&max_price=0.5"))).containsExactly("testlab/beta");
        assertThat(slugs(page("max_price=0.2"))).allMatch(s -> catalog.current().model(s).orElseThrow()
                .minInputPrice().doubleValue() <= 0.2);
    }

    @Test
    void capabilityFiltersRequireEveryTickedCapability() {
        assertThat(slugs(page("vendor=testlab&capability=tools"))).containsExactly("testlab/alpha");
        assertThat(slugs(page("vendor=testlab&capability=vision&capability=structured_output")))
                .containsExactly("testlab/beta");
        assertThat(slugs(page("vendor=testlab&capability=reasoning&capability=prompt_caching")))
                .containsExactly("testlab/gamma");
        assertThat(slugs(page("vendor=testlab&capability=tools&capability=vision"))).isEmpty();
    }

    @Test
    void availabilityShowsOnlyModelsWithAConfiguredProvider() {
        // The test profile configures keys for anthropic, the route-lab providers (the proxy tests' upstreams) and
        // the outbound-targets test's ssrf-* and canary-lab.
        Document doc = page("availability=configured");
        List<CatalogModel> expected = catalog.current().models().stream().filter(CatalogModel::live).toList();
        assertThat(expected).isNotEmpty();
        assertThat(count(doc)).isEqualTo(expected.size());
        assertThat(slugs(doc)).allMatch(s -> catalog.current().model(s).orElseThrow().endpoints().stream()
                .anyMatch(e -> e.provider().slug().equals("anthropic") || e.provider().slug().startsWith("route-")
                        || e.provider().slug().startsWith("ssrf-") || e.provider().slug().equals("canary-lab")));
        assertThat(doc.selectFirst("input[name=availability][value=configured]").hasAttr("checked")).isTrue();
    }

    @Test
    void staticSortOrders() {
        assertThat(slugs(page("vendor=testlab&sort=name")))
                .containsExactly("testlab/alpha", "testlab/beta", "testlab/gamma");
        assertThat(slugs(page("vendor=testlab&sort=newest")))
                .containsExactly("testlab/gamma", "testlab/beta", "testlab/alpha");
        assertThat(slugs(page("vendor=testlab")))
                .containsExactly("testlab/gamma", "testlab/beta", "testlab/alpha");
        assertThat(slugs(page("vendor=testlab&sort=price")))
                .containsExactly("testlab/beta", "testlab/alpha", "testlab/gamma");
        assertThat(slugs(page("vendor=testlab&sort=context")))
                .containsExactly("testlab/beta", "testlab/gamma", "testlab/alpha");
        Document bySelect = page("vendor=testlab&sort=context");
        assertThat(bySelect.selectFirst("select[name=sort] option[selected]").val()).isEqualTo("context");
    }

    @Test
    void pagingBeyondFiftyKeepsTheFilters() {
        int total = catalog.current().models().size();
        Document first = page("sort=name");
        assertThat(first.select("li.model-card")).hasSize(50);
        Element next = first.selectFirst("nav.pager a[rel=next]");
        assertThat(next.attr("href")).isEqualTo("/models?sort=name&page=2");
        assertThat(next.attr("hx-get")).isEqualTo(next.attr("href"));
        Document second = page("sort=name&page=2");
        assertThat(second.select("li.model-card")).hasSize(total - 50);
        assertThat(second.selectFirst("nav.pager a[rel=prev]").attr("href")).isEqualTo("/models?sort=name");
        assertThat(slugs(first)).doesNotContainAnyElementsOf(slugs(second));
        // A page past the end shows the last page rather than nothing.
        assertThat(slugs(page("sort=name&page=99"))).isEqualTo(slugs(second));
    }

    @Test
    void tickedOptionsLeadTheirListsAndEmptyOptionsAreLeftOut() {
        Document doc = page("vendor=testlab&provider=test-lab-eu");
        assertThat(doc.select("input[name=vendor]").first().val()).isEqualTo("testlab");
        assertThat(doc.select("input[name=vendor]").first().hasAttr("checked")).isTrue();
        assertThat(doc.select("input[name=provider]").first().val()).isEqualTo("test-lab-eu");
        // No model of the catalog writes audio: no option that can only empty the list.
        assertThat(doc.select("input[name=output]").eachAttr("value")).contains("text", "image").doesNotContain("audio");
        // ...unless a link asks for it, so the view still shows what is in force.
        assertThat(page("output=audio").select("input[name=output][value=audio][checked]")).hasSize(1);
    }

    @Test
    void emptyStateOffersToClearFilters() {
        Document doc = page("q=no-such-model-anywhere");
        assertThat(count(doc)).isZero();
        assertThat(doc.selectFirst(".empty").text()).contains("No models match");
        assertThat(doc.selectFirst("a#clear-filters").attr("href")).isEqualTo("/models");
    }

    @Test
    void valuesThatCannotBeUnderstoodAreIgnoredAndReported() {
        Document doc = page("vendor=testlab&min_context=lots&sort=sideways&max_price=cheap&capability=magic");
        assertThat(count(doc)).isEqualTo(3);
        assertThat(doc.select("ul.notice li").eachText()).hasSize(4)
                .anySatisfy(t -> assertThat(t).contains("'lots'"))
                .anySatisfy(t -> assertThat(t).contains("'sideways'"))
                .anySatisfy(t -> assertThat(t).contains("'cheap'"))
                .anySatisfy(t -> assertThat(t).contains("'magic'"));
    }

    @Test
    void rowsShowFactsAndNoMadeUpNumbers() {
        Document doc = page("q=gamma+thinker");
        assertThat(doc.selectFirst("#result-count").text()).startsWith("1 model of ");
        Element card = doc.selectFirst("li.model-card[data-slug=testlab/gamma]");
        assertThat(card.selectFirst("h2 a").attr("href")).isEqualTo("/models/testlab/gamma");
        assertThat(card.text()).contains("Gamma Thinker").contains("testlab/gamma").contains("Test Lab")
                .contains("text → text, image").contains("32K context").contains("$10 in").contains("$30 out")
                .contains("1 provider");
        // Only the stats tests sample anything, and never ranklab/quiet: its numbers must read "no data".
        Element quiet = page("q=quiet+ranker").selectFirst("li.model-card[data-slug=ranklab/quiet]");
        assertThat(quiet.select("dl.live dd")).hasSize(3).allSatisfy(dd -> assertThat(dd.text()).isEqualTo("no data"));
        Element alpha = page("q=alpha+zebra").selectFirst("li.model-card");
        assertThat(alpha.text()).contains("$1–$1.50 in").contains("$2–$3 out").contains("2 providers");
    }
}
