package dev.switchboard.web;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.stats.EndpointStats;
import dev.switchboard.stats.StatsSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The live numbers the portal shows, read from the in-memory stats snapshot (never a query per request). */
@ApplicationScoped
public class PortalStats {

    @Inject
    StatsSnapshot snapshot;

    /** A model across all its providers: their samples merged. */
    public EndpointStats forModel(CatalogModel model) {
        return snapshot.forEndpoints(model.endpoints().stream().map(CatalogEndpoint::id).toList());
    }

    /** Several endpoints' samples merged, e.g. everything a provider serves. */
    public EndpointStats forEndpoints(java.util.Collection<Long> endpointIds) {
        return snapshot.forEndpoints(endpointIds);
    }

    public EndpointStats forEndpoint(CatalogEndpoint endpoint) {
        return snapshot.forEndpoint(endpoint.id());
    }
}
