package dev.switchboard.web;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.stats.EndpointStats;

/** One provider of a model on its detail page: the endpoint's facts and its live numbers. */
public record ProviderColumn(CatalogEndpoint endpoint, EndpointStats live, int seriesIndex) {

    public String statusClass() {
        return switch (endpoint.provider().status()) {
            case LIVE -> "live";
            case SIMULATED -> "simulated";
            case NOT_CONFIGURED -> "unconfigured";
            case DISABLED -> "disabled";
        };
    }
}
