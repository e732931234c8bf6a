package dev.switchboard.usage;

import dev.switchboard.limits.KeyUsage;
import dev.switchboard.limits.KeyUsageQueries;
import dev.switchboard.web.HtmxRequest;
import dev.switchboard.web.chart.DailyBars;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /admin/usage}: what the gateway's keys used, for the operator, behind the admin session of the keys page (its
 * cookie is scoped to {@code /admin}). Totals for a range of days, a table grouped by model, provider or day, and a bar
 * a day. A GET form, so every view is a link and it works without JavaScript; htmx swaps only the report
 * ({@code HX-Request} gets the fragment) and pushes the URL. The sums are {@link UsageQueries}', the JSON API's. Key
 * holders see their own usage through {@code GET /api/v1/key} and {@code /api/v1/usage} with their key: a page would
 * have to take the key in a form, and it is better not typed into a browser at all.
 */
@Path("/admin/usage")
@Produces(MediaType.TEXT_HTML)
public class UsagePage {

    /** A key the report can be narrowed to. */
    public record KeyOption(String id, String label, boolean selected) {
    }

    /** One row of the table; {@code group} null when the generation did not say (no model served, no provider). */
    public record Row(String group, UsageQueries.Totals totals) {
    }

    /**
     * What the page shows. {@code problem} is why the query was refused (then there is no report: rows empty, totals
     * and bars null); {@code bars} is null also when the range is open or longer than {@link DailyBars#MAX_DAYS}.
     */
    public record View(UsageFilter filter, List<UsageQueries.GroupBy> groupings, List<KeyOption> keys,
                       UsageQueries.Totals totals, List<Row> rows, DailyBars bars, String scope, String problem,
                       String csrf, boolean admin) {

        /** Where the form goes: the operator's page, or a key holder's own. */
        public String action() {
            return admin ? "/admin/usage" : "/usage";
        }

        public String groupBy() {
            return filter.groupByText();
        }

        public String from() {
            return filter.fromText();
        }

        public String to() {
            return filter.toText();
        }

        /** The key id the report is narrowed to, empty for every key. */
        public String key() {
            return filter.key();
        }

        /** What the table's first column holds. */
        public String groupLabel() {
            return switch (filter.groupBy()) {
                case MODEL -> "Model";
                case PROVIDER -> "Provider";
                case DAY -> "Day (UTC)";
            };
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance usage(View view);

        static native TemplateInstance usage$report(View view);

        /** A key holder's login to their own usage; {@code message} says why the last try failed. */
        static native TemplateInstance keyLogin(String message);
    }

    @Inject
    UsageReports reports;

    @Inject
    KeyUsageQueries keyUsage;

    @Inject
    GatewayKeys gatewayKeys;

    @Inject
    AuthConfig config;

    private AdminSessions sessions;

    @PostConstruct
    void init() {
        // stateless sessions: one made from the same master key accepts the keys page's tokens
        sessions = gatewayKeys.masterKey().map(k -> new AdminSessions(k, config.adminSession())).orElse(null);
    }

    @GET
    public Response page(@CookieParam(AdminKeysPage.COOKIE) String session, @QueryParam("group_by") String groupBy,
                         @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("key") String key,
                         @Context HttpHeaders headers) {
        if (sessions == null) {
            return html(403, AdminKeysPage.Templates.unconfigured()).build();
        }
        if (!sessions.valid(session, Instant.now())) {
            return html(200, AdminKeysPage.Templates.login(null, "/admin/usage")).build();
        }
        UsageFilter filter = UsageFilter.parse(groupBy, from, to, key, LocalDate.now(ZoneOffset.UTC));
        List<KeyOption> keys = keyOptions(filter.key());
        if (filter.problem() == null && filter.keyId() != null && keys.stream().noneMatch(KeyOption::selected)) {
            filter = filter.refused("There is no such key.");
        }
        return render(reports.view(filter, keys, null, sessions.csrf(session), true), headers);
    }

    /** The page, or only its report for htmx; 400 when the query was refused. */
    static Response render(View view, HttpHeaders headers) {
        int status = view.problem() == null ? 200 : 400;
        if (HtmxRequest.wantsFragment(headers)) {
            return html(status, Templates.usage$report(view)).header("Vary", "HX-Request").build();
        }
        return html(status, Templates.usage(view)).header("Vary", "HX-Request").build();
    }

    /** Every key ever made (a revoked key's past use still counts), and the master key's own calls. */
    private List<KeyOption> keyOptions(String selected) {
        List<KeyUsage> all;
        try {
            all = keyUsage.all();
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the keys failed", e);
        }
        List<KeyOption> options = new ArrayList<>();
        for (KeyUsage k : all) {
            options.add(new KeyOption(k.id(), k.name() + " (" + k.prefix() + "…)" + (k.revoked() ? ", revoked" : ""),
                    k.id().equals(selected)));
        }
        options.add(new KeyOption(GatewayKey.MASTER.id(), "the master key", GatewayKey.MASTER.id().equals(selected)));
        return options;
    }

    static Response.ResponseBuilder html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(page).header("Cache-Control", "no-store");
    }
}
