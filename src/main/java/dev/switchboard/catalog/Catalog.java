package dev.switchboard.catalog;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of the active catalog, held in memory so that pages and the router never query the catalog
 * per request. Replaced whole when the database copy changes.
 */
public final class Catalog {

    private final List<CatalogModel> models;
    private final Map<String, CatalogModel> bySlugOrAlias;
    private final Map<String, CatalogProvider> providers;
    private final Map<String, String> vendorNames;
    private final Map<Long, CatalogEndpoint> endpoints;

    public Catalog(List<CatalogModel> models, Collection<CatalogProvider> providers, Map<String, String> vendorNames) {
        this.models = models.stream().sorted(Comparator.comparing(CatalogModel::slug)).toList();
        Map<String, CatalogModel> index = new HashMap<>();
        Map<Long, CatalogEndpoint> byId = new HashMap<>();
        for (CatalogModel m : this.models) {
            index.put(m.slug(), m);
            m.aliases().forEach(a -> index.putIfAbsent(a, m));
            m.endpoints().forEach(e -> byId.put(e.id(), e));
        }
        this.bySlugOrAlias = Map.copyOf(index);
        this.endpoints = Map.copyOf(byId);
        Map<String, CatalogProvider> bySlug = new LinkedHashMap<>();
        providers.stream().sorted(Comparator.comparing(CatalogProvider::name, String.CASE_INSENSITIVE_ORDER))
                .forEach(p -> bySlug.put(p.slug(), p));
        this.providers = bySlug;
        Map<String, String> vendors = new LinkedHashMap<>();
        vendorNames.entrySet().stream().sorted(Map.Entry.comparingByValue(String.CASE_INSENSITIVE_ORDER))
                .forEach(e -> vendors.put(e.getKey(), e.getValue()));
        this.vendorNames = vendors;
    }

    public static Catalog empty() {
        return new Catalog(List.of(), List.of(), Map.of());
    }

    /** Active models, by slug. */
    public List<CatalogModel> models() {
        return models;
    }

    /** A model by its slug or one of its aliases. */
    public Optional<CatalogModel> model(String slugOrAlias) {
        return Optional.ofNullable(bySlugOrAlias.get(slugOrAlias));
    }

    public Optional<CatalogEndpoint> endpoint(long id) {
        return Optional.ofNullable(endpoints.get(id));
    }

    public Collection<CatalogEndpoint> endpoints() {
        return endpoints.values();
    }

    /** Active providers, by name. */
    public Collection<CatalogProvider> providers() {
        return providers.values();
    }

    public Optional<CatalogProvider> provider(String slug) {
        return Optional.ofNullable(providers.get(slug));
    }

    /** Vendor slug to display name, by name. */
    public Map<String, String> vendors() {
        return vendorNames;
    }
}
