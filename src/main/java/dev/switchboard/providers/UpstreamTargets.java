package dev.switchboard.providers;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.catalog.ProviderStatus;
import dev.switchboard.sim.DemoMode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * Where an attempt at an endpoint goes: the provider's configured base URL and credentials, or, for a provider that
 * demo mode simulates, the in-app simulator with the credentials it accepts. What routing and the prober call.
 */
@ApplicationScoped
public class UpstreamTargets {

    @Inject
    ProviderSettingsLookup settings;

    @Inject
    DemoMode demo;

    public UpstreamTarget forEndpoint(CatalogEndpoint endpoint) {
        CatalogProvider provider = endpoint.provider();
        ProviderSettings configured = settings.forProvider(provider.slug());
        if (provider.status() == ProviderStatus.SIMULATED) {
            DemoMode.Backing backing = demo.backing(provider.slug()).orElseThrow(() -> new IllegalStateException(
                    "Provider " + provider.slug() + " is simulated but demo mode has no backing for it"));
            configured = new ProviderSettings(provider.slug(), Optional.of(backing.baseUrl()),
                    Optional.ofNullable(backing.apiKey()), configured.region(), configured.project(),
                    Optional.ofNullable(backing.credentialsFile()), Optional.empty(), Optional.empty(),
                    Optional.empty(), true);
        }
        return new UpstreamTarget(provider.slug(), provider.kind(), provider.baseUrl(), endpoint.upstreamId(),
                provider.region(), configured);
    }
}
