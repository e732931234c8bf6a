package dev.switchboard.web;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.stats.StatsSeries;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.List;

/** A model's detail page: its providers side by side, with prices, limits and live numbers, and charts over time. */
@Path("/models/{vendor}/{model}")
public class ModelPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance model(ModelDetailView view);

        static native TemplateInstance model$live(ModelDetailView view);
    }

    @Inject
    CatalogService catalogService;

    @Inject
    PortalStats stats;

    @Inject
    StatsSeries series;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response get(@PathParam("vendor") String vendor, @PathParam("model") String model,
                        @QueryParam("window") String window, @Context HttpHeaders headers) {
        String slug = vendor + "/" + model;
        CatalogModel found = catalogService.current().model(slug)
                .orElseThrow(() -> new ModelNotFoundException(slug));
        if (!found.slug().equals(slug)) {
            // An alias: send the browser to the canonical page so links and bookmarks converge.
            return Response.status(Response.Status.MOVED_PERMANENTLY)
                    .location(java.net.URI.create("/models/" + found.slug())).build();
        }
        ModelDetailView view = view(found, "7d".equals(window) ? "7d" : "24h");
        TemplateInstance page = HtmxRequest.wantsFragment(headers) ? Templates.model$live(view) : Templates.model(view);
        return Response.ok(page).header("Vary", "HX-Request").build();
    }

    ModelDetailView view(CatalogModel model, String window) {
        List<ProviderColumn> columns = new ArrayList<>();
        int i = 0;
        for (CatalogEndpoint e : model.endpoints()) {
            columns.add(new ProviderColumn(e, stats.forEndpoint(e), i++ % 8));
        }
        StatsSeries.Window span = "7d".equals(window) ? StatsSeries.Window.WEEK : StatsSeries.Window.DAY;
        var hourly = series.hourly(model.endpoints().stream().map(CatalogEndpoint::id).toList(), span);
        return new ModelDetailView(model, columns, window,
                ModelCharts.build(columns, hourly, span, java.time.Instant.now()));
    }

    /** An unknown model: answered with a 404 page that offers search. */
    public static class ModelNotFoundException extends NotFoundException {
        private final String slug;

        public ModelNotFoundException(String slug) {
            super("No model named " + slug);
            this.slug = slug;
        }

        public String slug() {
            return slug;
        }
    }
}
