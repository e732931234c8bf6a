package dev.switchboard.web;

import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser hardening headers on every kind of portal answer (pages, fragments, error pages, the admin, JSON API,
 * static files), and none on the proxy's SDK routes; and pages that need nothing the policy forbids: no inline
 * script, no inline event handler, no style attribute, no script from elsewhere.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class SecurityHeadersTest {

    private static final List<String> PAGES = List.of("/", "/models", "/models?q=alpha&sort=price",
            "/models/" + TestCatalog.ALPHA, "/providers/" + TestCatalog.PROVIDER, "/admin/keys",
            "/models/nobody/nothing", "/providers/no-such-provider");

    @Test
    void everyPortalAnswerCarriesThePolicyAndTheOtherHeaders() {
        for (String path : PAGES) {
            assertHardened(given().redirects().follow(false).get(path), path);
        }
        assertHardened(given().header("HX-Request", "true").get("/models?q=beta"), "htmx fragment");
        for (String path : List.of("/api/v1/models", "/api/v1/models/" + TestCatalog.ALPHA + "/endpoints",
                "/api/v1/generation?id=nope", "/css/app.css", "/js/app.js", "/js/early.js",
                "/webjars/htmx.org/dist/htmx.min.js")) {
            assertHardened(given().redirects().follow(false).get(path), path);
        }
        assertHardened(given().contentType("application/x-www-form-urlencoded").formParam("master_key", "wrong")
                .post("/admin/keys/login"), "failed login");
    }

    @Test
    void theProxyRoutesAreLeftBare() {
        Response models = given().get("/v1/models");
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.header("Content-Security-Policy")).isNull();
        Response chat = given().contentType("application/json").body("{}").post("/v1/chat/completions");
        assertThat(chat.header("Content-Security-Policy")).as("status %s", chat.statusCode()).isNull();
    }

    @Test
    void pagesUseNothingThePolicyForbids() {
        for (String path : PAGES) {
            Document doc = Jsoup.parse(given().get(path).asString());
            for (Element script : doc.select("script")) {
                assertThat(script.attr("src")).as("%s: %s", path, script).startsWith("/");
                assertThat(script.data()).as("%s: inline script", path).isBlank();
            }
            for (Element el : doc.getAllElements()) {
                assertThat(el.hasAttr("style")).as("%s: style attribute on %s", path, el.tagName()).isFalse();
                for (Attribute a : el.attributes()) {
                    assertThat(a.getKey()).as("%s: handler on %s", path, el.tagName()).doesNotStartWith("on");
                    assertThat(a.getKey()).as("%s: htmx code on %s", path, el.tagName()).doesNotStartWith("hx-on");
                }
            }
            for (Element link : doc.select("link[rel=stylesheet]")) {
                assertThat(link.attr("href")).as(path).startsWith("/");
            }
        }
    }

    private static void assertHardened(Response r, String what) {
        assertThat(r.statusCode()).as(what).isLessThan(500);
        String csp = r.header("Content-Security-Policy");
        assertThat(csp).as(what).isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY);
        assertThat(csp).contains("script-src 'self';").contains("frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(r.header("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
        assertThat(r.header("X-Frame-Options")).as(what).isEqualTo("DENY");
        assertThat(r.header("Referrer-Policy")).as(what).isEqualTo("same-origin");
    }
}
