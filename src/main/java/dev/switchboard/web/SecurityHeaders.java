package dev.switchboard.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Browser hardening headers on every portal page, JSON API answer and static file. The proxy's chat routes are left
 * bare: their callers are SDKs, not browsers, and the hot path should not carry a few hundred bytes it has no use for.
 *
 * <p>The policy allows scripts, styles, images and fetches from this origin only. The layout has no inline script
 * (its one early line is {@code /js/early.js}) and htmx is told not to inject its indicator {@code <style>} nor to
 * evaluate code from attributes (the {@code htmx-config} meta of the layout), so no {@code 'unsafe-inline'} or
 * {@code 'unsafe-eval'} is needed.
 */
@ApplicationScoped
public class SecurityHeaders {

    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    /** Before the REST layer and static files (priorities run highest first), after nothing that writes a body. */
    private static final int PRIORITY = 1000;

    void register(@Observes Filters filters) {
        filters.register(ctx -> {
            if (!isProxyCall(ctx.normalizedPath())) {
                MultiMap headers = ctx.response().headers();
                headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                headers.set("X-Content-Type-Options", "nosniff");
                headers.set("X-Frame-Options", "DENY");
                headers.set("Referrer-Policy", "same-origin");
            }
            ctx.next();
        }, PRIORITY);
    }

    /** The proxy's chat routes, under both bases (see ProxyRoutes); {@code /v1/models} too, an SDK call as well. */
    static boolean isProxyCall(String path) {
        if (path.startsWith("/v1/")) {
            return true;
        }
        return path.equals("/api/v1/chat/completions") || path.equals("/api/v1/messages");
    }
}
