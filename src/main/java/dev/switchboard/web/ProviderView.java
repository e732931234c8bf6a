package dev.switchboard.web;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.stats.EndpointStats;
import dev.switchboard.stats.RecentFailures;

import java.time.Instant;
import java.util.List;

/** A provider's page: what it is, its numbers across all its models, its models, and its recent failures. */
public record ProviderView(CatalogProvider provider, EndpointStats overall, List<Row> models, List<FailureRow> failures) {

    /** One model this provider serves. */
    public record Row(CatalogModel model, CatalogEndpoint endpoint, EndpointStats live) {
    }

    /** One recent failure, with the model it hit. */
    public record FailureRow(Instant at, String model, String outcome, Integer httpStatus, String source,
                             int latencyMs) {
        public static FailureRow of(RecentFailures.Failure f, String model) {
            return new FailureRow(f.startedAt(), model, f.outcome().id().replace('_', ' '), f.httpStatus(),
                    f.source(), f.latencyMs());
        }
    }
}
