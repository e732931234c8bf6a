package dev.switchboard.routing;

import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.routing.EndpointHealth.State;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static dev.switchboard.llm.UpstreamErrorKind.RATE_LIMITED;
import static dev.switchboard.llm.UpstreamErrorKind.SERVER_ERROR;
import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakersTest {

    /** A clock the test moves by hand. */
    static final class StepClock extends Clock {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final StepClock clock = new StepClock();
    final CircuitBreakers breakers = new CircuitBreakers(CircuitBreakers.Settings.DEFAULTS, clock);
    static final long E = 7;

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breakers.onFailure(E, SERVER_ERROR, null);
        }
    }

    @Test
    void unknownEndpointIsHealthy() {
        assertThat(breakers.state(E)).isEqualTo(State.HEALTHY);
        assertThat(breakers.tryAcquire(E)).isTrue();
        assertThat(breakers.availableAgainAt(E)).isEmpty();
    }

    @Test
    void opensAfterFiveConsecutiveProviderFaults() {
        fail(4);
        assertThat(breakers.state(E)).isEqualTo(State.HEALTHY);
        fail(1);
        assertThat(breakers.state(E)).isEqualTo(State.OPEN);
        assertThat(breakers.tryAcquire(E)).isFalse();
        assertThat(breakers.availableAgainAt(E)).contains(clock.now.plusSeconds(30));
    }

    @Test
    void aSuccessResetsTheStreak() {
        fail(4);
        breakers.onSuccess(E);
        fail(4);
        assertThat(breakers.state(E)).isEqualTo(State.HEALTHY);
    }

    @Test
    void callerErrorsAndCancellationsDoNotCount() {
        for (int i = 0; i < 20; i++) {
            breakers.onFailure(E, UpstreamErrorKind.BAD_REQUEST, null);
            breakers.onFailure(E, UpstreamErrorKind.CANCELLED, null);
            breakers.onFailure(E, UpstreamErrorKind.CONTEXT_TOO_LONG, null);
        }
        assertThat(breakers.state(E)).isEqualTo(State.HEALTHY);
    }

    @Test
    void opensWhenTheRecentFailureRateExceedsHalf() {
        // never two in a row: 5 of 10 is not above half, 6 of 11 is
        for (int i = 0; i < 5; i++) {
            fail(1);
            breakers.onSuccess(E);
        }
        assertThat(breakers.state(E)).isEqualTo(State.HEALTHY);
        fail(1);
        assertThat(breakers.state(E)).isEqualTo(State.OPEN);
    }

    @Test
    void theRateNeedsMinimumCallsAndForgetsOldOnes() {
        // 5 of 9 failed, but fewer than 10 calls
        for (int i = 0; i < 4; i++) {
            fail(1);
            breakers.onSuccess(E);
        }
        fail(1);
        assertThat(breakers.state(E)).isEqualTo(State.HEALTHY);
        // a minute later the old calls are out of the window
        clock.advance(Duration.ofSeconds(61));
        for (int i = 0; i < 5; i++) {
            breakers.onSuccess(E);
            fail(1);
        }
        assertThat(breakers.state(E)).as("5 of 10 is not above half").isEqualTo(State.HEALTHY);
    }

    @Test
    void exactlyOneTrialAfterTheBackOff() {
        fail(5);
        clock.advance(Duration.ofSeconds(29));
        assertThat(breakers.state(E)).isEqualTo(State.OPEN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(breakers.state(E)).isEqualTo(State.HALF_OPEN);
        assertThat(breakers.tryAcquire(E)).isTrue();
        assertThat(breakers.tryAcquire(E)).isFalse();
        assertThat(breakers.tryAcquire(E)).isFalse();
        breakers.onSuccess(E);
        assertThat(breakers.state(E)).isEqualTo(State.HEALTHY);
        assertThat(breakers.tryAcquire(E)).isTrue();
        assertThat(breakers.tryAcquire(E)).isTrue();
    }

    @Test
    void aFailedTrialDoublesTheBackOffUpToTheMaximum() {
        fail(5);
        long[] expected = {60, 120, 240, 300, 300};
        for (long seconds : expected) {
            clock.advance(breakers.availableAgainAt(E).map(t -> Duration.between(clock.now, t)).orElseThrow());
            assertThat(breakers.tryAcquire(E)).isTrue();
            breakers.onFailure(E, UpstreamErrorKind.TIMEOUT, null);
            assertThat(breakers.state(E)).isEqualTo(State.OPEN);
            assertThat(breakers.availableAgainAt(E)).contains(clock.now.plusSeconds(seconds));
        }
    }

    @Test
    void recoveryResetsTheBackOff() {
        fail(5);
        clock.advance(Duration.ofSeconds(30));
        breakers.tryAcquire(E);
        fail(1); // 60 s
        clock.advance(Duration.ofSeconds(60));
        breakers.tryAcquire(E);
        breakers.onSuccess(E);
        fail(4);
        assertThat(breakers.state(E)).as("a fresh streak is needed").isEqualTo(State.HEALTHY);
        fail(1);
        assertThat(breakers.availableAgainAt(E)).contains(clock.now.plusSeconds(30));
    }

    @Test
    void aReleasedTrialLetsTheNextCallerTry() {
        fail(5);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breakers.tryAcquire(E)).isTrue();
        breakers.release(E);
        assertThat(breakers.state(E)).isEqualTo(State.HALF_OPEN);
        assertThat(breakers.tryAcquire(E)).isTrue();
        assertThat(breakers.tryAcquire(E)).isFalse();
    }

    @Test
    void aLostTrialFreesItselfEventually() {
        fail(5);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breakers.tryAcquire(E)).isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertThat(breakers.tryAcquire(E)).isTrue();
    }

    @Test
    void lateResultsWhileOpenAreIgnored() {
        fail(5);
        breakers.onSuccess(E);
        assertThat(breakers.state(E)).isEqualTo(State.OPEN);
        fail(3);
        assertThat(breakers.availableAgainAt(E)).contains(clock.now.plusSeconds(30));
    }

    @Test
    void rateLimitCoolsDownForRetryAfterAndExpires() {
        breakers.onFailure(E, RATE_LIMITED, Duration.ofSeconds(20));
        assertThat(breakers.state(E)).isEqualTo(State.COOLING_DOWN);
        assertThat(breakers.tryAcquire(E)).isFalse();
        assertThat(breakers.availableAgainAt(E)).contains(clock.now.plusSeconds(20));
        clock.advance(Duration.ofSeconds(19));
        assertThat(breakers.state(E)).isEqualTo(State.COOLING_DOWN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(breakers.state(E)).isEqualTo(State.HEALTHY);
        assertThat(breakers.tryAcquire(E)).isTrue();
        assertThat(breakers.availableAgainAt(E)).isEmpty();
    }

    @Test
    void rateLimitWithoutRetryAfterCoolsDownBrieflyAndLongOnesAreCapped() {
        breakers.onFailure(E, RATE_LIMITED, null);
        assertThat(breakers.availableAgainAt(E)).contains(clock.now.plusSeconds(1));
        breakers.onFailure(E, RATE_LIMITED, Duration.ofHours(3));
        assertThat(breakers.availableAgainAt(E)).contains(clock.now.plus(Duration.ofMinutes(10)));
    }

    @Test
    void rateLimitsNeverOpenTheCircuit() {
        for (int i = 0; i < 50; i++) {
            breakers.onFailure(E, RATE_LIMITED, Duration.ofMillis(1));
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(breakers.state(E)).isEqualTo(State.HEALTHY);
        fail(4);
        assertThat(breakers.state(E)).as("429s did not add to the streak").isEqualTo(State.HEALTHY);
    }

    @Test
    void aRateLimitedTrialIsNoVerdict() {
        fail(5);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breakers.tryAcquire(E)).isTrue();
        breakers.onFailure(E, RATE_LIMITED, Duration.ofSeconds(5));
        assertThat(breakers.state(E)).isEqualTo(State.COOLING_DOWN);
        assertThat(breakers.tryAcquire(E)).isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(breakers.state(E)).isEqualTo(State.HALF_OPEN);
        assertThat(breakers.tryAcquire(E)).isTrue();
    }

    @Test
    void endpointsAreIndependent() {
        fail(5);
        assertThat(breakers.state(E + 1)).isEqualTo(State.HEALTHY);
    }

    @Test
    void endpointHealthDelegates() {
        EndpointHealth health = new EndpointHealth(breakers);
        health.onFailure(E, RATE_LIMITED, Duration.ofSeconds(2));
        assertThat(health.state(E)).isEqualTo(State.COOLING_DOWN);
        assertThat(health.tryAcquire(E)).isFalse();
    }
}
