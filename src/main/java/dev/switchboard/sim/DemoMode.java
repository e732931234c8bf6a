package dev.switchboard.sim;

import dev.switchboard.providers.ProviderKind;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;
import java.util.Optional;

/**
 * Demo mode ({@code switchboard.demo}: auto, on, off): the catalog's providers that have no credentials are backed
 * by the simulated upstream running inside the app, so a newcomer without API keys sees working endpoints. With
 * {@code auto} (the default) it is on exactly when no provider of the catalog has credentials.
 */
@ApplicationScoped
public class DemoMode {

    /** Where a simulated provider is reached: the simulator's URL in the form the provider's kind expects. */
    public record Backing(String baseUrl, String apiKey) {
    }

    @ConfigProperty(name = "switchboard.demo", defaultValue = "auto")
    String setting;

    @Inject
    SimulatorLauncher simulator;

    private volatile boolean announced;

    /** Decides from the configuration and whether any provider has credentials; throws on a setting it cannot read. */
    public boolean active(boolean anyProviderConfigured) {
        return switch (setting.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            case "auto" -> !anyProviderConfigured;
            default -> throw new IllegalArgumentException(
                    "switchboard.demo must be auto, on or off, not '" + setting + "'");
        };
    }

    /**
     * Starts the simulator if needed, gives each simulated provider's models its provider's profile, and says where
     * each provider is reached. {@code upstreamModels} maps each upstream model id to its provider's slug.
     */
    public Map<String, Backing> back(Map<String, ProviderKind> providers, Map<String, String> upstreamModels) {
        SimServer server = simulator.ensureStarted();
        // Models already profiled keep theirs: an operator may have tuned them through the control API.
        Map<String, SimProfile> current = server.runtime().profiles().snapshot().models();
        upstreamModels.forEach((model, provider) -> {
            if (!current.containsKey(model)) {
                server.runtime().profiles().put(model, DemoProfiles.forProvider(provider));
            }
        });
        String key = server.runtime().apiKeys().iterator().next();
        Map<String, Backing> backing = new java.util.HashMap<>();
        providers.forEach((slug, kind) -> backing.put(slug, new Backing(baseUrl(server.baseUrl(), slug, kind), key)));
        if (!announced) {
            announced = true;
            Log.infof("Demo mode: %d providers without credentials are simulated by the built-in upstream at %s. "
                    + "Set switchboard.provider.<slug>.api-key (or switchboard.demo=off) to use real providers.",
                    providers.size(), server.baseUrl());
        }
        return backing;
    }

    public Optional<SimServer> server() {
        return Optional.ofNullable(simulator.server());
    }

    static String baseUrl(String sim, String slug, ProviderKind kind) {
        return switch (kind) {
            // Azure's deployment URLs hang off /openai; every other OpenAI-compatible base includes its /v1
            case OPENAI -> "azure".equals(slug) ? sim + "/openai" : sim + "/v1";
            case ANTHROPIC, VERTEX, BEDROCK -> sim;
        };
    }
}
