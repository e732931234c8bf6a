package dev.switchboard.web;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.stats.EndpointStats;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Filters and sorts the in-memory catalog for the Models page and {@code GET /api/v1/models}. Pure: the same
 * catalog, numbers and filter always give the same result, which is what makes the page fast and testable.
 */
public final class ModelSearch {

    /** One page of results, with the total before paging. */
    public record Result(List<ModelRow> rows, int total, int page, int pages) {
    }

    private ModelSearch() {
    }

    public static List<ModelRow> all(Catalog catalog, ModelsFilter filter, Function<CatalogModel, EndpointStats> live) {
        Predicate<CatalogModel> matches = matcher(filter);
        return catalog.models().stream()
                .filter(matches)
                .map(m -> new ModelRow(m, live.apply(m)))
                .sorted(comparator(filter.sort()))
                .toList();
    }

    public static Result page(Catalog catalog, ModelsFilter filter, Function<CatalogModel, EndpointStats> live) {
        List<ModelRow> all = all(catalog, filter, live);
        int pages = Math.max(1, (all.size() + ModelsFilter.PAGE_SIZE - 1) / ModelsFilter.PAGE_SIZE);
        int page = Math.min(filter.page(), pages);
        int from = (page - 1) * ModelsFilter.PAGE_SIZE;
        List<ModelRow> rows = all.subList(Math.min(from, all.size()), Math.min(from + ModelsFilter.PAGE_SIZE, all.size()));
        return new Result(List.copyOf(rows), all.size(), page, pages);
    }

    static Predicate<CatalogModel> matcher(ModelsFilter f) {
        List<String> words = f.queryWords();
        return m -> {
            if (!words.isEmpty()) {
                String haystack = (m.name() + " " + m.slug() + " " + m.description() + " " + m.vendorName() + " "
                        + String.join(" ", m.aliases())).toLowerCase(Locale.ROOT);
                for (String w : words) {
                    if (!haystack.contains(w)) {
                        return false;
                    }
                }
            }
            if (!f.vendors().isEmpty() && !f.vendors().contains(m.vendorSlug())) {
                return false;
            }
            if (!f.providers().isEmpty()
                    && m.endpoints().stream().noneMatch(e -> f.providers().contains(e.provider().slug()))) {
                return false;
            }
            if (!m.inputModalities().containsAll(f.inputModalities())
                    || !m.outputModalities().containsAll(f.outputModalities())) {
                return false;
            }
            if (f.minContext() != null && m.contextLength() < f.minContext()) {
                return false;
            }
            if (f.maxPrice() != null
                    && m.endpoints().stream().noneMatch(e -> e.pricing().input().compareTo(f.maxPrice()) <= 0)) {
                return false;
            }
            if (!m.capabilities().containsAll(f.capabilities())) {
                return false;
            }
            return !f.configuredOnly() || m.live();
        };
    }

    static Comparator<ModelRow> comparator(ModelSort sort) {
        Comparator<ModelRow> byName = Comparator.comparing((ModelRow r) -> r.model().name(), String.CASE_INSENSITIVE_ORDER)
                .thenComparing(r -> r.model().slug());
        return switch (sort) {
            case NEWEST -> Comparator.comparing((ModelRow r) -> r.model().released(),
                    Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(byName);
            case NAME -> byName;
            case PRICE -> Comparator.comparing((ModelRow r) -> r.model().minInputPrice())
                    .thenComparing(r -> cheapest(r.model()).pricing().output()).thenComparing(byName);
            case CONTEXT -> Comparator.comparing((ModelRow r) -> r.model().contextLength(), Comparator.reverseOrder())
                    .thenComparing(byName);
            case LATENCY -> Comparator.comparing((ModelRow r) -> r.live().ttft().p50(),
                    Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(byName);
            case THROUGHPUT -> Comparator.comparing((ModelRow r) -> r.live().decode().p50(),
                    Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(byName);
            case UPTIME -> Comparator.comparing((ModelRow r) -> r.live().uptime24h().percent(),
                    Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(byName);
        };
    }

    private static CatalogEndpoint cheapest(CatalogModel m) {
        return m.endpoints().stream().min(Comparator.comparing((CatalogEndpoint e) -> e.pricing().input())
                .thenComparing(e -> e.pricing().output())).orElseThrow();
    }
}
