package dev.switchboard.web;

import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.usage.AdminKeysPage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every state-changing route outside the proxy ({@code /v1/*}) and the JSON API ({@code /api/*}) is found by
 * reflection over the application's JAX-RS resources, and called: without credentials it is refused (401/403) and
 * changes nothing; with a valid admin session but no or a wrong CSRF token it is refused with 403 and changes
 * nothing. The Vert.x routes (the proxy's) that accept more than GET must all lie under /v1 or /api.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class RouteAuditTest {

    /** The one change a visitor without credentials may ask for: presenting the master key. */
    private static final String LOGIN = "/admin/keys/login";
    /** A key holder's login to their own usage page and its logout: they change nothing the server keeps. */
    private static final List<String> KEY_SESSION = List.of("/usage/login", "/usage/logout");

    @Inject
    Router router;

    @Inject
    DataSource dataSource;

    record Endpoint(String method, String path) {
    }

    @Test
    void everyStateChangingPortalRouteNeedsAnAdminSessionAndItsCsrfToken() throws Exception {
        List<Endpoint> changes = jaxRsChanges().stream()
                .filter(e -> !e.path().startsWith("/v1/") && !e.path().startsWith("/api/")).toList();
        assertThat(changes).as("the audit found the admin's forms").extracting(Endpoint::path)
                .contains("/admin/keys", "/admin/keys/x/revoke", "/admin/keys/logout", LOGIN, "/usage/login");

        String session = given().redirects().follow(false).formParam("master_key", SwitchboardTestProfile.MASTER_KEY)
                .post(LOGIN).getCookie(AdminKeysPage.COOKIE);
        String csrf = Jsoup.parse(given().cookie(AdminKeysPage.COOKIE, session).get("/admin/keys").asString())
                .selectFirst("form[action=/admin/keys] input[name=csrf]").val();
        String revocable = createKey(session, csrf);

        for (Endpoint e : changes) {
            if (e.path().equals(LOGIN)) {
                continue;
            }
            if (KEY_SESSION.contains(e.path())) {
                String before = state();
                Response anonymous = call(given(), e.method(), e.path(), "key", "sb-made-up");
                assertThat(anonymous.statusCode()).as("%s %s", e.method(), e.path()).isIn(303, 401);
                assertThat(anonymous.getCookie(AdminKeysPage.COOKIE)).isNull();
                assertThat(state()).as("%s %s changed nothing", e.method(), e.path()).isEqualTo(before);
                continue;
            }
            String path = e.path().replace("/x/", "/" + revocable + "/");
            String before = state();
            Response anonymous = call(given(), e.method(), path, "name", "audit-anonymous");
            assertThat(anonymous.statusCode()).as("%s %s without credentials", e.method(), path).isIn(401, 403);
            Response forgedCookie = call(given().cookie(AdminKeysPage.COOKIE, SwitchboardTestProfile.MASTER_KEY),
                    e.method(), path, "csrf", csrf);
            assertThat(forgedCookie.statusCode()).as("%s %s with a made-up session", e.method(), path).isIn(401, 403);
            Response noToken = call(given().cookie(AdminKeysPage.COOKIE, session), e.method(), path, "name", "audit");
            assertThat(noToken.statusCode()).as("%s %s without a CSRF token", e.method(), path).isEqualTo(403);
            Response wrongToken = call(given().cookie(AdminKeysPage.COOKIE, session).formParam("csrf", csrf + "x"),
                    e.method(), path, "name", "audit");
            assertThat(wrongToken.statusCode()).as("%s %s with a wrong CSRF token", e.method(), path).isEqualTo(403);
            assertThat(state()).as("%s %s changed nothing", e.method(), path).isEqualTo(before);
        }
        // the session still works after all that: the refusals were about the token, not a broken session
        assertThat(given().cookie(AdminKeysPage.COOKIE, session).get("/admin/keys").asString()).contains(revocable);
    }

    @Test
    void theLoginRefusesAWrongKeyAndSetsNoSession() {
        Response wrong = given().redirects().follow(false).formParam("master_key", "sb-not-it").post(LOGIN);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.getCookie(AdminKeysPage.COOKIE)).isNull();
    }

    @Test
    void vertxRoutesThatAcceptMoreThanGetAreTheProxys() {
        List<String> open = new ArrayList<>();
        for (Route route : router.getRoutes()) {
            String path = route.getPath();
            if (path == null) {
                continue; // handlers for every path (body handling, filters) are not routes of their own
            }
            boolean readOnly = route.methods() != null && !route.methods().isEmpty() && route.methods().stream()
                    .allMatch(m -> m.name().equals("GET") || m.name().equals("HEAD") || m.name().equals("OPTIONS"));
            if (!readOnly && !path.startsWith("/v1/") && !path.startsWith("/api/") && !isRestLayer(path)) {
                open.add(route.methods() + " " + path);
            }
        }
        assertThat(open).as("state-changing Vert.x routes outside /v1 and /api").isEmpty();
        assertThat(router.getRoutes()).extracting(Route::getPath).contains("/v1/chat/completions", "/v1/messages");
    }

    /**
     * Quarkus REST mounts itself as catch-all routes (what it serves is audited by reflection above); the webjar
     * locator serves files, whatever the method, and changes nothing.
     */
    private static boolean isRestLayer(String path) {
        return path.equals("/") || path.equals("/*") || path.startsWith("/q/") || path.equals("/webjars/");
    }

    private static Response call(RequestSpecification spec, String method, String path, String field, String value) {
        return spec.redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam(field, value).request(method, path);
    }

    private static String createKey(String session, String csrf) {
        Response created = given().cookie(AdminKeysPage.COOKIE, session).formParam("csrf", csrf)
                .formParam("name", "audit-target").post("/admin/keys");
        assertThat(created.statusCode()).isEqualTo(200);
        return Jsoup.parse(given().cookie(AdminKeysPage.COOKIE, session).get("/admin/keys").asString())
                .select("tr[data-key-id]").stream().filter(r -> r.text().contains("audit-target"))
                .map(r -> r.attr("data-key-id")).findFirst().orElseThrow();
    }

    /** Every gateway key with its revocation: what the admin's forms can change. */
    private String state() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select * from api_keys order by 1")) {
            StringBuilder out = new StringBuilder();
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= cols; i++) {
                    out.append(rs.getObject(i)).append('|');
                }
                out.append('\n');
            }
            return out.toString();
        }
    }

    /** POST/PUT/PATCH/DELETE methods of every resource class of the application, with path parameters as "x". */
    private static List<Endpoint> jaxRsChanges() throws IOException, ClassNotFoundException {
        java.nio.file.Path classes = Paths.get("target", "classes");
        List<Endpoint> found = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, RouteAuditTest.class.getClassLoader());
                Path base = type.getAnnotation(Path.class);
                if (base == null) {
                    continue;
                }
                for (Method m : type.getDeclaredMethods()) {
                    String verb = m.isAnnotationPresent(POST.class) ? "POST" : m.isAnnotationPresent(PUT.class) ? "PUT"
                            : m.isAnnotationPresent(DELETE.class) ? "DELETE"
                            : m.isAnnotationPresent(PATCH.class) ? "PATCH" : null;
                    if (verb == null) {
                        continue;
                    }
                    Path sub = m.getAnnotation(Path.class);
                    String path = (base.value() + (sub == null ? "" : "/" + sub.value())).replaceAll("/+", "/")
                            .replaceAll("\\{[^}]+}", "x");
                    found.add(new Endpoint(verb, path.length() > 1 && path.endsWith("/")
                            ? path.substring(0, path.length() - 1) : path));
                }
            }
        }
        return found;
    }
}
