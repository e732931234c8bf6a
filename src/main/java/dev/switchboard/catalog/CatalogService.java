package dev.switchboard.catalog;

import dev.switchboard.providers.ProviderKind;
import dev.switchboard.providers.ProviderSettings;
import dev.switchboard.providers.ProviderSettingsLookup;
import dev.switchboard.proxy.SkipWhileDraining;
import dev.switchboard.sim.DemoMode;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Owns the in-memory {@link Catalog}: loads the files into Postgres at start-up (a bad file stops start-up), then
 * reads the active rows back and re-reads them periodically, so that replicas converge on what another one loaded.
 */
@ApplicationScoped
public class CatalogService {

    @Inject
    CatalogLoader loader;

    @Inject
    ProviderSettingsLookup settings;

    @Inject
    DemoMode demo;

    private volatile Catalog current = Catalog.empty();
    private volatile boolean loaded;

    void onStart(@Observes @Priority(10) StartupEvent event) {
        try {
            loader.load();
        } catch (CatalogException e) {
            // An operator's mistake, not a crash: Quarkus prints a ConfigurationException's message alone (no stack
            // trace) and exits non-zero. Without a cause, so that it is the root cause Quarkus looks at.
            throw new io.quarkus.runtime.configuration.ConfigurationException(e.getMessage()
                    + "\nFix the file (switchboard.catalog.files) and start again.");
        }
        refresh();
    }

    public Catalog current() {
        return current;
    }

    /** True once a snapshot was read from the database (an empty catalog before that is not a real one). */
    public boolean loaded() {
        return loaded;
    }

    @Scheduled(every = "${switchboard.catalog.refresh-interval:60s}", delayed = "60s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SkipWhileDraining.class)
    void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            Log.warnf("Catalog refresh failed, keeping the previous snapshot: %s", e.getMessage());
        }
    }

    /** Rebuilds the snapshot from the database. */
    @Transactional
    public Catalog refresh() {
        Map<String, String> vendors = Vendor.<Vendor>list("retiredAt is null").stream()
                .collect(Collectors.toMap(v -> v.slug, v -> v.name));
        Map<String, CatalogProvider> providers = Provider.<Provider>list("retiredAt is null").stream()
                .map(this::toProvider)
                .collect(Collectors.toMap(CatalogProvider::slug, Function.identity()));
        List<Endpoint> activeEndpoints = Endpoint.list("retiredAt is null");
        simulateUnconfigured(providers, activeEndpoints);
        Map<String, List<CatalogEndpoint>> endpointsByModel = new HashMap<>();
        for (Endpoint e : activeEndpoints) {
            CatalogProvider provider = providers.get(e.providerSlug);
            if (provider == null) {
                continue; // its provider was retired: the endpoint cannot be served
            }
            endpointsByModel.computeIfAbsent(e.modelSlug, k -> new ArrayList<>()).add(new CatalogEndpoint(
                    e.id, e.modelSlug, provider, e.upstreamId,
                    new Pricing(strip(e.priceInput), strip(e.priceOutput), strip(e.priceCacheRead),
                            strip(e.priceCacheWrite)),
                    e.contextLength, e.maxOutputTokens, e.quantization,
                    List.of(e.supportedParameters), e.originalVendor, e.dataCollection, e.zdr));
        }
        List<CatalogModel> models = new ArrayList<>();
        for (Model m : Model.<Model>list("retiredAt is null")) {
            List<CatalogEndpoint> endpoints = endpointsByModel.getOrDefault(m.slug, List.of());
            if (endpoints.isEmpty()) {
                continue;
            }
            endpoints.sort(Comparator.comparing((CatalogEndpoint e) -> !e.originalVendor())
                    .thenComparing(e -> e.pricing().blended())
                    .thenComparing(e -> e.provider().name(), String.CASE_INSENSITIVE_ORDER));
            models.add(new CatalogModel(m.slug, m.vendorSlug, vendors.getOrDefault(m.vendorSlug, m.vendorSlug),
                    m.name, m.description, m.released, m.contextLength, List.of(m.inputModalities),
                    List.of(m.outputModalities), capabilities(m.capabilities), List.of(m.aliases),
                    List.copyOf(endpoints)));
        }
        Catalog catalog = new Catalog(models, providers.values(), vendors);
        current = catalog;
        loaded = true;
        return catalog;
    }

    /** In demo mode, providers without credentials are backed by the built-in simulated upstream. */
    private void simulateUnconfigured(Map<String, CatalogProvider> providers, List<Endpoint> endpoints) {
        boolean anyConfigured = providers.values().stream().anyMatch(p -> p.status() == ProviderStatus.LIVE);
        if (!demo.active(anyConfigured)) {
            return;
        }
        Map<String, ProviderKind> unconfigured = new HashMap<>();
        providers.values().stream().filter(p -> p.status() == ProviderStatus.NOT_CONFIGURED)
                .forEach(p -> unconfigured.put(p.slug(), p.kind()));
        Map<String, String> upstreamModels = new HashMap<>();
        endpoints.stream().filter(e -> unconfigured.containsKey(e.providerSlug))
                .forEach(e -> upstreamModels.putIfAbsent(e.upstreamId, e.providerSlug));
        Map<String, DemoMode.Backing> backing = demo.back(unconfigured, upstreamModels);
        backing.forEach((slug, b) -> providers.computeIfPresent(slug, (s, p) -> new CatalogProvider(p.slug(),
                p.name(), p.kind(), b.baseUrl(), p.region(), p.website(), p.description(), ProviderStatus.SIMULATED)));
    }

    private CatalogProvider toProvider(Provider p) {
        ProviderKind kind = ProviderKind.fromId(p.kind).orElseThrow();
        ProviderSettings configured = settings.forProvider(p.slug);
        ProviderStatus status = !configured.enabled() ? ProviderStatus.DISABLED
                : configured.hasCredentials(kind) ? ProviderStatus.LIVE
                : ProviderStatus.NOT_CONFIGURED;
        return new CatalogProvider(p.slug, p.name, kind, configured.baseUrl().orElse(p.baseUrl),
                configured.region().orElse(p.region), p.website, p.description, status);
    }

    private static Set<Capability> capabilities(String[] ids) {
        Set<Capability> set = EnumSet.noneOf(Capability.class);
        Arrays.stream(ids).map(Capability::fromId).flatMap(java.util.Optional::stream).forEach(set::add);
        return java.util.Collections.unmodifiableSet(set);
    }

    private static BigDecimal strip(BigDecimal price) {
        return price == null ? null : price.stripTrailingZeros();
    }
}
