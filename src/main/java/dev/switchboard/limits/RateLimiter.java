package dev.switchboard.limits;

import io.vertx.core.Future;

import java.time.Duration;

/**
 * Per-key requests-per-minute and tokens-per-minute limits. Tokens are reserved up front from the request's estimate
 * and settled with what the call really used. Answers are futures because a shared limiter asks Redis: the proxy
 * calls it on the event loop and must not block there ({@link InMemoryRateLimiter} answers at once).
 */
public interface RateLimiter {

    enum Refusal {
        /** No request left this minute. */
        REQUESTS,
        /** Not enough tokens left this minute for the request's estimate. */
        TOKENS,
        /** The estimate alone is above the key's tokens-per-minute limit: waiting does not help. */
        TOO_LARGE
    }

    /**
     * The answer to a request: allowed (refusal null, the request and its tokens taken), or refused and how long to
     * wait; {@code state} as the headers report it either way.
     */
    record Decision(Refusal refusal, Duration retryAfter, RateLimitState state) {
        public boolean allowed() {
            return refusal == null;
        }

        /** A decision from the buckets' figures, the same for every implementation. */
        static Decision of(Refusal refusal, long waitMs, RateLimitState state) {
            return new Decision(refusal, refusal == null || refusal == Refusal.TOO_LARGE ? null
                    : Duration.ofMillis(waitMs), state);
        }
    }

    /** Takes one request and {@code estimatedTokens} from the key's buckets, or refuses without taking anything. */
    Future<Decision> reserve(String keyId, KeyLimits limits, long estimatedTokens);

    /** Corrects a reservation with the tokens the call used (more or fewer than estimated). */
    Future<Void> settle(String keyId, KeyLimits limits, long reservedTokens, long usedTokens);

    /** The key's state without taking anything, as the admin sees it. */
    Future<RateLimitState> peek(String keyId, KeyLimits limits);
}
