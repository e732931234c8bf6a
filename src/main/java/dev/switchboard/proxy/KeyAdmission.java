package dev.switchboard.proxy;

import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.limits.KeyLimiter;
import dev.switchboard.limits.RateLimitHeaders;
import dev.switchboard.limits.RateLimitState;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.usage.GatewayKey;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Admits a proxy call (chat, count_tokens, embeddings) against its key's limits before it runs. A key without limits
 * goes on at once; otherwise the limiter is asked (a shared one answers from Redis) and the call goes on back on the
 * request's event loop, with the key's rate-limit headers set in the caller's dialect before anything is written, so
 * every answer carries them: the call's own, a refusal (429 with retry-after, or the budget's), an error, a stream.
 */
final class KeyAdmission {

    /** How a call answers when it may not run; chat tells its observers, the other calls only answer. */
    interface Refusals {
        void refused(ProxyError error, Duration retryAfter);

        /** The limiter itself failed: the call cannot know whether it may run. */
        void limiterFailed(Throwable cause);
    }

    private KeyAdmission() {
    }

    /**
     * Calls {@code admitted} with the call's charge (null for a key without limits), or answers through
     * {@code refusals}. A caller that left while the limits were checked gets nothing, and its charge is given back.
     */
    static void admit(ProxyServices services, RoutingContext ctx, ClientDialect dialect, GatewayKey key,
                      long estimatedTokens, Refusals refusals, Consumer<KeyLimiter.Charge> admitted) {
        if (key == null || !key.limits().any()) {
            admitted.accept(null);
            return;
        }
        Executor onContext = RequestContexts.executor(Vertx.currentContext());
        services.limiter.admit(key.id(), key.limits(), estimatedTokens)
                .onComplete(admission -> onContext.execute(() -> {
                    if (admission.failed()) {
                        refusals.limiterFailed(admission.cause());
                        return;
                    }
                    HttpServerResponse response = ctx.response();
                    KeyLimiter.Admission result = admission.result();
                    if (response.closed()) {
                        if (result instanceof KeyLimiter.Admitted a) {
                            services.limiter.settle(a.charge(), null, null);
                        }
                        return;
                    }
                    rateLimitHeaders(services, response, dialect, result.state());
                    if (result instanceof KeyLimiter.Refused refused) {
                        refusals.refused(refused.error(), refused.retryAfter());
                        return;
                    }
                    admitted.accept(((KeyLimiter.Admitted) result).charge());
                }));
    }

    /** Refusals for a call that has no observers to tell: the error in the dialect, a limiter failure a 500. */
    static Refusals answering(RoutingContext ctx, ClientDialect dialect, String call) {
        return new Refusals() {
            @Override
            public void refused(ProxyError error, Duration retryAfter) {
                ProxyResponses.error(ctx.response(), dialect, error, retryAfter, null);
            }

            @Override
            public void limiterFailed(Throwable cause) {
                Log.warnf("The limiter failed on %s: %s", call, cause.getMessage());
                ProxyResponses.error(ctx.response(), dialect, new ProxyError(ProxyErrorType.INTERNAL, "The gateway "
                        + "could not check this key's limits; a retry may help.", null, null), null, null);
            }
        };
    }

    private static void rateLimitHeaders(ProxyServices services, HttpServerResponse response, ClientDialect dialect,
                                         RateLimitState state) {
        if (state == null) {
            return;
        }
        Map<String, String> headers = dialect.nativeKind() == ProviderKind.ANTHROPIC
                ? RateLimitHeaders.anthropic(state, services.limitsClock.now()) : RateLimitHeaders.openAi(state);
        headers.forEach(response::putHeader);
    }
}
