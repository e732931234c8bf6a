package dev.switchboard.limits;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link RateLimiter} does, over a clock the test moves: refill, refusal and its wait, settling, limit
 * changes. Each implementation's test extends it with {@link #limiter()} over {@link #clock}.
 */
abstract class RateLimiterContract {

    protected final ManualLimitsClock clock = new ManualLimitsClock();

    RateLimiterContract() {
        clock.freezeAt(Instant.parse("2026-12-07T10:00:00Z"));
    }

    /** The limiter under test, counting time by {@link #clock}. */
    protected abstract RateLimiter limiter();

    /** A key id of this test's own, so that runs (and implementations sharing a store) never meet. */
    protected String key(String name) {
        return name;
    }

    protected static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the limiter did not answer: " + e, e);
        }
    }

    protected RateLimiter.Decision reserve(String key, KeyLimits limits, long tokens) {
        return await(limiter().reserve(key, limits, tokens));
    }

    protected RateLimitState peek(String key, KeyLimits limits) {
        return await(limiter().peek(key, limits));
    }

    protected void settle(String key, KeyLimits limits, long reserved, long used) {
        await(limiter().settle(key, limits, reserved, used));
    }

    @Test
    void requestsPerMinuteRefuseTheNextCallAndSayHowLongToWait() {
        String k = key("k");
        KeyLimits limits = new KeyLimits(2, null, null, null);
        assertThat(reserve(k, limits, 10).allowed()).isTrue();
        RateLimiter.Decision second = reserve(k, limits, 10);
        assertThat(second.allowed()).isTrue();
        assertThat(second.state().requestsRemaining()).isZero();
        assertThat(second.state().requestsResetMs()).isEqualTo(60_000);

        RateLimiter.Decision third = reserve(k, limits, 10);
        assertThat(third.refusal()).isEqualTo(RateLimiter.Refusal.REQUESTS);
        // 2 per minute: one request refills in 30 s
        assertThat(third.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(third.state().tokensLimit()).isNull();

        clock.advance(Duration.ofMillis(29_999));
        assertThat(reserve(k, limits, 10).allowed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(reserve(k, limits, 10).allowed()).isTrue();
        assertThat(reserve(k, limits, 10).allowed()).isFalse();
    }

    @Test
    void aRefusedCallTakesNothing() {
        String k = key("k");
        KeyLimits limits = new KeyLimits(10, 100, null, null);
        assertThat(reserve(k, limits, 80).allowed()).isTrue();
        RateLimiter.Decision refused = reserve(k, limits, 50);
        assertThat(refused.refusal()).isEqualTo(RateLimiter.Refusal.TOKENS);
        // 30 tokens missing at 100 per minute: 18 s
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(18));
        assertThat(refused.state().requestsRemaining()).isEqualTo(9);
        assertThat(refused.state().tokensRemaining()).isEqualTo(20);
        assertThat(reserve(k, limits, 20).allowed()).isTrue();
    }

    @Test
    void settlingGivesBackWhatACallDidNotUseAndChargesWhatItUsedBeyond() {
        String k = key("k");
        KeyLimits limits = new KeyLimits(null, 1000, null, null);
        assertThat(reserve(k, limits, 900).state().tokensRemaining()).isEqualTo(100);
        settle(k, limits, 900, 150);
        assertThat(peek(k, limits).tokensRemaining()).isEqualTo(850);
        settle(k, limits, 0, 1200);
        // in debt: nothing left until the refill has paid for the 350 over
        assertThat(peek(k, limits).tokensRemaining()).isZero();
        RateLimiter.Decision refused = reserve(k, limits, 1);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis((351 * 60_000 + 999) / 1000));
        // returning more than was taken never fills the bucket past its capacity
        settle(k, limits, 5000, 0);
        assertThat(peek(k, limits).tokensRemaining()).isEqualTo(1000);
    }

    @Test
    void anEstimateAboveTheLimitIsRefusedWithoutAWaitThatCouldNeverEnd() {
        RateLimiter.Decision refused = reserve(key("k"), new KeyLimits(null, 100, null, null), 101);
        assertThat(refused.refusal()).isEqualTo(RateLimiter.Refusal.TOO_LARGE);
        assertThat(refused.retryAfter()).isNull();
        assertThat(refused.state().tokensRemaining()).isEqualTo(100);
    }

    @Test
    void keysHaveBucketsOfTheirOwnAndNewLimitsStartFull() {
        String a = key("a");
        KeyLimits one = new KeyLimits(1, null, null, null);
        assertThat(reserve(a, one, 1).allowed()).isTrue();
        assertThat(reserve(a, one, 1).allowed()).isFalse();
        assertThat(reserve(key("b"), one, 1).allowed()).isTrue();
        KeyLimits more = new KeyLimits(5, null, BigDecimal.ONE, null);
        RateLimiter.Decision raised = reserve(a, more, 1);
        assertThat(raised.allowed()).isTrue();
        assertThat(raised.state().requestsLimit()).isEqualTo(5);
        assertThat(raised.state().requestsRemaining()).isEqualTo(4);
    }

    @Test
    void theBucketRefillsContinuouslyAndResetIsTheTimeUntilFull() {
        String k = key("k");
        KeyLimits limits = new KeyLimits(60, 600, null, null);
        for (int i = 0; i < 60; i++) {
            assertThat(reserve(k, limits, 10).allowed()).isTrue();
        }
        RateLimitState empty = peek(k, limits);
        assertThat(empty.requestsRemaining()).isZero();
        assertThat(empty.tokensResetMs()).isEqualTo(60_000);
        clock.advance(Duration.ofSeconds(15));
        RateLimitState quarter = peek(k, limits);
        assertThat(quarter.requestsRemaining()).isEqualTo(15);
        assertThat(quarter.tokensRemaining()).isEqualTo(150);
        assertThat(quarter.requestsResetMs()).isEqualTo(45_000);
        clock.advance(Duration.ofMinutes(5));
        assertThat(peek(k, limits).requestsRemaining()).isEqualTo(60);
    }
}
