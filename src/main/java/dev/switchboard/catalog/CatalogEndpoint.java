package dev.switchboard.catalog;

import java.util.List;

/**
 * One model served by one provider.
 *
 * @param dataCollection "allow" when the provider may retain or train on prompts (or is not known not to), "deny"
 *                       when it does not
 * @param zdr            zero data retention: the provider keeps neither prompts nor completions
 */
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
        boolean originalVendor,
        String dataCollection,
        boolean zdr) {

    /** Without privacy facts: the conservative defaults (may collect data, not zero retention). */
    public CatalogEndpoint(long id, String modelSlug, CatalogProvider provider, String upstreamId, Pricing pricing,
                           int contextLength, Integer maxOutputTokens, String quantization,
                           List<String> supportedParameters, boolean originalVendor) {
        this(id, modelSlug, provider, upstreamId, pricing, contextLength, maxOutputTokens, quantization,
                supportedParameters, originalVendor, "allow", false);
    }

    /** The exact model value the proxy accepts to pin this provider, e.g. {@code anthropic/claude-sonnet-4:amazon-bedrock}. */
    public String slug() {
        return modelSlug + ":" + provider.slug();
    }

    public boolean supports(String parameter) {
        return supportedParameters.contains(parameter);
    }

    /** Whether the provider is known not to retain or train on prompts ({@code data_collection: deny}). */
    public boolean deniesDataCollection() {
        return "deny".equals(dataCollection);
    }
}
