package dev.switchboard.web;

import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.switchboard.testing.TestCatalog.BREAKOUT;
import static dev.switchboard.testing.TestCatalog.HOSTILE_MODEL;
import static dev.switchboard.testing.TestCatalog.HOSTILE_PROVIDER;
import static dev.switchboard.testing.TestCatalog.HOSTILE_VENDOR;
import static dev.switchboard.testing.TestCatalog.SCRIPT;
import static dev.switchboard.usage.AdminKeysPage.COOKIE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Markup in catalog text (a vendor, a provider and a model of the hostile test file, {@code TestCatalog.hostileFile})
 * and in query parameters comes out as text: the page shows it escaped and no tag, attribute or script of it exists
 * in the parsed document. Pages, htmx fragments, error pages and the admin page with a key named with markup.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class PortalEscapingTest {

    private static final String BOTH = SCRIPT + BREAKOUT;

    @Test
    void catalogTextIsEscapedOnEveryPageThatShowsIt() {
        String q = enc("hostile");
        // the hostile model is the oldest, so the last of the unfiltered list (newest first): its second page
        List<String> pages = List.of("/models?page=2", "/models?q=" + q, "/models?vendor=" + HOSTILE_VENDOR,
                "/models?provider=" + HOSTILE_PROVIDER + "&sort=name", "/models/" + HOSTILE_MODEL,
                "/models/" + HOSTILE_MODEL + "?window=7d", "/providers/" + HOSTILE_PROVIDER);
        for (String path : pages) {
            for (boolean fragment : new boolean[] {false, true}) {
                String what = path + (fragment ? " (htmx fragment)" : "");
                String body = get(path, fragment);
                assertInert(body, what);
                // the hostile text is there, as text: otherwise the page would prove nothing
                String text = Jsoup.parse(body).text();
                assertThat(text.contains(SCRIPT) && text.contains(BREAKOUT))
                        .withFailMessage("%s does not show the planted text", what).isTrue();
            }
        }
    }

    @Test
    void queryParametersAreEscapedWhereverTheyAreEchoed() {
        String hostile = enc(BOTH);
        List<String> pages = List.of("/models?q=" + hostile, "/models?q=" + hostile + "&sort=" + hostile,
                "/models?provider=" + hostile + "&vendor=" + hostile + "&capability=" + hostile,
                "/models?input=" + hostile + "&output=" + hostile + "&max_price=" + hostile + "&min_context="
                        + hostile + "&page=" + hostile + "&availability=" + hostile,
                "/models/" + HOSTILE_MODEL + "?window=" + hostile, "/models/" + enc(SCRIPT) + "/" + enc(BREAKOUT),
                "/providers/" + enc(BOTH), "/" + enc(BOTH), "/api/v1/generation?id=" + hostile);
        for (String path : pages) {
            for (boolean fragment : new boolean[] {false, true}) {
                assertInert(get(path, fragment), path + (fragment ? " (htmx fragment)" : ""));
            }
        }
        // the search box echoes the query: as the input's value, not as markup
        Document search = Jsoup.parse(get("/models?q=" + hostile, false));
        assertThat(search.selectFirst("input#q").val()).isEqualTo(BOTH);
    }

    @Test
    void theAdminPageShowsAKeyNamedWithMarkupAsText() {
        String session = given().redirects().follow(false)
                .formParam("master_key", SwitchboardTestProfile.MASTER_KEY).post("/admin/keys/login").getCookie(COOKIE);
        Document page = Jsoup.parse(given().cookie(COOKIE, session).get("/admin/keys").asString());
        String csrf = page.selectFirst("form[action=/admin/keys] input[name=csrf]").val();
        String name = "team " + BOTH;

        Response created = given().cookie(COOKIE, session).formParam("csrf", csrf).formParam("name", name)
                .post("/admin/keys");
        assertThat(created.statusCode()).isEqualTo(200);
        assertInert(created.asString(), "page with the new key");
        Response list = given().cookie(COOKIE, session).get("/admin/keys");
        assertInert(list.asString(), "key list");
        Document doc = Jsoup.parse(list.asString());
        assertThat(doc.text()).contains(name);
        // the revoke button's confirmation names the key inside an attribute: still one attribute, the whole name
        assertThat(doc.select("form[hx-confirm]").eachAttr("hx-confirm")).anyMatch(c -> c.contains(name));
        assertInert(given().cookie(COOKIE, session).get("/admin/keys?revoked=" + enc(BOTH)).asString(),
                "revoked notice");
    }

    private static String get(String path, boolean fragment) {
        Response r = fragment ? given().urlEncodingEnabled(false).header("HX-Request", "true").get(path)
                : given().urlEncodingEnabled(false).get(path);
        assertThat(r.statusCode()).as(path).isLessThan(500);
        return r.asString();
    }

    /** No planted tag or attribute made it into the document, by the raw text and by what a parser builds of it. */
    private static void assertInert(String body, String what) {
        assertThat(body).as(what).doesNotContain(SCRIPT).doesNotContain("<img").doesNotContain(BREAKOUT);
        Document doc = Jsoup.parse(body);
        assertThat(doc.select("img")).as(what).isEmpty();
        for (Element script : doc.select("script")) {
            assertThat(script.attr("src")).as(what).startsWith("/");
            assertThat(script.data()).as(what).isBlank();
        }
        assertThat(doc.getAllElements()).as(what)
                .noneMatch(e -> e.attributes().asList().stream().anyMatch(a -> a.getKey().startsWith("on")));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
