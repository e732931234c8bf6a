package dev.switchboard.catalog;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** A model with its endpoints, ordered original vendor first, then by price. */
public record CatalogModel(
        String slug,
        String vendorSlug,
        String vendorName,
        String name,
        String description,
        LocalDate released,
        int contextLength,
        List<String> inputModalities,
        List<String> outputModalities,
        Set<Capability> capabilities,
        List<String> aliases,
        List<CatalogEndpoint> endpoints) {

    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }

    /** Whether any provider of this model can take traffic now. */
    public boolean live() {
        return endpoints.stream().anyMatch(e -> e.provider().status().routable());
    }

    public BigDecimal minInputPrice() {
        return endpoints.stream().map(e -> e.pricing().input()).min(Comparator.naturalOrder()).orElseThrow();
    }

    public BigDecimal maxInputPrice() {
        return endpoints.stream().map(e -> e.pricing().input()).max(Comparator.naturalOrder()).orElseThrow();
    }

    public BigDecimal minOutputPrice() {
        return endpoints.stream().map(e -> e.pricing().output()).min(Comparator.naturalOrder()).orElseThrow();
    }

    public BigDecimal maxOutputPrice() {
        return endpoints.stream().map(e -> e.pricing().output()).max(Comparator.naturalOrder()).orElseThrow();
    }

    /** The cheapest blended price among its providers: what "sort by price" and "max price" compare. */
    public BigDecimal minBlendedPrice() {
        return endpoints.stream().map(e -> e.pricing().blended()).min(Comparator.naturalOrder()).orElseThrow();
    }

    /** The part after the vendor, e.g. {@code claude-sonnet-4}. */
    public String modelPart() {
        return slug.substring(slug.indexOf('/') + 1);
    }
}
