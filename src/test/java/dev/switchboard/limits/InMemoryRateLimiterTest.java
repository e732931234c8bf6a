package dev.switchboard.limits;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Token buckets per key over a clock the test moves: refill, refusal and its wait, settling, limit changes. */
class InMemoryRateLimiterTest {

    private final ManualLimitsClock clock = new ManualLimitsClock();
    private final InMemoryRateLimiter limiter = new InMemoryRateLimiter(clock);

    InMemoryRateLimiterTest() {
        clock.freezeAt(Instant.parse("2026-12-07T10:00:00Z"));
    }

    @Test
    void requestsPerMinuteRefuseTheNextCallAndSayHowLongToWait() {
        KeyLimits limits = new KeyLimits(2, null, null, null);
        assertThat(limiter.reserve("k", limits, 10).allowed()).isTrue();
        RateLimiter.Decision second = limiter.reserve("k", limits, 10);
        assertThat(second.allowed()).isTrue();
        assertThat(second.state().requestsRemaining()).isZero();
        assertThat(second.state().requestsResetMs()).isEqualTo(60_000);

        RateLimiter.Decision third = limiter.reserve("k", limits, 10);
        assertThat(third.refusal()).isEqualTo(RateLimiter.Refusal.REQUESTS);
        // 2 per minute: one request refills in 30 s
        assertThat(third.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(third.state().tokensLimit()).isNull();

        clock.advance(Duration.ofMillis(29_999));
        assertThat(limiter.reserve("k", limits, 10).allowed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.reserve("k", limits, 10).allowed()).isTrue();
        assertThat(limiter.reserve("k", limits, 10).allowed()).isFalse();
    }

    @Test
    void aRefusedCallTakesNothing() {
        KeyLimits limits = new KeyLimits(10, 100, null, null);
        assertThat(limiter.reserve("k", limits, 80).allowed()).isTrue();
        RateLimiter.Decision refused = limiter.reserve("k", limits, 50);
        assertThat(refused.refusal()).isEqualTo(RateLimiter.Refusal.TOKENS);
        // 30 tokens missing at 100 per minute: 18 s
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(18));
        assertThat(refused.state().requestsRemaining()).isEqualTo(9);
        assertThat(refused.state().tokensRemaining()).isEqualTo(20);
        assertThat(limiter.reserve("k", limits, 20).allowed()).isTrue();
    }

    @Test
    void settlingGivesBackWhatACallDidNotUseAndChargesWhatItUsedBeyond() {
        KeyLimits limits = new KeyLimits(null, 1000, null, null);
        assertThat(limiter.reserve("k", limits, 900).state().tokensRemaining()).isEqualTo(100);
        limiter.settle("k", limits, 900, 150);
        assertThat(limiter.peek("k", limits).tokensRemaining()).isEqualTo(850);
        limiter.settle("k", limits, 0, 1200);
        // in debt: nothing left until the refill has paid for the 350 over
        assertThat(limiter.peek("k", limits).tokensRemaining()).isZero();
        RateLimiter.Decision refused = limiter.reserve("k", limits, 1);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis((351 * 60_000 + 999) / 1000));
        // returning more than was taken never fills the bucket past its capacity
        limiter.settle("k", limits, 5000, 0);
        assertThat(limiter.peek("k", limits).tokensRemaining()).isEqualTo(1000);
    }

    @Test
    void anEstimateAboveTheLimitIsRefusedWithoutAWaitThatCouldNeverEnd() {
        RateLimiter.Decision refused = limiter.reserve("k", new KeyLimits(null, 100, null, null), 101);
        assertThat(refused.refusal()).isEqualTo(RateLimiter.Refusal.TOO_LARGE);
        assertThat(refused.retryAfter()).isNull();
        assertThat(refused.state().tokensRemaining()).isEqualTo(100);
    }

    @Test
    void keysHaveBucketsOfTheirOwnAndNewLimitsStartFull() {
        KeyLimits one = new KeyLimits(1, null, null, null);
        assertThat(limiter.reserve("a", one, 1).allowed()).isTrue();
        assertThat(limiter.reserve("a", one, 1).allowed()).isFalse();
        assertThat(limiter.reserve("b", one, 1).allowed()).isTrue();
        KeyLimits more = new KeyLimits(5, null, BigDecimal.ONE, null);
        RateLimiter.Decision raised = limiter.reserve("a", more, 1);
        assertThat(raised.allowed()).isTrue();
        assertThat(raised.state().requestsLimit()).isEqualTo(5);
        assertThat(raised.state().requestsRemaining()).isEqualTo(4);
    }

    @Test
    void theBucketRefillsContinuouslyAndResetIsTheTimeUntilFull() {
        KeyLimits limits = new KeyLimits(60, 600, null, null);
        for (int i = 0; i < 60; i++) {
            assertThat(limiter.reserve("k", limits, 10).allowed()).isTrue();
        }
        RateLimitState empty = limiter.peek("k", limits);
        assertThat(empty.requestsRemaining()).isZero();
        assertThat(empty.tokensResetMs()).isEqualTo(60_000);
        clock.advance(Duration.ofSeconds(15));
        RateLimitState quarter = limiter.peek("k", limits);
        assertThat(quarter.requestsRemaining()).isEqualTo(15);
        assertThat(quarter.tokensRemaining()).isEqualTo(150);
        assertThat(quarter.requestsResetMs()).isEqualTo(45_000);
        clock.advance(Duration.ofMinutes(5));
        assertThat(limiter.peek("k", limits).requestsRemaining()).isEqualTo(60);
    }
}
