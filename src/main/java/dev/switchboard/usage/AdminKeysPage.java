package dev.switchboard.usage;

import dev.switchboard.limits.BudgetPeriod;
import dev.switchboard.limits.KeyLimits;
import dev.switchboard.limits.KeyUsage;
import dev.switchboard.limits.KeyUsageQueries;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * {@code /admin/keys}: gateway keys for the operator, behind the master key. Logging in sets an HttpOnly, SameSite=Strict
 * cookie holding a signed session token (see {@link AdminSessions}), never the key; every change is a POST carrying
 * the session's CSRF token. Each key shows its limits and its use in its current period (calls, tokens, spend, budget
 * left) from one query. Plain forms, so it works without JavaScript; htmx boosts them when present.
 */
@Path("/admin/keys")
@Produces(MediaType.TEXT_HTML)
public class AdminKeysPage {

    public static final String COOKIE = "sb_admin";

    /** What the page shows; {@code created} is a key just made, shown this once; {@code notice} a one-line result. */
    public record View(List<KeyUsage> keys, String csrf, CreatedKey created, String notice, boolean open) {

        /** The choices of the limits form. */
        public List<BudgetPeriod> periods() {
            return List.of(BudgetPeriod.values());
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance keys(View view);

        /** {@code next}: the admin page to go to once logged in. */
        static native TemplateInstance login(String message, String next);

        static native TemplateInstance unconfigured();

        static native TemplateInstance problem(String title, String message);
    }

    @Inject
    ApiKeyService service;

    @Inject
    GatewayKeys gatewayKeys;

    @Inject
    AuthConfig config;

    @Inject
    KeyUsageQueries usage;

    private AdminSessions sessions;

    @PostConstruct
    void init() {
        sessions = gatewayKeys.masterKey().map(k -> new AdminSessions(k, config.adminSession())).orElse(null);
    }

    @GET
    public Response page(@CookieParam(COOKIE) String session, @QueryParam("revoked") String revoked,
                         @QueryParam("limits") String limitsSet) {
        if (sessions == null) {
            return unconfigured();
        }
        if (!sessions.valid(session, Instant.now())) {
            return html(200, Templates.login(null, "/admin/keys"));
        }
        String notice = revoked != null ? "Key " + revoked + " is revoked: it is refused from now on."
                : limitsSet != null ? "The limits of key " + limitsSet + " are set: they apply from its next call on."
                : null;
        return keysPage(200, session, null, notice);
    }

    @POST
    @Path("login")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@FormParam("master_key") String masterKey, @FormParam("next") String next,
                          @Context UriInfo uri) {
        if (sessions == null) {
            return unconfigured();
        }
        if (masterKey == null || !KeyMaterial.constantTimeEquals(masterKey.strip(), gatewayKeys.masterKey().orElseThrow())) {
            return html(401, Templates.login("That is not the master key (switchboard.auth.master-key).",
                    landing(next)));
        }
        String token = sessions.issue(Instant.now());
        return Response.seeOther(URI.create(landing(next))).cookie(cookie(token, (int) sessions.lifetime().toSeconds(),
                uri)).build();
    }

    @POST
    @Path("logout")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@CookieParam(COOKIE) String session, @FormParam("csrf") String csrf, @Context UriInfo uri) {
        Response refused = refuse(session, csrf);
        if (refused != null) {
            return refused;
        }
        return Response.seeOther(URI.create("/admin/keys")).cookie(cookie("", 0, uri)).build();
    }

    @POST
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@CookieParam(COOKIE) String session, @FormParam("csrf") String csrf,
                           @FormParam("name") String name) {
        Response refused = refuse(session, csrf);
        if (refused != null) {
            return refused;
        }
        if (name == null || name.isBlank() || name.strip().length() > ApiKeyService.MAX_NAME_LENGTH) {
            return keysPage(400, session, null, "A key needs a name of 1 to " + ApiKeyService.MAX_NAME_LENGTH
                    + " characters, e.g. the team or app that will use it.");
        }
        CreatedKey created = service.create(name);
        // shown once: no cache may keep the page that holds the key
        return keysPage(200, session, created, null);
    }

    @POST
    @Path("{id}/revoke")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(@CookieParam(COOKIE) String session, @FormParam("csrf") String csrf,
                           @PathParam("id") String id) {
        Response refused = refuse(session, csrf);
        if (refused != null) {
            return refused;
        }
        if (!service.revoke(id)) {
            return html(404, Templates.problem("No such key", "There is no active key with that id; it may have been "
                    + "revoked already."));
        }
        return Response.seeOther(URI.create("/admin/keys?revoked=" + java.net.URLEncoder.encode(id,
                java.nio.charset.StandardCharsets.UTF_8))).build();
    }

    @POST
    @Path("{id}/limits")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response limits(@CookieParam(COOKIE) String session, @FormParam("csrf") String csrf,
                           @PathParam("id") String id, @FormParam("rpm") String rpm, @FormParam("tpm") String tpm,
                           @FormParam("budget") String budget, @FormParam("budget_period") String period) {
        Response refused = refuse(session, csrf);
        if (refused != null) {
            return refused;
        }
        KeyLimits limits;
        try {
            limits = KeyLimits.parse(rpm, tpm, budget, period);
        } catch (IllegalArgumentException e) {
            return keysPage(400, session, null, "The limits were not changed. " + e.getMessage());
        }
        if (!service.setLimits(id, limits)) {
            return html(404, Templates.problem("No such key", "There is no active key with that id; it may have been "
                    + "revoked."));
        }
        return Response.seeOther(URI.create("/admin/keys?limits=" + java.net.URLEncoder.encode(id,
                java.nio.charset.StandardCharsets.UTF_8))).build();
    }

    /** Why a change is refused (no master key, no session, a form from elsewhere), or null when it may go on. */
    private Response refuse(String session, String csrf) {
        if (sessions == null) {
            return unconfigured();
        }
        if (!sessions.valid(session, Instant.now())) {
            return html(401, Templates.login("Your session has ended. Log in again with the master key.",
                    "/admin/keys"));
        }
        if (!sessions.csrfMatches(session, csrf)) {
            return html(403, Templates.problem("Form expired", "This form was not issued by this session (or it was "
                    + "sent from another site). Reload the page and try again."));
        }
        return null;
    }

    /** Where a login goes: one of the admin pages, never an address from the form (no open redirect). */
    private static String landing(String next) {
        return "/admin/usage".equals(next) ? "/admin/usage" : "/admin/keys";
    }

    private Response keysPage(int status, String session, CreatedKey created, String notice) {
        List<KeyUsage> keys;
        try {
            keys = usage.all();
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the keys failed", e);
        }
        View view = new View(keys, sessions.csrf(session), created, notice, gatewayKeys.open());
        return html(status, Templates.keys(view));
    }

    private Response unconfigured() {
        return html(403, Templates.unconfigured());
    }

    private static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(page)
                .header("Cache-Control", "no-store").build();
    }

    static NewCookie cookie(String value, int maxAge, UriInfo uri) {
        return new NewCookie.Builder(COOKIE).value(value).path("/admin").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(maxAge)
                .secure("https".equalsIgnoreCase(uri.getRequestUri().getScheme())).build();
    }
}
