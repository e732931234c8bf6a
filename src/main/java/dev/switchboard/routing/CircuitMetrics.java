package dev.switchboard.routing;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.observe.AttemptStarted;
import dev.switchboard.observe.ProxyObserver;
import dev.switchboard.observe.RequestObservation;
import dev.switchboard.observe.RequestStarted;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each routable endpoint's health on /q/metrics, read when scraped: {@code switchboard_circuit_state} (0 closed, 1
 * half-open, 2 open) and {@code switchboard_endpoint_cooling_down} (1 while a 429 keeps it out of routing), labelled
 * with the catalog's model and provider. Registered at start for the catalog's routable endpoints, and for an
 * endpoint the catalog gained later when the proxy first tries it.
 */
@Singleton
public class CircuitMetrics implements ProxyObserver {

    private final MeterRegistry registry;
    private final EndpointHealth health;
    private final Set<Long> registered = ConcurrentHashMap.newKeySet();
    private final RequestObservation observation = new RequestObservation() {
        @Override
        public void attemptStarted(AttemptStarted attempt) {
            track(attempt.endpoint());
        }
    };

    @Inject
    public CircuitMetrics(MeterRegistry registry, EndpointHealth health) {
        this.registry = registry;
        this.health = health;
    }

    void onStart(@Observes StartupEvent event, CatalogService catalog) {
        catalog.current().endpoints().stream().filter(e -> e.provider().status().routable()).forEach(this::track);
    }

    @Override
    public RequestObservation onRequest(RequestStarted request) {
        return observation;
    }

    void track(CatalogEndpoint endpoint) {
        long id = endpoint.id();
        if (registered.contains(id) || !registered.add(id)) {
            return;
        }
        Gauge.builder("switchboard.circuit.state", health, h -> level(h.circuitState(id)))
                .description("Circuit breaker per endpoint: 0 closed, 1 half-open, 2 open")
                .tag("model", endpoint.modelSlug()).tag("provider", endpoint.provider().slug())
                .strongReference(true).register(registry);
        Gauge.builder("switchboard.endpoint.cooling.down", health, h -> h.coolingDown(id) ? 1 : 0)
                .description("1 while a 429 keeps the endpoint out of routing (its Retry-After or the default)")
                .tag("model", endpoint.modelSlug()).tag("provider", endpoint.provider().slug())
                .strongReference(true).register(registry);
    }

    static int level(EndpointHealth.State state) {
        return switch (state) {
            case HEALTHY, COOLING_DOWN -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }
}
