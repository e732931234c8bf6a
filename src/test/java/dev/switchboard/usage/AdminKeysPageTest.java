package dev.switchboard.usage;

import dev.switchboard.testing.CapturedLogs;
import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin keys page over real HTTP, as a browser without JavaScript uses it. */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class AdminKeysPageTest {

    static CapturedLogs logs;

    @Inject
    GatewayKeys keys;

    @Inject
    DataSource dataSource;

    @BeforeAll
    static void captureLogs() {
        logs = CapturedLogs.attach();
    }

    @AfterAll
    static void releaseLogs() {
        logs.detach();
    }

    @Test
    void withoutASessionThePageAsksForTheMasterKeyAndRefusesChanges() {
        Document login = Jsoup.parse(given().get("/admin/keys").then().statusCode(200).extract().asString());
        assertThat(login.select("form[action=/admin/keys/login][method=post] input[type=password][name=master_key]"))
                .hasSize(1);
        assertThat(login.select("label[for=master-key]")).hasSize(1);

        Response wrong = given().redirects().follow(false).formParam("master_key", "sb-wrong")
                .post("/admin/keys/login");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.asString()).contains("not the master key").doesNotContain("sb-wrong");
        assertThat(wrong.getCookie(AdminKeysPage.COOKIE)).isNull();

        given().redirects().follow(false).formParam("name", "sneaky").formParam("csrf", "x")
                .post("/admin/keys").then().statusCode(401);
        given().redirects().follow(false).cookie(AdminKeysPage.COOKIE, SwitchboardTestProfile.MASTER_KEY)
                .formParam("name", "sneaky").formParam("csrf", "x").post("/admin/keys").then().statusCode(401);
    }

    @Test
    void logInCreateShowOnceAndRevoke() throws Exception {
        Response login = given().redirects().follow(false).formParam("master_key", SwitchboardTestProfile.MASTER_KEY)
                .post("/admin/keys/login");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.header("Location")).endsWith("/admin/keys");
        String setCookie = login.header("Set-Cookie");
        assertThat(setCookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict")
                .doesNotContain(SwitchboardTestProfile.MASTER_KEY);
        String session = login.getCookie(AdminKeysPage.COOKIE);

        Document page = Jsoup.parse(given().cookie(AdminKeysPage.COOKIE, session).get("/admin/keys")
                .then().statusCode(200).extract().asString());
        String csrf = page.selectFirst("form[action=/admin/keys] input[name=csrf]").val();
        assertThat(csrf).isNotBlank();
        assertThat(page.select("form[action=/admin/keys] input[name=name]")).hasSize(1);

        // a form without this session's CSRF token (another site's, or a stale one) changes nothing
        given().cookie(AdminKeysPage.COOKIE, session).formParam("name", "forged").formParam("csrf", "nope")
                .post("/admin/keys").then().statusCode(403);
        given().cookie(AdminKeysPage.COOKIE, session).formParam("name", "  ").formParam("csrf", csrf)
                .post("/admin/keys").then().statusCode(400);

        Response createdResponse = given().cookie(AdminKeysPage.COOKIE, session).formParam("name", "ci-pipeline")
                .formParam("csrf", csrf).post("/admin/keys");
        assertThat(createdResponse.statusCode()).isEqualTo(200);
        assertThat(createdResponse.header("Cache-Control")).isEqualTo("no-store");
        Document created = Jsoup.parse(createdResponse.asString());
        String key = created.selectFirst("#new-key").text();
        assertThat(key).matches("sb-[A-Za-z0-9_-]{43}");
        assertThat(created.select("button.copy[data-copy=" + key + "]")).hasSize(1);
        assertThat(created.text()).contains("not shown again");
        AuthResult.Allowed allowed = (AuthResult.Allowed) keys.authenticate(key);
        assertThat(allowed.key().name()).isEqualTo("ci-pipeline");
        String id = allowed.key().id();

        // shown once: the list shows the prefix only
        String again = given().cookie(AdminKeysPage.COOKIE, session).get("/admin/keys").asString();
        assertThat(again).doesNotContain(key).contains(key.substring(0, 9)).contains("ci-pipeline");

        // never in clear in the database or the logs
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select * from api_keys where id = '" + id + "'")) {
            assertThat(rs.next()).isTrue();
            for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                assertThat(String.valueOf(rs.getObject(col))).doesNotContain(key.substring(9));
            }
            assertThat(rs.getString("key_hash")).isEqualTo(KeyMaterial.hash(key));
        }
        // RestAssured's own HTTP client logs its wire traffic and headers (">>", "<<") in this JVM: that is the test's
        // browser, not the app.
        assertThat(logs.lines()).isNotEmpty().filteredOn(l -> !l.matches("(?s)\\s*(>>|<<) .*"))
                .noneMatch(l -> l.contains(key.substring(9)))
                .noneMatch(l -> l.contains(SwitchboardTestProfile.MASTER_KEY));

        Document list = Jsoup.parse(again);
        String revokeAction = "/admin/keys/" + id + "/revoke";
        assertThat(list.select("form[action=" + revokeAction + "][method=post]")).hasSize(1);
        given().cookie(AdminKeysPage.COOKIE, session).formParam("csrf", "nope").post(revokeAction)
                .then().statusCode(403);
        assertThat(keys.authenticate(key)).isInstanceOf(AuthResult.Allowed.class);
        Response revoked = given().redirects().follow(false).cookie(AdminKeysPage.COOKIE, session)
                .formParam("csrf", csrf).post(revokeAction);
        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(keys.authenticate(key)).isInstanceOf(AuthResult.Denied.class);
        Document after = Jsoup.parse(given().cookie(AdminKeysPage.COOKIE, session).get(revoked.header("Location"))
                .asString());
        assertThat(after.selectFirst("tr[data-key-id=" + id + "]").text()).contains("revoked");
        assertThat(after.select("form[action=" + revokeAction + "]")).isEmpty();
        given().cookie(AdminKeysPage.COOKIE, session).formParam("csrf", csrf).post(revokeAction).then().statusCode(404);

        // logging out ends the cookie
        Response out = given().redirects().follow(false).cookie(AdminKeysPage.COOKIE, session)
                .formParam("csrf", csrf).post("/admin/keys/logout");
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.header("Set-Cookie")).contains("Max-Age=0");
    }
}
