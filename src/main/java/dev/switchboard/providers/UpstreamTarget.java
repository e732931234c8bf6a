package dev.switchboard.providers;

/**
 * Where one attempt goes: the provider, its wire kind and base URL (configuration over catalog), the model id the
 * provider expects, the region where the kind needs one, and the provider's settings with its credentials.
 */
public record UpstreamTarget(
        String providerSlug,
        ProviderKind kind,
        String baseUrl,
        String upstreamModel,
        String region,
        ProviderSettings settings) {

    @Override
    public String toString() {
        // settings prints no secret, but a target needs no settings in a log line at all
        return "UpstreamTarget[" + providerSlug + " (" + kind.id() + ") " + baseUrl + " model=" + upstreamModel + "]";
    }
}
