package dev.switchboard.usage;

import com.fasterxml.jackson.databind.util.RawValue;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.limits.KeyLimits;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/key} (the calling key, its limits and usage) and {@code GET /api/v1/usage?group_by=} (its usage
 * by model, provider or day). Authenticated with a gateway key as the proxy is. A key sees only its own usage; the
 * master key (and an open demo proxy called without a key, which shows everything anyway) is an admin and sees every
 * key's, or one key's with {@code key_id}. Blocking JDBC: these run on a worker thread, off the proxy's event loop.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {

    private static final Pattern VALID_KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    @Inject
    GatewayKeys keys;

    @Inject
    UsageQueries queries;

    /** Who called, or the 401 to answer. */
    private sealed interface Caller {
        record Known(GatewayKey key, boolean admin) implements Caller {
        }

        record Refused(Response response) implements Caller {
        }
    }

    private Caller caller(String authorization, String xApiKey) {
        return switch (keys.authenticate(GatewayKeys.presentedKey(authorization, xApiKey))) {
            case AuthResult.Denied denied -> new Caller.Refused(error(ProxyErrorType.AUTHENTICATION, denied.message(),
                    "invalid_api_key", null).header("WWW-Authenticate", "Bearer").build());
            // null: an open demo proxy called without a key; nothing real is behind it, so it sees what the
            // generation API shows it, everything
            case AuthResult.Allowed allowed -> new Caller.Known(allowed.key(),
                    allowed.key() == null || allowed.key().master());
        };
    }

    @GET
    @Path("key")
    public Response key(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                        @HeaderParam("x-api-key") String xApiKey) {
        Caller.Known caller;
        switch (caller(authorization, xApiKey)) {
            case Caller.Refused refused -> {
                return refused.response();
            }
            case Caller.Known known -> caller = known;
        }
        GatewayKey key = caller.key();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", key == null ? null : key.id());
        data.put("name", key == null ? null : key.name());
        UsageQueries.KeyRow row = key == null || key.master() ? null : queries.key(key.id()).orElse(null);
        data.put("prefix", row == null ? null : row.prefix());
        data.put("created_at", row == null ? null : row.createdAt().toString());
        data.put("is_admin", caller.admin());
        KeyLimits limits = key == null ? KeyLimits.NONE : key.limits();
        Map<String, Object> limitsJson = new LinkedHashMap<>();
        limitsJson.put("rpm", limits.rpm());
        limitsJson.put("tpm", limits.tpm());
        limitsJson.put("budget_usd", limits.budgetUsd() == null ? null : money(limits.budgetUsd()));
        limitsJson.put("budget_period", limits.period().id());
        data.put("limits", limitsJson);

        Instant today = LocalDate.now(ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC);
        // the master key's own calls are logged under key_id "master"; the open proxy's anonymous ones under none,
        // so without a key the usage is every key's
        List<UsageQueries.Totals> totals = queries.totals(key == null ? null : key.id(), today,
                today.minus(java.time.Duration.ofDays(29)));
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("today", totals(totals.get(0)));
        usage.put("last_30_days", totals(totals.get(1)));
        usage.put("all_time", totals(totals.get(2)));
        data.put("usage", usage);
        return Response.ok(Map.of("data", data)).build();
    }

    @GET
    @Path("usage")
    public Response usage(@QueryParam("group_by") String groupBy, @QueryParam("from") String from,
                          @QueryParam("to") String to, @QueryParam("key_id") String keyId,
                          @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                          @HeaderParam("x-api-key") String xApiKey) {
        Caller.Known caller;
        switch (caller(authorization, xApiKey)) {
            case Caller.Refused refused -> {
                return refused.response();
            }
            case Caller.Known known -> caller = known;
        }
        String allowed = String.join(", ", Arrays.stream(UsageQueries.GroupBy.values())
                .map(UsageQueries.GroupBy::id).toList());
        if (groupBy == null || groupBy.isBlank()) {
            return error(ProxyErrorType.INVALID_REQUEST, "Missing query parameter 'group_by': one of " + allowed + ".",
                    "missing_required_parameter", "group_by").build();
        }
        UsageQueries.GroupBy by = UsageQueries.GroupBy.parse(groupBy.strip()).orElse(null);
        if (by == null) {
            // not echoed: whatever was typed there stays out of the answer
            return error(ProxyErrorType.INVALID_REQUEST, "Invalid 'group_by': one of " + allowed + ".",
                    "invalid_value", "group_by").build();
        }
        LocalDate fromDate;
        LocalDate toDate;
        try {
            fromDate = date(from);
        } catch (DateTimeParseException e) {
            return badDate("from");
        }
        try {
            toDate = date(to);
        } catch (DateTimeParseException e) {
            return badDate("to");
        }
        if (fromDate != null && toDate != null && !toDate.isAfter(fromDate)) {
            return error(ProxyErrorType.INVALID_REQUEST, "'to' (exclusive) must be after 'from' (inclusive).",
                    "invalid_value", "to").build();
        }
        String scope;
        if (keyId != null && !keyId.isBlank()) {
            String wanted = keyId.strip();
            if (!VALID_KEY_ID.matcher(wanted).matches()) {
                return error(ProxyErrorType.INVALID_REQUEST, "Invalid 'key_id': a key id such as key_... .",
                        "invalid_value", "key_id").build();
            }
            if (!caller.admin() && !wanted.equals(caller.key().id())) {
                return error(ProxyErrorType.PERMISSION, "Only the master key may see another key's usage; leave "
                        + "out 'key_id' to see this key's own.", "permission_denied", "key_id").build();
            }
            scope = wanted;
        } else {
            scope = caller.admin() ? null : caller.key().id();
        }
        List<Map<String, Object>> rows = queries.grouped(scope, by, fromDate, toDate).stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", r.group());
            row.putAll(totals(r.totals()));
            return row;
        }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", rows);
        body.put("group_by", by.id());
        body.put("key_id", scope);
        body.put("from", fromDate == null ? null : fromDate.toString());
        body.put("to", toDate == null ? null : toDate.toString());
        return Response.ok(body).build();
    }

    private static LocalDate date(String value) {
        return value == null || value.isBlank() ? null : LocalDate.parse(value.strip());
    }

    private static Response badDate(String param) {
        return error(ProxyErrorType.INVALID_REQUEST, "Invalid '" + param + "': an ISO date such as 2026-12-01 (UTC; "
                + "'from' inclusive, 'to' exclusive).", "invalid_value", param).build();
    }

    private static Map<String, Object> totals(UsageQueries.Totals t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("requests", t.requests());
        json.put("input_tokens", t.inputTokens());
        json.put("output_tokens", t.outputTokens());
        json.put("cost", money(t.cost()));
        return json;
    }

    /** A number in plain notation: BigDecimal would print a sub-micro-dollar cost as 1.5E-7. */
    private static RawValue money(BigDecimal amount) {
        return new RawValue(amount.stripTrailingZeros().toPlainString());
    }

    private static Response.ResponseBuilder error(ProxyErrorType type, String message, String code, String param) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type.openAiType());
        error.put("code", code);
        error.put("param", param);
        return Response.status(type.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", error));
    }
}
