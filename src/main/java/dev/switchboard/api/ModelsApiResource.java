package dev.switchboard.api;

import dev.switchboard.catalog.Capability;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.web.ModelPage;
import dev.switchboard.web.ModelRow;
import dev.switchboard.web.ModelSearch;
import dev.switchboard.web.ModelsFilter;
import dev.switchboard.web.PortalStats;
import dev.switchboard.stats.EndpointStats;
import dev.switchboard.stats.Uptime;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rich catalog as JSON: what the Models page shows, for programs. {@code GET /api/v1/models} takes the same
 * query parameters as the page (q, provider, vendor, input, output, min_context, max_price, capability,
 * availability, sort) and returns every match, unpaged.
 */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsApiResource {

    @Inject
    CatalogService catalogService;

    @Inject
    PortalStats stats;

    @GET
    public Map<String, Object> list(@Context UriInfo uri) {
        ModelsFilter filter = ModelsFilter.parse(uri.getQueryParameters());
        List<ModelRow> rows = ModelSearch.all(catalogService.current(), filter, stats::forModel);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", rows.stream().map(this::model).toList());
        if (!filter.problems().isEmpty()) {
            body.put("warnings", filter.problems());
        }
        return body;
    }

    @GET
    @Path("{vendor}/{model}/endpoints")
    public Map<String, Object> endpoints(@PathParam("vendor") String vendor, @PathParam("model") String model) {
        String slug = vendor + "/" + model;
        CatalogModel found = catalogService.current().model(slug)
                .orElseThrow(() -> new ModelPage.ModelNotFoundException(slug));
        Map<String, Object> data = modelFacts(found);
        data.put("endpoints", found.endpoints().stream().map(this::endpoint).toList());
        return Map.of("data", data);
    }

    private Map<String, Object> model(ModelRow row) {
        CatalogModel m = row.model();
        Map<String, Object> json = modelFacts(m);
        json.put("pricing", Map.of(
                "prompt", Map.of("min", m.minInputPrice(), "max", m.maxInputPrice()),
                "completion", Map.of("min", m.minOutputPrice(), "max", m.maxOutputPrice()),
                "unit", "USD per million tokens"));
        json.put("providers", m.endpoints().stream().map(e -> e.provider().slug()).toList());
        json.put("endpoint_count", m.endpoints().size());
        json.put("live", m.live());
        json.put("stats", stats(row.live()));
        return json;
    }

    private static Map<String, Object> modelFacts(CatalogModel m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", m.slug());
        json.put("name", m.name());
        json.put("vendor", m.vendorSlug());
        json.put("vendor_name", m.vendorName());
        json.put("description", m.description());
        json.put("created", m.released() == null ? null : m.released().atStartOfDay().toEpochSecond(ZoneOffset.UTC));
        json.put("released", m.released() == null ? null : m.released().toString());
        json.put("context_length", m.contextLength());
        json.put("architecture", Map.of("input_modalities", m.inputModalities(),
                "output_modalities", m.outputModalities()));
        json.put("capabilities", m.capabilities().stream().sorted().map(Capability::id).toList());
        json.put("aliases", m.aliases());
        return json;
    }

    private Map<String, Object> endpoint(CatalogEndpoint e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("provider", e.provider().slug());
        json.put("provider_name", e.provider().name());
        json.put("slug", e.slug());
        json.put("status", e.provider().status().label());
        json.put("original_vendor", e.originalVendor());
        Map<String, BigDecimal> pricing = new LinkedHashMap<>();
        pricing.put("prompt", e.pricing().input());
        pricing.put("completion", e.pricing().output());
        pricing.put("cache_read", e.pricing().cacheRead());
        pricing.put("cache_write", e.pricing().cacheWrite());
        json.put("pricing", pricing);
        json.put("context_length", e.contextLength());
        json.put("max_output_tokens", e.maxOutputTokens());
        json.put("quantization", e.quantization());
        json.put("supported_parameters", e.supportedParameters());
        json.put("data_collection", e.dataCollection());
        json.put("zdr", e.zdr());
        json.put("stats", stats(stats.forEndpoint(e)));
        return json;
    }

    /** Live numbers; null means no samples in the window, never zero. */
    private static Map<String, Object> stats(EndpointStats live) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("ttft_p50_ms", live.ttft().p50());
        s.put("ttft_p90_ms", live.ttft().p90());
        s.put("ttft_samples", live.ttft().count());
        s.put("throughput_p50_tps", live.decode().p50());
        s.put("throughput_p90_tps", live.decode().p90());
        s.put("throughput_samples", live.decode().count());
        s.put("e2e_speed_p50_tps", live.e2e().p50());
        s.put("uptime_1h", uptime(live.uptime1h()));
        s.put("uptime_24h", uptime(live.uptime24h()));
        s.put("uptime_7d", uptime(live.uptime7d()));
        s.put("uptime_30d", uptime(live.uptime30d()));
        s.put("tokens_per_minute", live.tokensPerMinute());
        s.put("last_sample_at", live.lastSampleAt() == null ? null : live.lastSampleAt().toString());
        return s;
    }

    private static Map<String, Object> uptime(Uptime u) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("percent", u.percent());
        json.put("ok", u.successes());
        json.put("failed", u.failures());
        json.put("rate_limited", u.rateLimited());
        return json;
    }
}
