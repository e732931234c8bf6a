package dev.switchboard.web;

import dev.switchboard.catalog.Capability;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What the Models page was asked for, parsed from query parameters so every view is a link. A value that cannot be
 * understood is ignored and reported in {@link #problems()}, so a hand-edited URL still shows a page.
 *
 * <p>Within a group the choices widen the result (provider A or B); across groups they narrow it (and). Modalities
 * and capabilities narrow even within their group: ticking "image" and "audio" asks for models taking both.
 */
public record ModelsFilter(
        String query,
        Set<String> providers,
        Set<String> vendors,
        Set<String> inputModalities,
        Set<String> outputModalities,
        Integer minContext,
        BigDecimal maxPrice,
        Set<Capability> capabilities,
        boolean configuredOnly,
        ModelSort sort,
        int page,
        List<String> problems) {

    public static final int PAGE_SIZE = 50;

    public static ModelsFilter parse(Map<String, List<String>> params) {
        List<String> problems = new ArrayList<>();
        String query = first(params, "q");
        Set<String> capabilities = new LinkedHashSet<>(all(params, "capability"));
        Set<Capability> caps = new LinkedHashSet<>();
        for (String c : capabilities) {
            Capability.fromId(c).ifPresentOrElse(caps::add,
                    () -> problems.add("Unknown capability '" + c + "' was ignored."));
        }
        Integer minContext = null;
        String ctx = first(params, "min_context");
        if (ctx != null) {
            try {
                minContext = Integer.parseInt(ctx.replace("_", "").replace(",", ""));
                if (minContext < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add("Minimum context '" + ctx + "' is not a number of tokens and was ignored.");
                minContext = null;
            }
        }
        BigDecimal maxPrice = null;
        String price = first(params, "max_price");
        if (price != null) {
            try {
                maxPrice = new BigDecimal(price.replace("$", "").trim());
                // 1e999999999 is a valid BigDecimal whose plain form has a billion digits
                if (maxPrice.signum() < 0 || maxPrice.precision() - maxPrice.scale() > 9 || maxPrice.scale() > 12) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add("Maximum price '" + price + "' is not an amount in USD and was ignored.");
                maxPrice = null;
            }
        }
        ModelSort sort = ModelSort.NEWEST;
        String sortParam = first(params, "sort");
        if (sortParam != null) {
            sort = ModelSort.fromId(sortParam).orElse(null);
            if (sort == null) {
                problems.add("Unknown sort '" + sortParam + "'; showing newest first.");
                sort = ModelSort.NEWEST;
            }
        }
        int page = 1;
        String pageParam = first(params, "page");
        if (pageParam != null) {
            try {
                page = Math.max(1, Integer.parseInt(pageParam));
            } catch (NumberFormatException e) {
                problems.add("Page '" + pageParam + "' is not a number; showing the first page.");
            }
        }
        String availability = first(params, "availability");
        boolean configuredOnly = "configured".equals(availability);
        if (availability != null && !configuredOnly && !"all".equals(availability)) {
            problems.add("Unknown availability '" + availability + "'; showing all models.");
        }
        return new ModelsFilter(query, new LinkedHashSet<>(all(params, "provider")),
                new LinkedHashSet<>(all(params, "vendor")), new LinkedHashSet<>(all(params, "input")),
                new LinkedHashSet<>(all(params, "output")), minContext, maxPrice, caps, configuredOnly, sort, page,
                List.copyOf(problems));
    }

    public static ModelsFilter none() {
        return parse(Map.of());
    }

    /** Lower-cased search words; a model matches when each word is part of its name, slug or description. */
    public List<String> queryWords() {
        if (query == null) {
            return List.of();
        }
        return List.of(query.toLowerCase(Locale.ROOT).trim().split("\\s+")).stream().filter(w -> !w.isEmpty()).toList();
    }

    public boolean isFiltered() {
        return query != null || !providers.isEmpty() || !vendors.isEmpty() || !inputModalities.isEmpty()
                || !outputModalities.isEmpty() || minContext != null || maxPrice != null || !capabilities.isEmpty()
                || configuredOnly;
    }

    public boolean hasCapability(String id) {
        return capabilities.stream().anyMatch(c -> c.id().equals(id));
    }

    /** The query string for this view on another page (page 1 is left out so the canonical URL stays short). */
    public String queryString(int forPage) {
        StringJoiner q = new StringJoiner("&");
        add(q, "q", query);
        providers.forEach(p -> add(q, "provider", p));
        vendors.forEach(v -> add(q, "vendor", v));
        inputModalities.forEach(m -> add(q, "input", m));
        outputModalities.forEach(m -> add(q, "output", m));
        add(q, "min_context", minContext == null ? null : minContext.toString());
        add(q, "max_price", maxPrice == null ? null : maxPrice.toPlainString());
        capabilities.forEach(c -> add(q, "capability", c.id()));
        add(q, "availability", configuredOnly ? "configured" : null);
        add(q, "sort", sort == ModelSort.NEWEST ? null : sort.id());
        add(q, "page", forPage <= 1 ? null : Integer.toString(forPage));
        return q.toString();
    }

    private static void add(StringJoiner q, String name, String value) {
        if (value != null) {
            q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    private static String first(Map<String, List<String>> params, String name) {
        return all(params, name).stream().findFirst().orElse(null);
    }

    private static List<String> all(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null) {
            return List.of();
        }
        return values.stream().filter(v -> v != null && !v.isBlank()).map(String::trim).toList();
    }
}
