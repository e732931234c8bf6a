package dev.switchboard.web;

import dev.switchboard.proxy.ProxyConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Bounds what the portal and the JSON API read from a URL before any page runs: query parameters longer than
 * {@code switchboard.proxy.max-query-length} ({@code q}) or {@code switchboard.proxy.max-param-length} (the others),
 * or not valid URL encoding, get a 400 (an error object under {@code /api} and {@code /v1}, a page elsewhere). An
 * Accept header whose quality values cannot be read is dropped (read as any type) rather than failing the request.
 */
@ApplicationScoped
public class QueryGuard {

    private static final Pattern QUALITY = Pattern.compile("(?i)\\s*q\\s*=\\s*(0(\\.\\d{0,3})?|1(\\.0{0,3})?)\\s*");

    @Inject
    ProxyConfig config;

    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
        // Vert.x Web answers a path it cannot decode (a lone %) with a bare 400 before any route runs
        router.errorHandler(400, ctx -> {
            if (!ctx.response().ended() && !ctx.response().headWritten()) {
                String path = ctx.request().path() == null ? "/" : ctx.request().path();
                refuse(ctx, path, "The address could not be read: it is not valid URL encoding (e.g. a lone %).");
            }
        });
    }

    private void check(RoutingContext ctx) {
        String accept = ctx.request().getHeader("accept");
        if (accept != null && !readableAccept(accept)) {
            ctx.request().headers().remove("accept");
        }
        String path = ctx.request().path();
        String query = ctx.request().query();
        if (query == null || path == null || isProxy(path)) {
            ctx.next();
            return;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                refuse(ctx, path, "A query parameter is not valid URL encoding (e.g. a lone %).");
                return;
            }
            int limit = "q".equals(name) ? config.maxQueryLength() : config.maxParamLength();
            if (value.length() > limit || name.length() > config.maxParamLength()) {
                refuse(ctx, path, "The query parameter '" + (name.length() > 40 ? name.substring(0, 40) + "…" : name)
                        + "' is longer than " + limit + " characters (" + value.length() + ").");
                return;
            }
        }
        ctx.next();
    }

    private static boolean readableAccept(String accept) {
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].trim().toLowerCase(java.util.Locale.ROOT).startsWith("q")
                        && !QUALITY.matcher(parts[i]).matches()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isProxy(String path) {
        String p = path.startsWith("/api/v1/") ? path.substring(4) : path;
        return p.startsWith("/v1/chat/completions") || p.startsWith("/v1/messages");
    }

    private static void refuse(RoutingContext ctx, String path, String message) {
        if (ErrorPages.isApi(path)) {
            ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
                    .end(new JsonObject(ErrorPages.errorJson(400, "invalid_request", message)).encode());
        } else {
            ctx.response().setStatusCode(400).putHeader("content-type", "text/html;charset=UTF-8")
                    .end(ErrorPages.Templates.error(400, "That did not work", message, null).render());
        }
    }
}
