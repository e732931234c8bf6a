package dev.switchboard.usage;

import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * {@code /usage}: a key holder's own usage, the operator's report narrowed to one key. The key is typed once into a
 * login form (a POST, never in a URL), and the browser keeps a {@link KeySessions} cookie, not the key. The master key
 * gets an admin session and goes to {@code /admin/usage}, where every key's usage is.
 */
@Path("/usage")
@Produces(MediaType.TEXT_HTML)
public class KeyUsagePage {

    static final String COOKIE = "sb_usage";

    @Inject
    GatewayKeys keys;

    @Inject
    UsageReports reports;

    @Inject
    AuthConfig config;

    private AdminSessions adminSessions;

    @PostConstruct
    void init() {
        adminSessions = keys.masterKey().map(k -> new AdminSessions(k, config.adminSession())).orElse(null);
    }

    @GET
    public Response page(@CookieParam(COOKIE) String session, @QueryParam("group_by") String groupBy,
                         @QueryParam("from") String from, @QueryParam("to") String to, @Context HttpHeaders headers) {
        GatewayKey key = holder(session);
        if (key == null) {
            return login(200, null);
        }
        UsageFilter filter = UsageFilter.parse(groupBy, from, to, key.id(), LocalDate.now(ZoneOffset.UTC));
        return UsagePage.render(reports.view(filter, List.of(), "your key " + key.name(), null, false), headers);
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@FormParam("key") String presented, @Context UriInfo uri) {
        if (presented == null || presented.isBlank()) {
            return login(400, "Paste your gateway key.");
        }
        if (!(keys.authenticate(presented) instanceof AuthResult.Allowed allowed) || allowed.key() == null) {
            return login(401, "That is not an active gateway key.");
        }
        if (allowed.key().master()) {
            // the operator's key: an admin session, as the admin login would give, on every key's usage
            return Response.seeOther(URI.create("/admin/usage")).cookie(AdminKeysPage.cookie(
                    adminSessions.issue(Instant.now()), (int) adminSessions.lifetime().toSeconds(), uri)).build();
        }
        Optional<String> hash = keys.activeHash(allowed.key().id());
        if (hash.isEmpty()) {
            return login(401, "That is not an active gateway key.");
        }
        Instant expiry = Instant.now().plus(config.adminSession());
        return Response.seeOther(URI.create("/usage"))
                .cookie(cookie(KeySessions.issue(allowed.key().id(), hash.get(), expiry),
                        (int) config.adminSession().toSeconds(), uri))
                .build();
    }

    @POST
    @Path("logout")
    public Response logout(@Context UriInfo uri) {
        return Response.seeOther(URI.create("/usage")).cookie(cookie("", 0, uri)).build();
    }

    /** The key whose session this is, while the key is active and the session has not expired; else null. */
    private GatewayKey holder(String session) {
        String id = KeySessions.keyId(session);
        if (id == null) {
            return null;
        }
        Optional<String> hash = keys.activeHash(id);
        if (hash.isEmpty() || !KeySessions.valid(session, hash.get(), Instant.now())) {
            return null;
        }
        return keys.authenticatedByHash(hash.get());
    }

    private static Response login(int status, String message) {
        TemplateInstance page = UsagePage.Templates.keyLogin(message);
        return UsagePage.html(status, page).build();
    }

    private static NewCookie cookie(String value, int maxAge, UriInfo uri) {
        // SameSite=Strict: no other site can send it, so the logout form needs no CSRF token
        return new NewCookie.Builder(COOKIE).value(value).path("/usage").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(maxAge)
                .secure("https".equalsIgnoreCase(uri.getRequestUri().getScheme())).build();
    }
}
