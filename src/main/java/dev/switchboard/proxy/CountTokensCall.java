package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyException;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.api.RoutingExtensions;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.TokenEstimate;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.routing.Candidate;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.RoutePlanner;
import dev.switchboard.usage.GatewayKey;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * {@code POST /v1/messages/count_tokens}: the Messages body without {@code max_tokens}, routed as a chat request
 * would be (model, {@code :provider} pin, provider order/only/ignore), and answered {@code {"input_tokens": N}}.
 * Endpoints whose provider counts (Anthropic, Claude on Vertex, Bedrock) are asked first, in plan order, trying
 * the next on any failure; with none that counts, or when every one failed, the answer is the gateway's own
 * estimate ({@link TokenEstimate}), flagged {@code "estimated": true} with its method and header
 * {@code x-switchboard-token-count: estimate}. A count is one request against the key's rate limit and reserves no
 * tokens; it is no generation (nothing is generated or billed), so it is not in the generation log, and it neither
 * samples nor moves an endpoint's health: a counting API's answers say little about its chat.
 */
final class CountTokensCall implements ProxyRoutes.BodyCall {

    static final String COUNT_HEADER = "x-switchboard-token-count";

    private final ProxyServices services;
    private final ClientDialect dialect;

    CountTokensCall(ProxyServices services, ClientDialect dialect) {
        this.services = services;
        this.dialect = dialect;
    }

    @Override
    public void handle(RoutingContext ctx, ObjectNode body, GatewayKey key, long receivedNanos) {
        ChatRequest chat = parse(body);
        RoutePlan plan = new RoutePlanner(services.catalog.current(), services.stats::forEndpoint, services.health)
                .plan(RoutingExtensions.parse(body), chat);
        Context context = Vertx.currentContext();
        KeyAdmission.admit(services, ctx, dialect, key, 0, KeyAdmission.answering(ctx, dialect, "a count_tokens call"),
                charge -> {
                    if (charge != null) {
                        // a count reserves nothing and costs nothing: settled at once, it has used its one request
                        services.limiter.settle(charge, null, null);
                    }
                    count(ctx, context, chat, plan);
                });
    }

    /**
     * The Messages parser checks messages, system, tools and thinking as for a real call; count_tokens has no
     * {@code max_tokens}, so the parser is given one it cannot refuse, and the request forgets it again.
     */
    private ChatRequest parse(ObjectNode body) {
        ObjectNode copy = body.deepCopy();
        if (copy.has("max_tokens")) {
            throw ProxyException.invalid("count_tokens takes no max_tokens; send the model, messages, system, "
                    + "tools, tool_choice and thinking of the Messages request to count.", "max_tokens");
        }
        copy.set("max_tokens", IntNode.valueOf(Integer.MAX_VALUE));
        copy.remove("stream");
        ProxyRequest parsed = dialect.parse(copy);
        ChatRequest c = parsed.chat();
        return new ChatRequest(c.model(), c.system(), c.messages(), c.tools(), c.toolChoice(), null, null, null,
                null, null, null, null, null, null, c.reasoning(), null, null);
    }

    private void count(RoutingContext ctx, Context context, ChatRequest chat, RoutePlan plan) {
        List<Candidate> counting = new ArrayList<>();
        for (Candidate candidate : plan.candidates()) {
            EndpointHealth.State state = services.health.state(candidate.endpoint().id());
            if (state == EndpointHealth.State.OPEN || state == EndpointHealth.State.COOLING_DOWN) {
                continue;
            }
            CatalogEndpoint endpoint = candidate.endpoint();
            if (services.adapters.supports(endpoint.provider().kind())
                    && services.adapters.forKind(endpoint.provider().kind()).countsTokens(target(endpoint))) {
                counting.add(candidate);
            }
        }
        new Attempts(ctx, RequestContexts.executor(context), chat, counting).next(0);
    }

    private UpstreamTarget target(CatalogEndpoint endpoint) {
        try {
            return services.target(endpoint);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Asks the counting candidates one after the other, on the request's context. */
    private final class Attempts {
        final RoutingContext ctx;
        final Executor onContext;
        final ChatRequest chat;
        final List<Candidate> candidates;
        final List<String> failures = new ArrayList<>();

        Attempts(RoutingContext ctx, Executor onContext, ChatRequest chat, List<Candidate> candidates) {
            this.ctx = ctx;
            this.onContext = onContext;
            this.chat = chat;
            this.candidates = candidates;
        }

        void next(int index) {
            if (ctx.response().closed()) {
                return;
            }
            if (index >= candidates.size()) {
                estimate();
                return;
            }
            CatalogEndpoint endpoint = candidates.get(index).endpoint();
            ProviderAdapter adapter = services.adapters.forKind(endpoint.provider().kind());
            UpstreamTarget target = target(endpoint);
            if (target == null) {
                failures.add(endpoint.provider().slug() + ": the gateway has no way to call it");
                next(index + 1);
                return;
            }
            ProxyConfig config = services.config;
            // counting is quick where it exists: the first-token limit bounds the whole call
            CallOptions options = new CallOptions(config.connectTimeout(), config.firstTokenTimeout(),
                    config.idleTimeout(), config.firstTokenTimeout());
            adapter.countTokens(target, chat.withModel(endpoint.upstreamId()), options).emitOn(onContext).subscribe()
                    .with(tokens -> answer(endpoint, tokens), failure -> {
                        UpstreamError error = failure instanceof UpstreamError e ? e : UpstreamHttp.classify(failure);
                        failures.add(endpoint.provider().slug() + ": " + error.getMessage());
                        next(index + 1);
                    });
        }

        void answer(CatalogEndpoint endpoint, int tokens) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("input_tokens", tokens);
            body.put("provider", endpoint.provider().slug());
            HttpServerResponse response = ctx.response();
            response.putHeader(COUNT_HEADER, "provider");
            response.putHeader("x-switchboard-provider", endpoint.provider().slug());
            response.putHeader("x-switchboard-model", endpoint.modelSlug());
            send(body);
        }

        void estimate() {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("input_tokens", TokenEstimate.of(chat));
            body.put("estimated", true);
            body.put("method", TokenEstimate.METHOD);
            if (!failures.isEmpty()) {
                body.put("note", "No provider count: " + String.join("; ", failures));
            }
            ctx.response().putHeader(COUNT_HEADER, "estimate");
            send(body);
        }

        void send(ObjectNode body) {
            HttpServerResponse response = ctx.response();
            if (response.ended() || response.closed()) {
                return;
            }
            response.setStatusCode(200).putHeader("content-type", "application/json")
                    .end(Buffer.buffer(body.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }
}
