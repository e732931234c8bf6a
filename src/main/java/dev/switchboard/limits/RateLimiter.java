package dev.switchboard.limits;

import java.time.Duration;

/**
 * Per-key requests-per-minute and tokens-per-minute limits. Tokens are reserved up front from the request's estimate
 * and settled with what the call really used.
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
    }

    /** Takes one request and {@code estimatedTokens} from the key's buckets, or refuses without taking anything. */
    Decision reserve(String keyId, KeyLimits limits, long estimatedTokens);

    /** Corrects a reservation with the tokens the call used (more or fewer than estimated). */
    void settle(String keyId, KeyLimits limits, long reservedTokens, long usedTokens);
}
