package dev.switchboard.routing;

/** What a caller asked the candidates to be ordered by; each cheapest/fastest first. */
public enum RouteSort {
    /** Lowest blended list price first. */
    PRICE,
    /** Lowest recent time to first token first. */
    LATENCY,
    /** Highest recent decode speed first. */
    THROUGHPUT
}
