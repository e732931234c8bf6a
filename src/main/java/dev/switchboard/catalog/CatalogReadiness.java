package dev.switchboard.catalog;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the catalog has been loaded: before that the proxy knows no model and would answer every call 404. */
@Readiness
@ApplicationScoped
public class CatalogReadiness implements HealthCheck {

    @Inject
    CatalogService catalog;

    @Override
    public HealthCheckResponse call() {
        Catalog current = catalog.current();
        return HealthCheckResponse.named("catalog").status(catalog.loaded())
                .withData("models", current.models().size()).withData("providers", current.providers().size())
                .build();
    }
}
