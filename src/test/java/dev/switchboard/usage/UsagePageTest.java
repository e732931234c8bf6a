package dev.switchboard.usage;

import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.KeyTraffic;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URL;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin usage page over real proxied calls: the numbers it renders are the generations the proxy logged, the htmx
 * fragment and the no-JS page show the same report, bad queries get a 400 page that says why, and nothing but the
 * admin session opens it.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class UsagePageTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    ApiKeyService service;

    @Test
    void theReportShowsWhatTheProxyLoggedAsAFullPageAndAsAFragment() {
        String base = root.toString().replaceAll("/$", "");
        KeyTraffic.TwoKeys traffic = KeyTraffic.twoKeys(base, simulator, service, "page-a", 3, "page-b", 1);
        CreatedKey a = traffic.first();
        CreatedKey b = traffic.second();
        long input = traffic.firstInputTokens();
        long output = traffic.firstOutputTokens();
        String cost = given().header("x-api-key", a.key()).get("/api/v1/usage?group_by=model").then().statusCode(200)
                .extract().jsonPath().getString("data[0].cost");
        String session = login();
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        Response full = given().cookie(AdminKeysPage.COOKIE, session)
                .get("/admin/usage?group_by=model&key=" + a.view().id());
        assertThat(full.statusCode()).isEqualTo(200);
        assertThat(full.header("Cache-Control")).isEqualTo("no-store");
        assertThat(full.header("Vary")).contains("HX-Request");
        Document page = Jsoup.parse(full.asString());
        assertThat(page.select("form#usage-form[method=get][action=/admin/usage][hx-get=/admin/usage]"
                + "[hx-target=#report][hx-push-url=true]")).hasSize(1);
        assertThat(page.select("select[name=key] option[selected]").attr("value")).isEqualTo(a.view().id());
        // no dates asked for: the last 30 days, both ends filled in so the link says what is shown
        assertThat(page.selectFirst("input[name=to]").val()).isEqualTo(today);
        assertThat(page.selectFirst("input[name=from]").val())
                .isEqualTo(LocalDate.now(ZoneOffset.UTC).minusDays(29).toString());
        assertThat(page.selectFirst("#total-requests").text()).isEqualTo("3");
        assertThat(page.selectFirst("#total-input").text()).isEqualTo(String.format("%,d", input));
        assertThat(page.selectFirst("#total-output").text()).isEqualTo(String.format("%,d", output));
        assertThat(new BigDecimal(page.selectFirst("#total-cost").text().substring(1)))
                .isEqualByComparingTo(new BigDecimal(cost));
        assertThat(page.select("table.usage tbody tr")).hasSize(1);
        assertThat(page.selectFirst("table.usage tbody tr").attr("data-group")).isEqualTo(TestCatalog.SOLO);
        assertThat(page.selectFirst("table.usage tbody tr td.requests").text()).isEqualTo("3");
        assertThat(page.select("figure.bars rect.bar")).hasSize(1);
        assertThat(page.selectFirst("figure.bars rect.bar").attr("data-day")).isEqualTo(today);
        assertThat(page.selectFirst("figure.bars rect.bar title").text()).isEqualTo(today + ": 3 requests");
        assertThat(page.select("header nav a[href=/usage]")).hasSize(1);
        assertThat(full.asString()).doesNotContain(a.key(), b.key(), SwitchboardTestProfile.MASTER_KEY);

        Response fragment = given().cookie(AdminKeysPage.COOKIE, session).header("HX-Request", "true")
                .get("/admin/usage?group_by=day&key=" + a.view().id());
        assertThat(fragment.statusCode()).isEqualTo(200);
        assertThat(fragment.header("Vary")).contains("HX-Request");
        String html = fragment.asString().strip();
        assertThat(html).doesNotContain("<html", "<form", "<nav").startsWith("<div id=\"report\"");
        Document days = Jsoup.parseBodyFragment(html);
        assertThat(days.select("table.usage tbody tr")).hasSize(1);
        assertThat(days.selectFirst("table.usage tbody tr").attr("data-group")).isEqualTo(today);
        assertThat(days.selectFirst("table.usage thead th").text()).isEqualTo("Day (UTC)");
        assertThat(days.selectFirst("#total-requests").text()).isEqualTo("3");

        Document everyKey = Jsoup.parse(given().cookie(AdminKeysPage.COOKIE, session)
                .get("/admin/usage?group_by=provider").then().statusCode(200).extract().asString());
        // other tests' generations share the database: at least these four
        assertThat(Long.parseLong(everyKey.selectFirst("#total-requests").text().replace(",", "")))
                .isGreaterThanOrEqualTo(4);
        assertThat(everyKey.select("table.usage tbody tr")).isNotEmpty();
        assertThat(everyKey.select("select[name=key] option[value=" + b.view().id() + "]")).hasSize(1);

        Document onlyB = Jsoup.parse(given().cookie(AdminKeysPage.COOKIE, session)
                .get("/admin/usage?group_by=model&key=" + b.view().id()).then().statusCode(200).extract().asString());
        assertThat(onlyB.selectFirst("#total-requests").text()).isEqualTo("1");
    }

    @Test
    void aRangeWithoutUsageSaysSo() {
        String session = login();
        Document page = Jsoup.parse(given().cookie(AdminKeysPage.COOKIE, session)
                .get("/admin/usage?group_by=day&from=2020-01-01&to=2020-01-31").then().statusCode(200).extract()
                .asString());
        assertThat(page.selectFirst("#total-requests").text()).isEqualTo("0");
        assertThat(page.selectFirst("#total-cost").text()).isEqualTo("$0.00");
        assertThat(page.select("table.usage")).isEmpty();
        assertThat(page.selectFirst("#report p.empty").text()).isEqualTo("No usage in this period.");
        assertThat(page.selectFirst("figure.bars .chart-empty")).isNotNull();
    }

    @Test
    void badQueriesGetA400PageThatSaysWhy() {
        String session = login();
        Map<String, String> cases = Map.of(
                "group_by=day&from=yesterday", "start date is not a date",
                "group_by=day&to=2026-13-01", "end date is not a date",
                "group_by=day&from=2026-12-07&to=2026-12-01", "start date is after the end date",
                "group_by=bogus", "Group by one of model, provider, day",
                "group_by=model&key=key_nosuchkey", "no such key",
                "group_by=model&key=%3Cscript%3E", "no such key");
        cases.forEach((query, why) -> {
            Response full = given().cookie(AdminKeysPage.COOKIE, session).get("/admin/usage?" + query);
            assertThat(full.statusCode()).as(query).isEqualTo(400);
            Document page = Jsoup.parse(full.asString());
            assertThat(page.selectFirst("#report [role=alert]").text()).as(query).contains(why);
            assertThat(page.select("form#usage-form")).as(query + ": the form stays, to fix the query").hasSize(1);
            assertThat(page.select("#total-requests")).as(query).isEmpty();
            assertThat(full.asString()).as(query).doesNotContain("Exception", "<script>");

            Response fragment = given().cookie(AdminKeysPage.COOKIE, session).header("HX-Request", "true")
                    .get("/admin/usage?" + query);
            assertThat(fragment.statusCode()).as(query).isEqualTo(400);
            assertThat(fragment.asString().strip()).as(query).startsWith("<div id=\"report\"").contains(why)
                    .doesNotContain("<html");
        });
    }

    @Test
    void onlyTheAdminSessionOpensThePage() {
        CreatedKey a = service.create("page-outsider");
        for (Response r : new Response[]{
                given().get("/admin/usage"),
                given().header("Authorization", "Bearer " + a.key()).get("/admin/usage"),
                given().header("x-api-key", a.key()).get("/admin/usage"),
                given().cookie(AdminKeysPage.COOKIE, a.key()).get("/admin/usage"),
                given().cookie(AdminKeysPage.COOKIE, SwitchboardTestProfile.MASTER_KEY).get("/admin/usage")}) {
            Document login = Jsoup.parse(r.asString());
            assertThat(login.select("form[action=/admin/keys/login] input[name=next]").val()).isEqualTo("/admin/usage");
            assertThat(login.select("#total-requests, table.usage, select[name=key]")).isEmpty();
        }
        // a key holder's own figures come from the JSON API, never another key's
        CreatedKey other = service.create("page-other");
        JsonPath refused = given().header("x-api-key", a.key())
                .get("/api/v1/usage?group_by=model&key_id=" + other.view().id()).then().statusCode(403).extract()
                .jsonPath();
        assertThat(refused.getString("error.param")).isEqualTo("key_id");

        Response wrong = given().redirects().follow(false).formParam("master_key", "sb-wrong")
                .formParam("next", "/admin/usage").post("/admin/keys/login");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(Jsoup.parse(wrong.asString()).select("input[name=next]").val()).isEqualTo("/admin/usage");
        Response elsewhere = given().redirects().follow(false).formParam("master_key", SwitchboardTestProfile.MASTER_KEY)
                .formParam("next", "https://evil.example/").post("/admin/keys/login");
        assertThat(elsewhere.statusCode()).isEqualTo(303);
        assertThat(elsewhere.header("Location")).endsWith("/admin/keys");
    }

    @Test
    void aKeyHolderLogsInWithTheirKeyAndSeesOnlyTheirOwnUsage() {
        String base = root.toString().replaceAll("/$", "");
        KeyTraffic.TwoKeys traffic = KeyTraffic.twoKeys(base, simulator, service, "holder-mine", 2,
                "holder-theirs", 1);
        CreatedKey mine = traffic.first();
        CreatedKey theirs = traffic.second();

        Document form = Jsoup.parse(given().get("/usage").then().statusCode(200).extract().asString());
        assertThat(form.select("form[method=post][action=/usage/login] input[type=password][name=key]")).hasSize(1);
        assertThat(form.select("#total-requests")).isEmpty();

        Response login = given().redirects().follow(false).formParam("key", mine.key()).post("/usage/login");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.header("Location")).endsWith("/usage");
        String session = login.getCookie(KeyUsagePage.COOKIE);
        assertThat(session).isNotBlank().doesNotContain(mine.key());
        assertThat(login.getDetailedCookie(KeyUsagePage.COOKIE).isHttpOnly()).isTrue();

        // another key's id in the query changes nothing: the session decides whose usage it is
        Response full = given().cookie(KeyUsagePage.COOKIE, session)
                .get("/usage?group_by=model&key=" + theirs.view().id());
        assertThat(full.statusCode()).isEqualTo(200);
        Document page = Jsoup.parse(full.asString());
        assertThat(page.selectFirst("#total-requests").text()).isEqualTo("2");
        assertThat(page.select("select[name=key]")).isEmpty();
        assertThat(page.select("form#usage-form[action=/usage][hx-get=/usage]")).hasSize(1);
        assertThat(page.selectFirst("#report").text()).contains("holder-mine").doesNotContain("holder-theirs");
        assertThat(full.asString()).doesNotContain(mine.key(), theirs.key());
        Response fragment = given().cookie(KeyUsagePage.COOKIE, session).header("HX-Request", "true")
                .get("/usage?group_by=day");
        assertThat(fragment.asString().strip()).startsWith("<div id=\"report\"");
        assertThat(Jsoup.parseBodyFragment(fragment.asString()).selectFirst("#total-requests").text()).isEqualTo("2");
        assertThat(given().cookie(KeyUsagePage.COOKIE, session).get("/usage?from=nope").statusCode()).isEqualTo(400);

        // a session is signed for its key: another key's id with this signature is no session
        String forged = session.replace(mine.view().id(), theirs.view().id());
        assertThat(Jsoup.parse(given().cookie(KeyUsagePage.COOKIE, forged).get("/usage").asString())
                .select("#total-requests")).isEmpty();
        // nor is the key itself, or a wrong one
        assertThat(Jsoup.parse(given().cookie(KeyUsagePage.COOKIE, mine.key()).get("/usage").asString())
                .select("#total-requests")).isEmpty();
        Response wrong = given().redirects().follow(false).formParam("key", "sb-not-a-key").post("/usage/login");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.getCookie(KeyUsagePage.COOKIE)).isNull();
        assertThat(Jsoup.parse(wrong.asString()).selectFirst("[role=alert]").text()).contains("not an active");

        // the master key gets the operator's page, with an admin session
        Response master = given().redirects().follow(false).formParam("key", SwitchboardTestProfile.MASTER_KEY)
                .post("/usage/login");
        assertThat(master.statusCode()).isEqualTo(303);
        assertThat(master.header("Location")).endsWith("/admin/usage");
        assertThat(Jsoup.parse(given().cookie(AdminKeysPage.COOKIE, master.getCookie(AdminKeysPage.COOKIE))
                .get("/admin/usage").asString()).select("select[name=key]")).hasSize(1);

        // revoking the key ends its sessions
        assertThat(service.revoke(mine.view().id())).isTrue();
        assertThat(Jsoup.parse(given().cookie(KeyUsagePage.COOKIE, session).get("/usage").asString())
                .select("form[action=/usage/login]")).hasSize(1);
    }

    private static String login() {
        Response login = given().redirects().follow(false).formParam("master_key", SwitchboardTestProfile.MASTER_KEY)
                .formParam("next", "/admin/usage").post("/admin/keys/login");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.header("Location")).endsWith("/admin/usage");
        return login.getCookie(AdminKeysPage.COOKIE);
    }
}
