package dev.switchboard.proxy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness is down from the stop signal on, so a load balancer sends no new calls while the proxy drains. */
@Readiness
@ApplicationScoped
public class ProxyReadiness implements HealthCheck {

    @Inject
    ProxyDrain drain;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("proxy").status(!drain.draining()).withData("inFlight", drain.inFlight())
                .build();
    }
}
