package dev.switchboard.routing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code switchboard.routing.circuit.*}: the per-endpoint circuit breaker fed by traffic and probes. */
@ConfigMapping(prefix = "switchboard.routing.circuit")
public interface CircuitConfig {

    /** Consecutive provider-fault failures that open the circuit. */
    @WithDefault("5")
    int failureThreshold();

    /** Share of provider-fault failures over {@link #window()} above which the circuit opens (0..1). */
    @WithDefault("0.5")
    double failureRate();

    /** Calls the window must hold before {@link #failureRate()} is judged. */
    @WithDefault("10")
    int minCalls();

    /** How far back the failure rate looks. */
    @WithDefault("60s")
    Duration window();

    /** How long the circuit stays open the first time; doubled on each failed trial. */
    @WithDefault("30s")
    Duration openDuration();

    /** The longest the circuit stays open between trials. */
    @WithDefault("5m")
    Duration maxOpenDuration();

    /** Cool-down after a 429 that gave no Retry-After. */
    @WithDefault("1s")
    Duration defaultCoolDown();

    /** The longest cool-down a Retry-After may ask for. */
    @WithDefault("10m")
    Duration maxCoolDown();

    default CircuitBreakers.Settings settings() {
        return new CircuitBreakers.Settings(failureThreshold(), failureRate(), minCalls(), window(), openDuration(),
                maxOpenDuration(), defaultCoolDown(), maxCoolDown());
    }
}
