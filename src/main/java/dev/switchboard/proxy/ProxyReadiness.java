package dev.switchboard.proxy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is down until the proxy's warm-up is over ({@link ProxyWarmup}), so a load balancer sends the first calls
 * to a compiled proxy, and down again from the stop signal on, so it sends no new calls while the proxy drains.
 */
@Readiness
@ApplicationScoped
public class ProxyReadiness implements HealthCheck {

    @Inject
    ProxyDrain drain;

    @Inject
    ProxyWarmup warmup;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("proxy").status(!drain.draining() && warmup.done())
                .withData("inFlight", drain.inFlight())
                .withData("warmup", warmup.state().name().toLowerCase(java.util.Locale.ROOT))
                .withData("warmupRequests", warmup.requests())
                .build();
    }
}
