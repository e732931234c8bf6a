package dev.switchboard.catalog;

import java.util.List;

/** One model served by one provider. */
public record CatalogEndpoint(
        long id,
        String modelSlug,
        CatalogProvider provider,
        String upstreamId,
        Pricing pricing,
        int contextLength,
        Integer maxOutputTokens,
        String quantization,
        List<String> supportedParameters,
        boolean originalVendor) {

    /** The exact model value the proxy accepts to pin this provider, e.g. {@code anthropic/claude-sonnet-4:amazon-bedrock}. */
    public String slug() {
        return modelSlug + ":" + provider.slug();
    }

    public boolean supports(String parameter) {
        return supportedParameters.contains(parameter);
    }
}
