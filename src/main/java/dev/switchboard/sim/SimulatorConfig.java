package dev.switchboard.sim;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** {@code switchboard.sim.*}: the simulated upstream inside the app, off unless enabled. */
@ConfigMapping(prefix = "switchboard.sim")
public interface SimulatorConfig {

    /** Starts the simulator with the app. */
    @WithDefault("false")
    boolean enabled();

    /** Its port; 0 takes a free one (logged at start-up). */
    @WithDefault("0")
    int port();

    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("42")
    long seed();

    /** A profiles file (YAML or JSON), as for the standalone simulator. */
    Optional<String> profiles();

    /** Accepted API keys; none given means the public test key {@value SimConfig#DEFAULT_API_KEY}. */
    Optional<List<String>> keys();

    /**
     * AWS access keys the Bedrock protocol accepts, each {@code ACCESS_KEY_ID:SECRET}; none given means the public
     * test key {@value SimConfig#DEFAULT_AWS_ACCESS_KEY_ID}.
     */
    Optional<List<String>> awsKeys();

    /**
     * Service accounts the Google token endpoint trusts (Vertex AI): key JSON files, or {@code EMAIL=PEMFILE} with
     * the account's public key; none given means one made up by the simulator.
     */
    Optional<List<String>> googleServiceAccounts();
}
