package dev.switchboard.sim;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;

/** Starts the simulated upstream on the app's Vert.x when {@code switchboard.sim.enabled=true}. */
@ApplicationScoped
public class SimulatorLauncher {

    private final SimulatorConfig config;
    private final Vertx vertx;
    private SimServer server;

    SimulatorLauncher(SimulatorConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            ensureStarted();
        }
    }

    /** Starts the simulator if it is not running yet (demo mode asks for it even when not enabled explicitly). */
    public synchronized SimServer ensureStarted() {
        if (server != null) {
            return server;
        }
        SimConfig sim = SimConfig.defaults().withHost(config.host()).withSeed(config.seed());
        if (config.profiles().isPresent()) {
            try {
                sim = sim.withProfiles(SimProfiles.read(Path.of(config.profiles().get()), sim.defaultProfile()));
            } catch (IOException e) {
                throw new UncheckedIOException("switchboard.sim.profiles: cannot read " + config.profiles().get(), e);
            }
        }
        if (config.keys().isPresent() && !config.keys().get().isEmpty()) {
            sim = sim.withApiKeys(new LinkedHashSet<>(config.keys().get()));
        }
        if (config.awsKeys().isPresent() && !config.awsKeys().get().isEmpty()) {
            sim = sim.withAwsCredentials(SimulatorMain.awsKeys(String.join(",", config.awsKeys().get())));
        }
        for (String account : config.googleServiceAccounts().orElse(List.of())) {
            sim = sim.withGoogleServiceAccount(SimulatorMain.serviceAccount(account));
        }
        server = new SimServer(vertx, sim);
        server.start(config.port());
        Log.infof("Simulated upstream on %s (OpenAI: %s/v1, Anthropic and Bedrock: %s), seed %d, "
                + "%d model profile(s)", server.baseUrl(), server.baseUrl(), server.baseUrl(), sim.seed(),
                sim.profiles().size());
        return server;
    }

    synchronized void onStop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** The running simulator, or null when it is not running. */
    public synchronized SimServer server() {
        return server;
    }
}
