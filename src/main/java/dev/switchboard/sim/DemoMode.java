package dev.switchboard.sim;

import dev.switchboard.providers.ProviderKind;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * Demo mode ({@code switchboard.demo}: auto, on, off): the catalog's providers that have no credentials are backed
 * by the simulated upstream running inside the app, so a newcomer without API keys sees working endpoints. With
 * {@code auto} (the default) it is on exactly when no provider of the catalog has credentials.
 */
@ApplicationScoped
public class DemoMode {

    /**
     * Where a simulated provider is reached: the simulator's URL in the form the provider's kind expects, its API key,
     * and for Vertex AI a service-account key file whose tokens the simulator issues (null for other kinds), so that
     * demo mode goes through the real token flow and Claude on Vertex, which takes no API key, works too.
     */
    public record Backing(String baseUrl, String apiKey, String credentialsFile) {
    }

    @ConfigProperty(name = "switchboard.demo", defaultValue = "auto")
    String setting;

    @Inject
    SimulatorLauncher simulator;

    private volatile boolean announced;
    private volatile Map<String, Backing> backings = Map.of();
    private String vertexKeyFile;

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
        Map<String, SimProfile> profiled = server.runtime().profiles().snapshot().models();
        upstreamModels.forEach((model, provider) -> {
            if (!profiled.containsKey(model)) {
                server.runtime().profiles().put(model, DemoProfiles.forProvider(provider));
            }
        });
        String key = server.runtime().apiKeys().iterator().next();
        String vertexKeyFile = providers.containsValue(ProviderKind.VERTEX) ? vertexKeyFile(server) : null;
        Map<String, Backing> backing = new java.util.HashMap<>();
        providers.forEach((slug, kind) -> backing.put(slug, new Backing(baseUrl(server.baseUrl(), slug, kind), key,
                kind == ProviderKind.VERTEX ? vertexKeyFile : null)));
        backings = Map.copyOf(backing);
        if (!announced) {
            announced = true;
            Log.infof("Demo mode: %d providers without credentials are simulated by the built-in upstream at %s. "
                    + "Set switchboard.provider.<slug>.api-key (or switchboard.demo=off) to use real providers.",
                    providers.size(), server.baseUrl());
        }
        return backing;
    }

    /** How a simulated provider is reached, as decided at the last catalog refresh; empty when it is not simulated. */
    public Optional<Backing> backing(String providerSlug) {
        return Optional.ofNullable(backings.get(providerSlug));
    }

    public Optional<SimServer> server() {
        return Optional.ofNullable(simulator.server());
    }

    /**
     * The simulator's own service-account key, written once to a file readable by this user only: the gateway loads
     * Vertex credentials from a file, as it would a real key.
     */
    private synchronized String vertexKeyFile(SimServer server) {
        // written once: the catalog is refreshed every minute, and each refresh must not leave a new file behind
        if (vertexKeyFile == null) {
            vertexKeyFile = writeVertexKeyFile(server);
        }
        return vertexKeyFile;
    }

    static String writeVertexKeyFile(SimServer server) {
        String json = server.runtime().googleAuth().keyJson(server.baseUrl() + "/token", "switchboard-demo");
        if (json == null) {
            return null;
        }
        try {
            Path file;
            try {
                file = Files.createTempFile("switchboard-sim-vertex-", ".json", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                file = Files.createTempFile("switchboard-sim-vertex-", ".json");
            }
            file.toFile().deleteOnExit();
            Files.writeString(file, json);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulator's Vertex AI key file", e);
        }
    }

    static String baseUrl(String sim, String slug, ProviderKind kind) {
        return switch (kind) {
            // Azure's deployment URLs hang off /openai, Mistral's streams have their own shape; every other
            // OpenAI-compatible base includes its /v1
            case OPENAI -> switch (slug) {
                case "azure" -> sim + "/openai";
                case "mistral" -> sim + "/mistral/v1";
                default -> sim + "/v1";
            };
            case ANTHROPIC, VERTEX, BEDROCK -> sim;
        };
    }
}
