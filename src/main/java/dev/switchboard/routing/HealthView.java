package dev.switchboard.routing;

/** What the planner needs to know of endpoint health: a read-only view, so tests can hand-build one. */
@FunctionalInterface
public interface HealthView {

    /** Every endpoint healthy: for tests and tools that plan without traffic. */
    HealthView ALL_HEALTHY = id -> EndpointHealth.State.HEALTHY;

    EndpointHealth.State state(long endpointId);
}
