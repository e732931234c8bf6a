package dev.switchboard.catalog;

import dev.switchboard.providers.ProviderKind;

/** A provider as the portal and the router see it, with its status under the current configuration. */
public record CatalogProvider(
        String slug,
        String name,
        ProviderKind kind,
        String baseUrl,
        String region,
        String website,
        String description,
        ProviderStatus status) {
}
