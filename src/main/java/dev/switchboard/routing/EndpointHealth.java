package dev.switchboard.routing;

import dev.switchboard.llm.UpstreamErrorKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The health of every endpoint in this replica, fed by live traffic (the router) and by the prober. See
 * {@link CircuitBreakers} for the rules; this bean only wires them to configuration and the system clock.
 */
@ApplicationScoped
public class EndpointHealth implements HealthView {

    /** An endpoint's health as routing sees it. */
    public enum State {
        /** Takes calls. */
        HEALTHY,
        /** Rate limited (429): skipped until its Retry-After has passed. */
        COOLING_DOWN,
        /** Failing: skipped until its back-off has passed. */
        OPEN,
        /** Back-off over: one trial call decides whether it closes again. */
        HALF_OPEN
    }

    private final CircuitBreakers breakers;

    @Inject
    public EndpointHealth(CircuitConfig config) {
        this(new CircuitBreakers(config.settings(), Clock.systemUTC()));
    }

    EndpointHealth(CircuitBreakers breakers) {
        this.breakers = breakers;
    }

    @Override
    public State state(long endpointId) {
        return breakers.state(endpointId);
    }

    /** See {@link CircuitBreakers#circuitState}. */
    public State circuitState(long endpointId) {
        return breakers.circuitState(endpointId);
    }

    public boolean coolingDown(long endpointId) {
        return breakers.coolingDown(endpointId);
    }

    /** See {@link CircuitBreakers#tryAcquire}. */
    public boolean tryAcquire(long endpointId) {
        return breakers.tryAcquire(endpointId);
    }

    public void onSuccess(long endpointId) {
        breakers.onSuccess(endpointId);
    }

    public void onFailure(long endpointId, UpstreamErrorKind kind, Duration retryAfter) {
        breakers.onFailure(endpointId, kind, retryAfter);
    }

    public void release(long endpointId) {
        breakers.release(endpointId);
    }

    public Optional<Instant> availableAgainAt(long endpointId) {
        return breakers.availableAgainAt(endpointId);
    }

    /** Forgets every endpoint's history: all healthy again. */
    public void reset() {
        breakers.reset();
    }
}
