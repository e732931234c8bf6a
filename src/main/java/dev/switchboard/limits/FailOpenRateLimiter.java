package dev.switchboard.limits;

import io.quarkus.logging.Log;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The shared limiter while it answers, this replica's own while it does not: a gateway keeps serving when Redis is
 * down (fail open) rather than refusing every limited key. Each replica then limits keys in its own memory, so a key
 * may get up to replicas x its limit until Redis is back. After a failure Redis is left alone for
 * {@code retryInterval} (no call waits on a dead server's timeout meanwhile), then the next call tries it again.
 * One warning when it goes, one line when it is back; {@link #fallbacks()} counts the decisions made locally.
 *
 * <p>A call reserved in memory during an outage and settled in Redis after it (or the other way round) corrects the
 * wrong bucket by its difference: bounded by the bucket's capacity and gone within a minute, not worth tracking.
 */
public final class FailOpenRateLimiter implements RateLimiter {

    private final RateLimiter shared;
    private final RateLimiter local;
    private final long retryNanos;
    private final String sharedName;
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile long retryAtNanos;
    private final AtomicLong fallbacks = new AtomicLong();

    /** @param sharedName how the log names the shared store (never with credentials) */
    public FailOpenRateLimiter(RateLimiter shared, RateLimiter local, Duration retryInterval, String sharedName) {
        this.shared = shared;
        this.local = local;
        this.retryNanos = retryInterval.toNanos();
        this.sharedName = sharedName;
    }

    @Override
    public Future<Decision> reserve(String keyId, KeyLimits limits, long estimatedTokens) {
        return either(() -> shared.reserve(keyId, limits, estimatedTokens),
                () -> local.reserve(keyId, limits, estimatedTokens));
    }

    @Override
    public Future<Void> settle(String keyId, KeyLimits limits, long reservedTokens, long usedTokens) {
        return either(() -> shared.settle(keyId, limits, reservedTokens, usedTokens),
                () -> local.settle(keyId, limits, reservedTokens, usedTokens));
    }

    @Override
    public Future<RateLimitState> peek(String keyId, KeyLimits limits) {
        return either(() -> shared.peek(keyId, limits), () -> local.peek(keyId, limits));
    }

    /** Decisions (and settlements) made in this replica's memory because the shared store did not answer. */
    public long fallbacks() {
        return fallbacks.get();
    }

    /** Whether the shared store is taken as unreachable now. */
    public boolean sharedDown() {
        return down.get();
    }

    private <T> Future<T> either(Supplier<Future<T>> onShared, Supplier<Future<T>> onLocal) {
        if (down.get() && System.nanoTime() - retryAtNanos < 0) {
            fallbacks.incrementAndGet();
            return onLocal.get();
        }
        Future<T> answer;
        try {
            answer = onShared.get();
        } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
        }
        return answer.transform(result -> {
            if (answered(result)) {
                return Future.succeededFuture(result.result());
            }
            fallbacks.incrementAndGet();
            return onLocal.get();
        });
    }

    /**
     * Takes note of an answer of the shared store that no call waits for (a start-up check): a failure makes calls
     * go to memory at once instead of each waiting for the timeout first.
     */
    public Future<Void> observe(Future<?> sharedAnswer) {
        return sharedAnswer.transform(result -> {
            answered(result);
            return Future.succeededFuture();
        });
    }

    /** Whether the shared store answered; keeps the up/down state and its log lines. */
    private boolean answered(AsyncResult<?> result) {
        if (result.succeeded()) {
            if (down.compareAndSet(true, false)) {
                Log.infof("Shared rate limits: %s answers again; per-key limits are shared by all replicas again.",
                        sharedName);
            }
            return true;
        }
        retryAtNanos = System.nanoTime() + retryNanos;
        if (down.compareAndSet(false, true)) {
            Log.warnf("Shared rate limits: %s does not answer (%s); each replica limits keys in its own memory "
                    + "until it does (a key may get up to replicas x its limit), retrying every %d s.", sharedName,
                    reason(result.cause()), Math.max(1, retryNanos / 1_000_000_000L));
        }
        return false;
    }

    private static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
