package dev.switchboard.limits;

/**
 * Where a key stands against its per-minute limits after a decision, for the rate-limit headers. A limit of null
 * means the key has none of that kind (its headers are left out).
 *
 * @param requestsResetMs milliseconds until the requests bucket is full again
 * @param tokensResetMs   milliseconds until the tokens bucket is full again
 */
public record RateLimitState(Integer requestsLimit, long requestsRemaining, long requestsResetMs,
                             Integer tokensLimit, long tokensRemaining, long tokensResetMs) {
}
