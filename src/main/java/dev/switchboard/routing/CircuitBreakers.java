package dev.switchboard.routing;

import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.routing.EndpointHealth.State;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit breaker per endpoint, plus the 429 cool-down, in memory (short-lived health state is the one thing a
 * replica keeps to itself). Thread-safe: each endpoint's breaker is guarded by its own lock, and time comes only from
 * the given clock, so tests step time instead of sleeping.
 * <ul>
 *   <li>Closed ({@link State#HEALTHY}): opens after {@code failureThreshold} consecutive provider-fault failures, or
 *       when more than {@code failureRate} of the calls of the last {@code window} failed (once it holds at least
 *       {@code minCalls}). Only {@link UpstreamErrorKind#providerFault()} kinds count; successes reset the streak.</li>
 *   <li>{@link State#OPEN} for a back-off: {@code openDuration} the first time, doubled by every failed trial, at most
 *       {@code maxOpenDuration}.</li>
 *   <li>{@link State#HALF_OPEN} once the back-off has passed: {@link #tryAcquire} grants exactly one trial call. Its
 *       success closes the circuit (and resets the back-off), its failure reopens it with the doubled back-off,
 *       {@link #release} (no verdict: the caller cancelled, the request was refused as the caller's error) lets the
 *       next caller try. A trial never released frees itself after {@code maxOpenDuration}, so a lost caller cannot
 *       wedge an endpoint.</li>
 *   <li>{@link State#COOLING_DOWN}: a 429 asks to wait {@code Retry-After} (at most {@code maxCoolDown}), or
 *       {@code defaultCoolDown} when it said nothing. Rate limits never count toward opening the circuit.</li>
 * </ul>
 * Results arriving while the circuit is open (calls started before it opened) are ignored.
 */
public final class CircuitBreakers {

    /** The breaker's tuning; see {@link CircuitConfig} for each value's meaning. */
    public record Settings(int failureThreshold, double failureRate, int minCalls, Duration window,
                           Duration openDuration, Duration maxOpenDuration, Duration defaultCoolDown,
                           Duration maxCoolDown) {

        public static final Settings DEFAULTS = new Settings(5, 0.5, 10, Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofMinutes(10));
    }

    /** Calls remembered per endpoint for the failure rate; enough for any sane min-calls, bounded under load. */
    static final int MAX_WINDOW_CALLS = 1024;

    private final Settings settings;
    private final Clock clock;
    private final ConcurrentHashMap<Long, Breaker> breakers = new ConcurrentHashMap<>();

    public CircuitBreakers(Settings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
    }

    public State state(long id) {
        Breaker b = breakers.get(id);
        return b == null ? State.HEALTHY : b.state(clock.instant());
    }

    /**
     * The circuit alone, without the 429 cool-down: {@link State#HEALTHY} (closed), {@link State#HALF_OPEN} or
     * {@link State#OPEN}. What the circuit-state metric shows; routing asks {@link #state}.
     */
    public State circuitState(long id) {
        Breaker b = breakers.get(id);
        return b == null ? State.HEALTHY : b.circuitState(clock.instant());
    }

    /** Whether a 429's Retry-After (or the default cool-down) keeps this endpoint out of routing now. */
    public boolean coolingDown(long id) {
        Breaker b = breakers.get(id);
        return b != null && b.coolingDown(clock.instant());
    }

    /**
     * May a call go to this endpoint now? True when healthy; in half-open, true once for the single trial call
     * (the caller must then report {@link #onSuccess}, {@link #onFailure} or {@link #release}); false while open,
     * cooling down, or while the trial is out.
     */
    public boolean tryAcquire(long id) {
        Breaker b = breakers.get(id);
        return b == null || b.tryAcquire(clock.instant());
    }

    public void onSuccess(long id) {
        breaker(id).onSuccess(clock.instant());
    }

    public void onFailure(long id, UpstreamErrorKind kind, Duration retryAfter) {
        breaker(id).onFailure(clock.instant(), kind, retryAfter);
    }

    /** A call (the trial, if it was one) ended without saying anything about the endpoint's health. */
    public void release(long id) {
        Breaker b = breakers.get(id);
        if (b != null) {
            b.release();
        }
    }

    /** When an open or cooling-down endpoint takes calls again (a trial, for an open one); empty otherwise. */
    public Optional<Instant> availableAgainAt(long id) {
        Breaker b = breakers.get(id);
        return b == null ? Optional.empty() : b.availableAgainAt(clock.instant());
    }

    private Breaker breaker(long id) {
        return breakers.computeIfAbsent(id, k -> new Breaker());
    }

    private enum Circuit { CLOSED, OPEN, HALF_OPEN }

    /** One endpoint's breaker; every method holds its lock. */
    /** Forgets every endpoint's history: all healthy again (an operator's reset, and tests between cases). */
    public void reset() {
        breakers.clear();
    }

    private final class Breaker {
        private Circuit circuit = Circuit.CLOSED;
        private int consecutiveFailures;
        /** Epoch millis of recent counted calls, negative for failures (sign as the flag keeps one long per call). */
        private final ArrayDeque<Long> recent = new ArrayDeque<>();
        private Instant openUntil;
        private Duration backOff;
        private Instant trialSince;
        private Instant coolDownUntil;

        synchronized State state(Instant now) {
            advance(now);
            if (circuit == Circuit.OPEN) {
                return State.OPEN;
            }
            if (coolDownUntil != null && now.isBefore(coolDownUntil)) {
                return State.COOLING_DOWN;
            }
            return circuit == Circuit.HALF_OPEN ? State.HALF_OPEN : State.HEALTHY;
        }

        synchronized State circuitState(Instant now) {
            advance(now);
            return switch (circuit) {
                case CLOSED -> State.HEALTHY;
                case OPEN -> State.OPEN;
                case HALF_OPEN -> State.HALF_OPEN;
            };
        }

        synchronized boolean coolingDown(Instant now) {
            return coolDownUntil != null && now.isBefore(coolDownUntil);
        }

        synchronized boolean tryAcquire(Instant now) {
            return switch (state(now)) {
                case HEALTHY -> true;
                case OPEN, COOLING_DOWN -> false;
                case HALF_OPEN -> {
                    if (trialSince != null) {
                        yield false;
                    }
                    trialSince = now;
                    yield true;
                }
            };
        }

        synchronized void onSuccess(Instant now) {
            advance(now);
            switch (circuit) {
                case OPEN -> {
                    // a call started before the circuit opened: says nothing about now
                }
                case HALF_OPEN -> close();
                case CLOSED -> {
                    consecutiveFailures = 0;
                    remember(now, false);
                }
            }
        }

        synchronized void onFailure(Instant now, UpstreamErrorKind kind, Duration retryAfter) {
            advance(now);
            if (kind == UpstreamErrorKind.RATE_LIMITED) {
                Duration wait = retryAfter == null || retryAfter.isNegative() ? settings.defaultCoolDown()
                        : retryAfter.compareTo(settings.maxCoolDown()) > 0 ? settings.maxCoolDown() : retryAfter;
                Instant until = now.plus(wait);
                if (coolDownUntil == null || until.isAfter(coolDownUntil)) {
                    coolDownUntil = until;
                }
                trialSince = null; // a 429 is no verdict on health: the next caller may try once cooled down
                return;
            }
            if (!kind.providerFault()) {
                trialSince = null;
                return;
            }
            switch (circuit) {
                case OPEN -> {
                    // a call started before the circuit opened
                }
                case HALF_OPEN -> open(now, doubled(backOff));
                case CLOSED -> {
                    consecutiveFailures++;
                    remember(now, true);
                    if (consecutiveFailures >= settings.failureThreshold() || rateExceeded(now)) {
                        open(now, settings.openDuration());
                    }
                }
            }
        }

        synchronized void release() {
            trialSince = null;
        }

        synchronized Optional<Instant> availableAgainAt(Instant now) {
            State state = state(now);
            if (state == State.OPEN) {
                return Optional.of(coolDownUntil != null && coolDownUntil.isAfter(openUntil) ? coolDownUntil
                        : openUntil);
            }
            return state == State.COOLING_DOWN ? Optional.of(coolDownUntil) : Optional.empty();
        }

        /** Time-driven transitions: the back-off ending, a lost trial's lease ending. */
        private void advance(Instant now) {
            if (circuit == Circuit.OPEN && !now.isBefore(openUntil)) {
                circuit = Circuit.HALF_OPEN;
                trialSince = null;
            }
            if (trialSince != null && !now.isBefore(trialSince.plus(settings.maxOpenDuration()))) {
                trialSince = null;
            }
        }

        private void open(Instant now, Duration duration) {
            circuit = Circuit.OPEN;
            backOff = duration;
            openUntil = now.plus(duration);
            trialSince = null;
            consecutiveFailures = 0;
            recent.clear();
        }

        private void close() {
            circuit = Circuit.CLOSED;
            backOff = null;
            openUntil = null;
            trialSince = null;
            consecutiveFailures = 0;
            recent.clear();
        }

        private Duration doubled(Duration d) {
            Duration next = (d == null ? settings.openDuration() : d).multipliedBy(2);
            return next.compareTo(settings.maxOpenDuration()) > 0 ? settings.maxOpenDuration() : next;
        }

        private void remember(Instant now, boolean failed) {
            long millis = Math.max(1, now.toEpochMilli());
            recent.addLast(failed ? -millis : millis);
            if (recent.size() > MAX_WINDOW_CALLS) {
                recent.removeFirst();
            }
        }

        private boolean rateExceeded(Instant now) {
            long from = now.minus(settings.window()).toEpochMilli();
            while (!recent.isEmpty() && Math.abs(recent.peekFirst()) <= from) {
                recent.removeFirst();
            }
            if (recent.size() < settings.minCalls()) {
                return false;
            }
            long failures = recent.stream().filter(t -> t < 0).count();
            return failures > settings.failureRate() * recent.size();
        }
    }
}
