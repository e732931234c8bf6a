package dev.switchboard.usage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** {@code switchboard.auth.*}: who may call the proxy and the admin pages. */
@ConfigMapping(prefix = "switchboard.auth")
public interface AuthConfig {

    /** A gateway key that always works, for the proxy and the admin pages; from the environment, never a file in git. */
    Optional<String> masterKey();

    /** How often this replica re-reads the keys (others' creations and revocations); a scheduler expression. */
    @WithDefault("10s")
    String refreshInterval();

    /** How long an admin page session lasts after logging in with the master key. */
    @WithDefault("12h")
    java.time.Duration adminSession();
}
