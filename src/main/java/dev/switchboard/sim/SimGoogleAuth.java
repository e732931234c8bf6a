package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Google's OAuth2 token endpoint as a service account meets it ({@code POST /token}, the JWT-bearer grant of
 * RFC 7523): verifies the assertion's RS256 signature against the accounts it trusts, its issuer, audience and
 * lifetime, and issues an opaque access token the Vertex protocol then accepts as a bearer token. Refusals have
 * Google's shape ({@code {"error":"invalid_grant","error_description":...}}, 400).
 *
 * <p>With no account configured the simulator makes one up (on first use): its key JSON is served on
 * {@code GET /_sim/vertex/service-account}, for demos and the standalone simulator. The simulator guards nothing.
 */
public final class SimGoogleAuth {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public static final String BUILT_IN_EMAIL = "switchboard-sim@sim-project.iam.gserviceaccount.com";
    public static final String BUILT_IN_PROJECT = "sim-project";
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    /** Google allows assertions of at most an hour, and some clock skew. */
    private static final Duration MAX_ASSERTION_LIFETIME = Duration.ofHours(1);
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final int MAX_TOKENS = 100_000;

    private final List<SimServiceAccount> configured;
    private volatile Map<String, SimServiceAccount> accounts;
    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong tokensIssued = new AtomicLong();
    private final SecureRandom random = new SecureRandom();

    SimGoogleAuth(List<SimServiceAccount> configured) {
        this.configured = List.copyOf(configured);
    }

    /** The trusted accounts by email: the configured ones, or the built-in one. */
    public Map<String, SimServiceAccount> accounts() {
        Map<String, SimServiceAccount> known = accounts;
        if (known == null) {
            synchronized (this) {
                if (accounts == null) {
                    Map<String, SimServiceAccount> map = new HashMap<>();
                    (configured.isEmpty() ? List.of(SimServiceAccount.generate(BUILT_IN_EMAIL)) : configured)
                            .forEach(a -> map.put(a.clientEmail(), a));
                    accounts = Map.copyOf(map);
                }
                known = accounts;
            }
        }
        return known;
    }

    /** A key JSON of the first trusted account that holds its private key, or null if none does. */
    public String keyJson(String tokenUri, String projectId) {
        return accounts().values().stream().filter(a -> a.privateKey() != null).findFirst()
                .map(a -> a.toKeyJson(tokenUri, projectId)).orElse(null);
    }

    /** Token requests received, granted or not. */
    public long tokenRequests() {
        return tokenRequests.get();
    }

    public long tokensIssued() {
        return tokensIssued.get();
    }

    /** Whether the value is a token this simulator issued and that has not expired. */
    public boolean acceptsToken(String token) {
        Instant expires = token == null ? null : issued.get(token);
        return expires != null && Instant.now().isBefore(expires);
    }

    /**
     * Vertex AI's check of the bearer token on {@code ctx}: true when it is one this simulator issued; otherwise the
     * request is answered with Google's 401 (naming {@code rpc}, the method called) and counted as refused.
     */
    public boolean authorize(RoutingContext ctx, SimRuntime runtime, String model, String rpc) {
        String authorization = ctx.request().getHeader("authorization");
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        if (bearer && acceptsToken(authorization.substring(7).trim())) {
            return true;
        }
        ObjectNode body = bearer
                ? VertexSimWire.error(401, "Request had invalid authentication credentials. Expected OAuth 2 access "
                + "token, login cookie or other valid authentication credential. See "
                + "https://developers.google.com/identity/sign-in/web/devconsole-project.", "UNAUTHENTICATED",
                VertexSimWire.errorInfo("ACCESS_TOKEN_TYPE_UNSUPPORTED", VertexSimProtocol.VERTEX_SERVICE, rpc))
                : VertexSimWire.error(401, "Request is missing required authentication credential. Expected OAuth 2 "
                + "access token, login cookie or other valid authentication credential. See "
                + "https://developers.google.com/identity/sign-in/web/devconsole-project.", "UNAUTHENTICATED",
                VertexSimWire.errorInfo("CREDENTIALS_MISSING", VertexSimProtocol.VERTEX_SERVICE, rpc));
        // counted before the answer goes out, so that a client that has it can read the count
        runtime.countRefusedBeforeParsing(ctx, model);
        ctx.response().setStatusCode(401).putHeader("content-type", "application/json; charset=UTF-8")
                .putHeader("www-authenticate", "Bearer realm=\"https://accounts.google.com/\"")
                .end(SimRuntime.json(body));
        return false;
    }

    /** {@code POST /token}. */
    void token(RoutingContext ctx) {
        tokenRequests.incrementAndGet();
        Map<String, String> form = form(ctx.body().asString());
        String grantType = form.getOrDefault("grant_type", "");
        if (!grantType.equals(GRANT_TYPE)) {
            refuse(ctx, "unsupported_grant_type", "Invalid grant_type: " + grantType);
            return;
        }
        String refusal = verify(form.getOrDefault("assertion", ""));
        if (refusal != null) {
            int colon = refusal.indexOf(':');
            refuse(ctx, refusal.substring(0, colon), refusal.substring(colon + 1));
            return;
        }
        String token = "ya29.c." + SimText.base62(new java.util.SplittableRandom(random.nextLong()), 120);
        if (issued.size() >= MAX_TOKENS) {
            Instant now = Instant.now();
            issued.values().removeIf(expiry -> expiry.isBefore(now));
        }
        issued.put(token, Instant.now().plus(TOKEN_LIFETIME));
        tokensIssued.incrementAndGet();
        ObjectNode body = SimRuntime.JSON.createObjectNode();
        body.put("access_token", token);
        body.put("expires_in", TOKEN_LIFETIME.toSeconds());
        body.put("token_type", "Bearer");
        ctx.response().setStatusCode(200).putHeader("content-type", "application/json; charset=utf-8")
                .putHeader("cache-control", "no-cache, no-store, max-age=0, must-revalidate")
                .end(SimRuntime.json(body));
    }

    /** Null when the assertion is good, else {@code error:description} as Google words them. */
    String verify(String assertion) {
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3) {
            return "invalid_request:Invalid JWT: the assertion is not a signed JWT";
        }
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            header = SimRuntime.JSON.readTree(b64.decode(parts[0]));
            claims = SimRuntime.JSON.readTree(b64.decode(parts[1]));
            signature = b64.decode(parts[2]);
        } catch (Exception e) {
            return "invalid_request:Invalid JWT: the assertion cannot be decoded";
        }
        if (!header.path("alg").asText("").equals("RS256")) {
            return "invalid_grant:Invalid JWT Signature.";
        }
        SimServiceAccount account = accounts().get(claims.path("iss").asText(""));
        if (account == null) {
            return "invalid_grant:Invalid grant: account not found";
        }
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(account.publicKey());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(signature)) {
                return "invalid_grant:Invalid JWT Signature.";
            }
        } catch (GeneralSecurityException e) {
            return "invalid_grant:Invalid JWT Signature.";
        }
        long now = Instant.now().getEpochSecond();
        long iat = claims.path("iat").asLong(0);
        long exp = claims.path("exp").asLong(0);
        if (exp <= iat || exp - iat > MAX_ASSERTION_LIFETIME.toSeconds() || iat > now + SKEW.toSeconds()
                || exp < now - SKEW.toSeconds()) {
            return "invalid_grant:Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
                    + "timeframe. Check your iat and exp values in the JWT claim.";
        }
        if (!claims.path("aud").asText("").endsWith("/token")) {
            return "invalid_grant:Invalid JWT: Failed audience check. The right audience is the token endpoint";
        }
        if (claims.path("scope").asText("").isBlank() && claims.path("target_audience").asText("").isBlank()) {
            return "invalid_scope:Invalid OAuth scope or ID token audience provided.";
        }
        return null;
    }

    private static void refuse(RoutingContext ctx, String error, String description) {
        ObjectNode body = SimRuntime.JSON.createObjectNode();
        body.put("error", error);
        body.put("error_description", description);
        ctx.response().setStatusCode(400).putHeader("content-type", "application/json; charset=utf-8")
                .end(SimRuntime.json(body));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        if (body == null) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }
}
