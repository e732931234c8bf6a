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

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
                       String csrf) {

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
    }

    @Inject
    UsageQueries queries;

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
        View view = filter.problem() != null
                ? new View(filter, groupings(), keys, null, List.of(), null, null, filter.problem(),
                sessions.csrf(session))
                : report(filter, keys, sessions.csrf(session));
        int status = view.problem() == null ? 200 : 400;
        if (HtmxRequest.wantsFragment(headers)) {
            return html(status, Templates.usage$report(view)).header("Vary", "HX-Request").build();
        }
        return html(status, Templates.usage(view)).header("Vary", "HX-Request").build();
    }

    private View report(UsageFilter filter, List<KeyOption> keys, String csrf) {
        LocalDate toExclusive = filter.to() == null ? null : filter.to().plusDays(1);
        List<Row> rows = queries.grouped(filter.keyId(), filter.groupBy(), filter.from(), toExclusive).stream()
                .map(r -> new Row(r.group(), r.totals())).toList();
        // every generation falls in exactly one group, so the groups add up to the range's totals
        long requests = 0;
        long input = 0;
        long output = 0;
        BigDecimal cost = BigDecimal.ZERO;
        for (Row r : rows) {
            requests += r.totals().requests();
            input += r.totals().inputTokens();
            output += r.totals().outputTokens();
            cost = cost.add(r.totals().cost());
        }
        DailyBars bars = null;
        if (filter.from() != null && filter.to() != null
                && filter.from().plusDays(DailyBars.MAX_DAYS).isAfter(filter.to())) {
            List<UsageQueries.Row> days = filter.groupBy() == UsageQueries.GroupBy.DAY
                    ? rows.stream().map(r -> new UsageQueries.Row(r.group(), r.totals())).toList()
                    : queries.grouped(filter.keyId(), UsageQueries.GroupBy.DAY, filter.from(), toExclusive);
            Map<LocalDate, Long> perDay = new TreeMap<>();
            for (UsageQueries.Row d : days) {
                perDay.put(LocalDate.parse(d.group()), d.totals().requests());
            }
            bars = DailyBars.of("usage-per-day", "Requests per day", "request", filter.from(), filter.to(), perDay);
        }
        String scope = filter.keyId() == null ? "every key" : keys.stream().filter(KeyOption::selected)
                .map(KeyOption::label).findFirst().orElse(filter.keyId());
        return new View(filter, groupings(), keys, new UsageQueries.Totals(requests, input, output, cost), rows, bars,
                scope, null, csrf);
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

    private static List<UsageQueries.GroupBy> groupings() {
        return List.of(UsageQueries.GroupBy.values());
    }

    private static Response.ResponseBuilder html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(page).header("Cache-Control", "no-store");
    }
}
