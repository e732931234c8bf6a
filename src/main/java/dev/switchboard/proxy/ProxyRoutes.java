package dev.switchboard.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.HedgeRequest;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.ProxyException;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.api.RoutingExtensions;
import dev.switchboard.api.anthropic.AnthropicClientDialect;
import dev.switchboard.api.openai.OpenAiClientDialect;
import dev.switchboard.api.openai.OpenAiModelList;
import dev.switchboard.api.responses.ResponsesClientDialect;
import dev.switchboard.limits.KeyLimiter;
import dev.switchboard.observe.CallerTrace;
import dev.switchboard.observe.ProxyObservers;
import dev.switchboard.observe.RequestStarted;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.RoutePlanner;
import dev.switchboard.usage.AuthResult;
import dev.switchboard.usage.GatewayKey;
import dev.switchboard.usage.GatewayKeys;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;

/**
 * The proxy's HTTP face: plain Vert.x routes on the event loop (the portal and JSON API stay on Quarkus REST), so a
 * request is read, checked, planned and sent upstream without a worker thread or a reflective layer in between.
 * {@code /api/v1/...} aliases serve clients configured with an OpenRouter-style base URL.
 */
@ApplicationScoped
public class ProxyRoutes {

    /** Refuses duplicate keys (which value wins differs between parsers) and bounds nesting: see parseJson. */
    private ObjectMapper json;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.Base64.Encoder ID_ENCODER = java.util.Base64.getUrlEncoder().withoutPadding();

    @Inject
    ProxyServices services;

    @Inject
    GatewayKeys keys;

    @Inject
    ProxyDrain drain;

    @Inject
    ProxyWarmup warmup;

    private final ClientDialect openAi = new OpenAiClientDialect();
    private final ClientDialect anthropic = new AnthropicClientDialect();
    private BodyCall countTokens;
    private BodyCall embeddings;

    /** A proxy call other than chat (count_tokens, embeddings): its parsed body, after the key and the size checks. */
    interface BodyCall {
        /** Throws {@link ProxyException} for bad input before anything is sent. */
        void handle(RoutingContext ctx, ObjectNode body, GatewayKey key, long receivedNanos);
    }
    private final ClientDialect responses = new ResponsesClientDialect();

    void routes(@Observes Router router) {
        JsonFactory factory = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(services.config.maxJsonDepth()).build())
                .build();
        json = new ObjectMapper(factory);
        countTokens = new CountTokensCall(services, anthropic);
        embeddings = new EmbeddingsCall(services, openAi);
        for (String base : new String[] {"/v1", "/api/v1"}) {
            router.post(base + "/chat/completions").handler(ctx -> accept(ctx, openAi, null));
            router.post(base + "/messages").handler(ctx -> accept(ctx, anthropic, null));
            router.post(base + "/messages/count_tokens").handler(ctx -> accept(ctx, anthropic, countTokens));
            router.route(base + "/messages/count_tokens").handler(ctx -> wrongMethod(ctx, anthropic));
            router.route(base + "/chat/completions").handler(ctx -> wrongMethod(ctx, openAi));
            router.route(base + "/messages").handler(ctx -> wrongMethod(ctx, anthropic));
            router.post(base + "/responses").handler(ctx -> accept(ctx, responses, null));
            router.route(base + "/responses").handler(ctx -> wrongMethod(ctx, responses));
            router.post(base + "/embeddings").handler(ctx -> accept(ctx, openAi, embeddings));
            router.route(base + "/embeddings").handler(ctx -> wrongMethod(ctx, openAi));
        }
        router.get("/v1/models").handler(this::models);
    }

    private void models(RoutingContext ctx) {
        ctx.response().putHeader("content-type", "application/json")
                .end(Buffer.buffer(OpenAiModelList.encode(services.catalog.current())));
    }

    private void wrongMethod(RoutingContext ctx, ClientDialect dialect) {
        ctx.response().setStatusCode(405).putHeader("allow", "POST").putHeader("content-type", "application/json")
                .end(Buffer.buffer(dialect.encodeError(new ProxyError(ProxyErrorType.INVALID_REQUEST,
                        ctx.request().method() + " is not supported here; send a POST with a JSON body.", null,
                        "method_not_allowed"))));
    }

    /** Checks the key from the headers alone, then reads the body up to the limit. */
    private void accept(RoutingContext ctx, ClientDialect dialect, BodyCall call) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        if (!drain.enter()) {
            request.pause();
            if (request.version() != HttpVersion.HTTP_2) {
                // the caller's next call should open a connection elsewhere; HTTP/2 forbids the header
                response.putHeader("connection", "close");
            }
            refuse(ctx, dialect, null, null, System.nanoTime(), new ProxyError(ProxyErrorType.UNAVAILABLE,
                    "This gateway instance is shutting down and takes no new calls; retry, another instance will "
                    + "serve it.", null, "shutting_down"), Duration.ofSeconds(1));
            return;
        }
        ctx.addEndHandler(v -> drain.leave());
        String presented = GatewayKeys.presentedKey(request.getHeader("authorization"),
                request.getHeader("x-api-key"));
        // only chat calls warm up: count_tokens with the warm-up key is an unknown key like any other
        ProxyWarmup.Run warm = call == null ? warmup.runFor(presented) : null;
        AuthResult auth = warm != null ? new AuthResult.Allowed(null) : keys.authenticate(presented);
        if (auth instanceof AuthResult.Denied denied) {
            request.pause();
            refuse(ctx, dialect, null, null, System.nanoTime(), new ProxyError(ProxyErrorType.AUTHENTICATION,
                    denied.message(), null, "invalid_api_key"), null);
            return;
        }
        GatewayKey key = auth instanceof AuthResult.Allowed allowed ? allowed.key() : null;
        long limit = services.config.maxBodyBytes();
        String declared = request.getHeader("content-length");
        if (declared != null && parseLong(declared) > limit) {
            tooLarge(ctx, dialect, key, limit);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        request.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if ((long) body.length() + chunk.length() > limit) {
                over[0] = true;
                tooLarge(ctx, dialect, key, limit);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> Log.debugf("Reading a proxy request failed: %s", e.getMessage()));
        request.endHandler(v -> {
            if (over[0]) {
                return;
            }
            if (call == null) {
                handle(ctx, dialect, body, key, warm);
            } else {
                handle(ctx, dialect, body, key, call);
            }
        });
        request.resume();
    }

    /** {@code warm} is null but for the warm-up's own calls, which are planned and served apart from the rest. */
    private void handle(RoutingContext ctx, ClientDialect dialect, Buffer bytes, GatewayKey key,
                        ProxyWarmup.Run warm) {
        long receivedNanos = System.nanoTime();
        ProxyServices services = warm == null ? this.services : warm.services();
        ProxyRequest request = null;
        try {
            ObjectNode body = parseJson(bytes);
            JsonNode messages = body.get(dialect.messagesField());
            if (messages != null && messages.isArray() && messages.size() > services.config.maxMessages()) {
                throw ProxyException.invalid("The request has " + messages.size() + " messages; this gateway takes "
                        + "at most " + services.config.maxMessages() + " (switchboard.proxy.max-messages).",
                        dialect.messagesField());
            }
            request = dialect.parse(body).withRouting(RoutingExtensions.parse(body))
                    .withHedge(HedgeRequest.parse(body, ctx.request().getHeader(HedgeRequest.NO_HEDGE_HEADER)));
            ProxyRequest parsed = request;
            RoutePlan plan = new RoutePlanner(warm == null ? services.catalog.current() : warm.catalog(),
                    services.stats::forEndpoint,
                    services.health).plan(request.routing(), request.chat(), services.sticky.lookup(
                    key == null ? null : key.id(), request.routing(), request.chat(),
                    ctx.request().getHeader("x-session-id")));
            Context context = Vertx.currentContext();
            KeyAdmission.admit(services, ctx, dialect, key,
                    services.limiter.estimate(bytes.length(), request.chat().maxTokens()), new KeyAdmission.Refusals() {
                        @Override
                        public void refused(ProxyError error, Duration retryAfter) {
                            refuse(ctx, dialect, parsed, key, receivedNanos, error, retryAfter);
                        }

                        @Override
                        public void limiterFailed(Throwable cause) {
                            failed(ctx, dialect, parsed, key, receivedNanos, cause);
                        }
                    }, charge -> {
                        try {
                            start(ctx, context, services, dialect, parsed, plan, key, charge, receivedNanos);
                        } catch (RuntimeException e) {
                            failed(ctx, dialect, parsed, key, receivedNanos, e);
                        }
                    });
        } catch (ProxyException e) {
            refuse(ctx, dialect, request, key, receivedNanos, e.error(), null);
        } catch (RuntimeException e) {
            failed(ctx, dialect, request, key, receivedNanos, e);
        }
    }

    private void handle(RoutingContext ctx, ClientDialect dialect, Buffer bytes, GatewayKey key, BodyCall call) {
        long receivedNanos = System.nanoTime();
        try {
            call.handle(ctx, parseJson(bytes), key, receivedNanos);
        } catch (ProxyException e) {
            refuse(ctx, dialect, null, key, receivedNanos, e.error(), null);
        } catch (RuntimeException e) {
            failed(ctx, dialect, null, key, receivedNanos, e);
        }
    }

    private void start(RoutingContext ctx, Context context, ProxyServices services, ClientDialect dialect,
                       ProxyRequest request, RoutePlan plan, GatewayKey key, KeyLimiter.Charge charge,
                       long receivedNanos) {
        ProxyExchange exchange = new ProxyExchange(ctx.response(), context, dialect.forRequest(request), request,
                plan, key == null ? null : key.id(), charge, generationId(), services, receivedNanos,
                callerTrace(ctx));
        drain.track(exchange);
        ctx.addEndHandler(v -> drain.untrack(exchange));
        exchange.start();
    }

    /** Only the trace headers, read only when someone observes: the others may hold credentials. */
    private CallerTrace callerTrace(RoutingContext ctx) {
        return callerTrace(services.observers, ctx);
    }

    static CallerTrace callerTrace(ProxyObservers observers, RoutingContext ctx) {
        if (!observers.any()) {
            return CallerTrace.NONE;
        }
        HttpServerRequest request = ctx.request();
        String traceparent = request.getHeader("traceparent");
        return traceparent == null ? CallerTrace.NONE : new CallerTrace(traceparent, request.getHeader("tracestate"));
    }

    private void failed(RoutingContext ctx, ClientDialect dialect, ProxyRequest request, GatewayKey key,
                        long receivedNanos, Throwable e) {
        // one line at ERROR (no stack trace in the log); the stack for whoever turns this logger to DEBUG
        String incident = generationId().substring(4, 12);
        Log.errorf("The proxy failed on a request (incident %s): %s", incident, e);
        Log.debugf(e, "Incident %s", incident);
        refuse(ctx, dialect, request, key, receivedNanos, new ProxyError(ProxyErrorType.INTERNAL,
                "The gateway failed on this request (incident " + incident + "); a retry may help.", null,
                null), null);
    }

    /**
     * Answers with an error before any upstream attempt, and tells the observers. {@code request} and {@code key} are
     * null when the refusal came before they were known.
     */
    private void refuse(RoutingContext ctx, ClientDialect dialect, ProxyRequest request, GatewayKey key,
                        long startNanos, ProxyError error, Duration retryAfter) {
        ProxyResponses.error(ctx.response(), dialect, error, retryAfter, null);
        ProxyObservers observers = services.observers;
        if (observers.any()) {
            String model = request == null ? null : request.routing().model();
            observers.refused(new RequestStarted(null, dialect.protocol(), request != null && request.stream(), model,
                    ProxyObservers.catalogModel(services.catalog.current(), model), key == null ? null : key.id(),
                    startNanos, System.currentTimeMillis(), request == null ? null : request.chat(),
                    callerTrace(ctx)), error);
        }
    }

    private ObjectNode parseJson(Buffer bytes) {
        if (bytes.length() == 0) {
            throw ProxyException.invalid("The request has no body; send a JSON object.", null);
        }
        JsonNode node;
        try {
            node = json.readTree(bytes.getBytes());
        } catch (StreamConstraintsException e) {
            throw ProxyException.invalid(e.getOriginalMessage().contains("nesting depth")
                    ? "The body nests arrays and objects deeper than " + services.config.maxJsonDepth()
                    + " levels (switchboard.proxy.max-json-depth)." : "The body is too large to read as JSON: "
                    + e.getOriginalMessage(), null);
        } catch (JsonProcessingException e) {
            if (e.getOriginalMessage().startsWith("Duplicate field")) {
                throw ProxyException.invalid("The body is not accepted: " + e.getOriginalMessage()
                        .replace("Duplicate field", "the key") + " appears twice in one object, and this gateway "
                        + "refuses duplicate keys rather than guess which value you meant.", null);
            }
            throw ProxyException.invalid("The body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"), null);
        } catch (java.io.IOException e) {
            throw ProxyException.invalid("The body could not be read as JSON.", null);
        }
        if (node == null || !node.isObject()) {
            throw ProxyException.invalid("The body must be a JSON object, not "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT)) + ".", null);
        }
        return (ObjectNode) node;
    }

    /** The rest of the body, if any, is read and dropped: refusing it by closing would break HTTP/2 callers. */
    private void tooLarge(RoutingContext ctx, ClientDialect dialect, GatewayKey key, long limit) {
        refuse(ctx, dialect, null, key, System.nanoTime(), new ProxyError(ProxyErrorType.REQUEST_TOO_LARGE,
                "The request body is larger than this gateway accepts (" + limit + " bytes; "
                        + "switchboard.proxy.max-body-bytes).", null, "request_too_large"), null);
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code gen-} and 24 URL-safe random characters (144 bits): unguessable, as an id lets its key read it. */
    static String generationId() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return "gen-" + ID_ENCODER.encodeToString(bytes);
    }

}
