package dev.switchboard.sim;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The simulated upstream: one HTTP server speaking every registered provider protocol plus the control API. It uses
 * the given Vert.x and nothing of Quarkus, so tests, the benchmark and {@link SimulatorMain} run it alike.
 *
 * <pre>{@code
 * SimServer sim = new SimServer(vertx, SimConfig.defaults().withSeed(7));
 * int port = sim.start(0);  // http://127.0.0.1:port/v1 for OpenAI clients, http://127.0.0.1:port for Anthropic
 *                           // and Google (Vertex AI, Gemini API) ones
 * ...
 * sim.stop();
 * }</pre>
 */
public final class SimServer {

    /** Bodies above this are refused with 413, as the providers refuse oversized requests. */
    private static final long BODY_LIMIT = 32L * 1024 * 1024;

    private final Vertx vertx;
    private final SimConfig config;
    private final SimRuntime runtime;
    private final List<SimProtocol> protocols;
    private HttpServer server;

    /** A server speaking the OpenAI (with Azure's form), Anthropic, Bedrock Converse and Vertex AI / Gemini API protocols. */
    public SimServer(Vertx vertx, SimConfig config) {
        this(vertx, config, List.of(new OpenAiSimProtocol(), new AnthropicSimProtocol(), new BedrockSimProtocol(),
                new VertexSimProtocol()));
    }

    public SimServer(Vertx vertx, SimConfig config, List<SimProtocol> protocols) {
        this.vertx = vertx;
        this.config = config;
        this.runtime = new SimRuntime(vertx, config);
        this.protocols = new ArrayList<>(protocols);
    }

    /** Starts listening; {@code port} 0 takes a free one. Returns the actual port. Blocks until bound. */
    public synchronized int start(int port) {
        if (server != null) {
            throw new IllegalStateException("already started on port " + server.actualPort());
        }
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(BODY_LIMIT).setHandleFileUploads(false));
        new SimControlApi().register(router, runtime);
        protocols.forEach(p -> p.register(router, runtime));
        runtime.stopping(false);
        try {
            server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(port))
                    .requestHandler(router)
                    .connectionHandler(connection -> {
                        runtime.connections().opened();
                        connection.closeHandler(v -> runtime.connections().closed());
                    })
                    .listen()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("simulator cannot listen on " + config.host() + ":" + port, e);
        }
        return server.actualPort();
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.actualPort();
    }

    /** {@code http://host:port}, the base URL for Anthropic clients; OpenAI clients add {@code /v1}. */
    public String baseUrl() {
        return "http://" + config.host() + ":" + port();
    }

    public SimRuntime runtime() {
        return runtime;
    }

    /** Stops listening and closes open connections (hanging requests included). Blocks until closed. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        runtime.stopping(true);
        try {
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("simulator did not stop", e);
        } finally {
            server = null;
        }
    }
}
