package dev.switchboard.limits;

import io.vertx.core.Future;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per key in this replica's memory: a decision is a few arithmetic operations under the key's own lock,
 * never I/O, so it runs on the event loop. With several replicas each counts its own share (a key may get up to
 * replicas x its limit); the limit a caller sees in the headers is per replica. {@link RedisRateLimiter} shares the
 * buckets between replicas, and falls back to this one while Redis cannot be reached ({@link FailOpenRateLimiter}).
 */
public final class InMemoryRateLimiter implements RateLimiter {

    private final LimitsClock clock;
    private final ConcurrentHashMap<String, Buckets> byKey = new ConcurrentHashMap<>();

    /** A key's buckets for the limits they were made for; limits that change make new, full buckets. */
    private static final class Buckets {
        final Integer rpm;
        final Integer tpm;
        final TokenBucket requests;
        final TokenBucket tokens;

        Buckets(KeyLimits limits, long now) {
            this.rpm = limits.rpm();
            this.tpm = limits.tpm();
            this.requests = rpm == null ? null : new TokenBucket(rpm, now);
            this.tokens = tpm == null ? null : new TokenBucket(tpm, now);
        }

        boolean fits(KeyLimits limits) {
            return Objects.equals(rpm, limits.rpm()) && Objects.equals(tpm, limits.tpm());
        }
    }

    public InMemoryRateLimiter(LimitsClock clock) {
        this.clock = clock;
    }

    @Override
    public Future<Decision> reserve(String keyId, KeyLimits limits, long estimatedTokens) {
        long now = clock.millis();
        Buckets b = buckets(keyId, limits, now);
        synchronized (b) {
            Refusal refusal = null;
            long waitMs = 0;
            if (b.tokens != null && estimatedTokens > b.tokens.capacity()) {
                refusal = Refusal.TOO_LARGE;
            } else {
                long requestsWait = b.requests == null ? 0 : b.requests.millisUntil(1, now);
                long tokensWait = b.tokens == null ? 0 : b.tokens.millisUntil(estimatedTokens, now);
                if (requestsWait > 0) {
                    refusal = Refusal.REQUESTS;
                } else if (tokensWait > 0) {
                    refusal = Refusal.TOKENS;
                }
                waitMs = Math.max(requestsWait, tokensWait);
            }
            if (refusal == null) {
                if (b.requests != null) {
                    b.requests.take(1, now);
                }
                if (b.tokens != null) {
                    b.tokens.take(estimatedTokens, now);
                }
            }
            return Future.succeededFuture(Decision.of(refusal, waitMs, state(b, now)));
        }
    }

    @Override
    public Future<Void> settle(String keyId, KeyLimits limits, long reservedTokens, long usedTokens) {
        if (limits.tpm() == null || reservedTokens == usedTokens) {
            return Future.succeededFuture();
        }
        long now = clock.millis();
        Buckets b = buckets(keyId, limits, now);
        synchronized (b) {
            b.tokens.take(usedTokens - reservedTokens, now);
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<RateLimitState> peek(String keyId, KeyLimits limits) {
        long now = clock.millis();
        Buckets b = buckets(keyId, limits, now);
        synchronized (b) {
            return Future.succeededFuture(state(b, now));
        }
    }

    private Buckets buckets(String keyId, KeyLimits limits, long now) {
        Buckets b = byKey.get(keyId);
        if (b != null && b.fits(limits)) {
            return b;
        }
        return byKey.compute(keyId, (k, old) -> old != null && old.fits(limits) ? old : new Buckets(limits, now));
    }

    private static RateLimitState state(Buckets b, long now) {
        return new RateLimitState(b.rpm, b.requests == null ? 0 : b.requests.remaining(now),
                b.requests == null ? 0 : b.requests.millisUntilFull(now),
                b.tpm, b.tokens == null ? 0 : b.tokens.remaining(now),
                b.tokens == null ? 0 : b.tokens.millisUntilFull(now));
    }
}
