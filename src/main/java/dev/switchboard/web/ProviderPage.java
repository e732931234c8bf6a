package dev.switchboard.web;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.stats.RecentFailures;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A provider's page: its models with their live numbers, its numbers across them, and its recent failures. */
@Path("/providers/{slug}")
public class ProviderPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance provider(ProviderView view);
    }

    static final Duration FAILURE_WINDOW = Duration.ofHours(24);
    static final int FAILURE_LIMIT = 20;

    @Inject
    CatalogService catalogService;

    @Inject
    PortalStats stats;

    @Inject
    RecentFailures recentFailures;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance get(@PathParam("slug") String slug) {
        Catalog catalog = catalogService.current();
        CatalogProvider provider = catalog.provider(slug)
                .orElseThrow(() -> new NotFoundException("No provider named " + slug));
        List<ProviderView.Row> rows = catalog.models().stream()
                .flatMap(m -> m.endpoints().stream().filter(e -> e.provider().slug().equals(slug))
                        .map(e -> new ProviderView.Row(m, e, stats.forEndpoint(e))))
                .sorted(Comparator.comparing((ProviderView.Row r) -> r.model().name(), String.CASE_INSENSITIVE_ORDER))
                .toList();
        Map<Long, String> modelOf = rows.stream().collect(Collectors.toMap(r -> r.endpoint().id(),
                r -> r.model().slug(), (a, b) -> a));
        List<ProviderView.FailureRow> failures = recentFailures.of(modelOf.keySet(), FAILURE_WINDOW, FAILURE_LIMIT)
                .stream().map(f -> ProviderView.FailureRow.of(f, modelOf.get(f.endpointId()))).toList();
        return Templates.provider(new ProviderView(provider,
                stats.forEndpoints(rows.stream().map(ProviderView.Row::endpoint).map(CatalogEndpoint::id).toList()),
                rows, failures));
    }
}
