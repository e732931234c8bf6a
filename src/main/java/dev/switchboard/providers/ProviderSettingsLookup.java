package dev.switchboard.providers;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Optional;

/**
 * Reads {@code switchboard.provider.<slug>.*} by exact property name. A {@code @ConfigMapping} map cannot tell
 * where a dashed slug ends in an environment variable ({@code SWITCHBOARD_PROVIDER_GOOGLE_VERTEX_API_KEY}); looking
 * up the known slugs of the catalog by name lets SmallRye apply its usual environment-variable rule unambiguously.
 */
@ApplicationScoped
public class ProviderSettingsLookup {

    public ProviderSettings forProvider(String slug) {
        Config config = ConfigProvider.getConfig();
        String prefix = "switchboard.provider." + slug + ".";
        return new ProviderSettings(
                slug,
                value(config, prefix + "base-url"),
                value(config, prefix + "api-key"),
                value(config, prefix + "region"),
                value(config, prefix + "project"),
                value(config, prefix + "credentials-file"),
                value(config, prefix + "access-key-id"),
                value(config, prefix + "secret-access-key"),
                value(config, prefix + "session-token"),
                value(config, prefix + "enabled").map(Boolean::parseBoolean).orElse(true));
    }

    private static Optional<String> value(Config config, String name) {
        return config.getOptionalValue(name, String.class).map(String::trim).filter(v -> !v.isEmpty());
    }
}
