package dev.switchboard.web;

import dev.switchboard.catalog.Capability;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.catalog.CatalogValidator;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The Models page. The same URL serves the whole page, or only the results fragment when htmx asks for it, so a
 * filter change swaps the list in place while the URL (pushed by htmx) stays shareable.
 */
@Path("/")
public class ModelsPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance models(ModelsView view);

        static native TemplateInstance models$results(ModelsView view);
    }

    private static final List<Integer> CONTEXT_STEPS = List.of(16_000, 32_000, 64_000, 128_000, 200_000, 1_000_000);

    @Inject
    CatalogService catalogService;

    @Inject
    PortalStats stats;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response home(@Context UriInfo uri, @Context HttpHeaders headers) {
        return models(uri, headers);
    }

    @GET
    @Path("models")
    @Produces(MediaType.TEXT_HTML)
    public Response models(@Context UriInfo uri, @Context HttpHeaders headers) {
        boolean fragment = HtmxRequest.wantsFragment(headers);
        ModelsView view = view(ModelsFilter.parse(uri.getQueryParameters()), !fragment);
        if (!fragment) {
            return Response.ok(Templates.models(view)).header("Vary", "HX-Request").build();
        }
        // The form sends every field, empty and default ones too (min_context=&sort=newest&...); the address bar
        // gets the short canonical link of the same view instead, the one the pager and a full page would use. A
        // request for the view already shown (the search box losing focus fires "change" again) pushes nothing.
        String link = view.pageLink(view.result().page());
        return Response.ok(Templates.models$results(view)).header("Vary", "HX-Request")
                .header("HX-Push-Url", HtmxRequest.alreadyAt(headers, link) ? "false" : link).build();
    }

    /** The view; the filter panel's options and counts only for a full page, as the fragment does not show them. */
    ModelsView view(ModelsFilter filter, boolean withFilterPanel) {
        Catalog catalog = catalogService.current();
        ModelSearch.Result result = ModelSearch.page(catalog, filter, stats::forModel);
        List<CatalogModel> models = catalog.models();
        if (!withFilterPanel) {
            return new ModelsView(filter, result, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                    List.of(), models.size(), false);
        }
        List<ModelsView.Option> providers = catalog.providers().stream()
                .map(p -> option(p.slug(), p.name(), models, m -> m.endpoints().stream()
                        .anyMatch(e -> e.provider().slug().equals(p.slug())), filter.providers()))
                .filter(o -> o.count() > 0)
                .sorted(SELECTED_FIRST)
                .toList();
        List<ModelsView.Option> vendors = catalog.vendors().entrySet().stream()
                .map(v -> option(v.getKey(), v.getValue(), models, m -> m.vendorSlug().equals(v.getKey()),
                        filter.vendors()))
                .filter(o -> o.count() > 0)
                .sorted(SELECTED_FIRST)
                .toList();
        List<ModelsView.Option> input = CatalogValidator.INPUT_MODALITIES.stream().sorted(MODALITY_ORDER)
                .map(mod -> option(mod, label(mod), models, m -> m.inputModalities().contains(mod),
                        filter.inputModalities()))
                .filter(o -> o.count() > 0 || o.selected())
                .toList();
        List<ModelsView.Option> output = CatalogValidator.OUTPUT_MODALITIES.stream().sorted(MODALITY_ORDER)
                .map(mod -> option(mod, label(mod), models, m -> m.outputModalities().contains(mod),
                        filter.outputModalities()))
                .filter(o -> o.count() > 0 || o.selected())
                .toList();
        List<ModelsView.Option> capabilities = Arrays.stream(Capability.values())
                .map(c -> new ModelsView.Option(c.id(), c.label(), (int) models.stream().filter(m -> m.has(c)).count(),
                        filter.capabilities().contains(c)))
                .toList();
        List<ModelsView.Option> sorts = Arrays.stream(ModelSort.values())
                .map(s -> new ModelsView.Option(s.id(), s.label(), 0, s == filter.sort()))
                .toList();
        List<ModelsView.Option> contexts = CONTEXT_STEPS.stream()
                .map(n -> new ModelsView.Option(n.toString(), Formats.tokens(n) + "+",
                        (int) models.stream().filter(m -> m.contextLength() >= n).count(),
                        n.equals(filter.minContext())))
                .toList();
        boolean demo = catalog.providers().stream()
                .anyMatch(p -> p.status() == dev.switchboard.catalog.ProviderStatus.SIMULATED);
        return new ModelsView(filter, result, providers, vendors, input, output, capabilities, sorts, contexts,
                models.size(), demo);
    }

    /** Ticked providers and vendors lead their (scrolling) lists, so what is in force is always in sight. */
    private static final java.util.Comparator<ModelsView.Option> SELECTED_FIRST =
            java.util.Comparator.comparing((ModelsView.Option o) -> !o.selected());

    private static final java.util.Comparator<String> MODALITY_ORDER = java.util.Comparator.comparingInt(
            m -> List.of("text", "image", "audio", "video", "file", "embeddings").indexOf(m));

    private static ModelsView.Option option(String value, String label, List<CatalogModel> models,
                                            Predicate<CatalogModel> has, Set<String> selected) {
        return new ModelsView.Option(value, label, (int) models.stream().filter(has).count(), selected.contains(value));
    }

    private static String label(String modality) {
        return Character.toUpperCase(modality.charAt(0)) + modality.substring(1);
    }
}
