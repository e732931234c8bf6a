package dev.switchboard.proxy;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.catalog.ProviderStatus;
import dev.switchboard.observe.ProxyMetrics;
import dev.switchboard.observe.ProxyObservers;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.providers.ProviderSettings;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.routing.CircuitConfig;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.routing.StickyConfig;
import dev.switchboard.routing.StickySessions;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimServer;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Warms the proxy's hot path before readiness goes up. A fresh JVM interprets the proxy for its first seconds and
 * then compiles thousands of methods on one core while serving: its first 20 s were seconds behind. So before the
 * readiness check says UP, real calls go over loopback through the gateway's own HTTP port -- OpenAI and Anthropic,
 * JSON and streams, passed through and translated -- to a simulator in this JVM (zero delays), until the JIT is quiet
 * or {@code switchboard.warmup.max-seconds} have passed.
 *
 * <p>Warm-up calls carry a key made up for this run alone, and the routes give them a {@link Run}: a catalog of two
 * made-up endpoints pointed at the simulator, and a copy of the proxy's services with their own circuit and sticky
 * state, metrics into a private registry, and nothing recorded (no samples, no generations). So the catalog's
 * endpoints, their stats and circuits, the key limits, /q/metrics and the logs never see them.
 */
@Singleton
public class ProxyWarmup {

    /** Compilers busy less than this share of the time over {@link #QUIET_SECONDS} in a row: warm enough. */
    private static final double QUIET_SHARE = 0.10;
    private static final int QUIET_SECONDS = 2;
    private static final String SIM_KEY = "sim-warmup-key";
    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]";
    private static final String GPT = "warmup/gpt";
    private static final String CLAUDE = "warmup/claude";
    /** Every kind of chat call the gateway serves, each going to both kinds of upstream. */
    private static final List<String[]> CALLS = List.of(
            new String[] {"/v1/chat/completions", "{\"model\":\"" + GPT + "\"," + MESSAGES + "}"},
            new String[] {"/v1/chat/completions", "{\"model\":\"" + GPT + "\",\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true}," + MESSAGES + "}"},
            new String[] {"/v1/messages", "{\"model\":\"" + CLAUDE + "\",\"max_tokens\":64," + MESSAGES + "}"},
            new String[] {"/v1/messages", "{\"model\":\"" + CLAUDE + "\",\"max_tokens\":64,\"stream\":true,"
                    + MESSAGES + "}"},
            new String[] {"/v1/messages", "{\"model\":\"" + GPT + "\",\"max_tokens\":64," + MESSAGES + "}"},
            new String[] {"/v1/messages", "{\"model\":\"" + GPT + "\",\"max_tokens\":64,\"stream\":true,"
                    + MESSAGES + "}"},
            new String[] {"/v1/chat/completions", "{\"model\":\"" + CLAUDE + "\"," + MESSAGES + "}"},
            new String[] {"/v1/chat/completions", "{\"model\":\"" + CLAUDE + "\",\"stream\":true," + MESSAGES + "}"},
            new String[] {"/v1/responses", "{\"model\":\"" + GPT + "\",\"input\":\"Say hello\"}"},
            new String[] {"/v1/responses", "{\"model\":\"" + GPT + "\",\"input\":\"Say hello\",\"stream\":true}"});

    /** What the routes use for a warm-up call instead of the application's catalog and services. */
    record Run(byte[] key, Catalog catalog, ProxyServices services) {
    }

    public enum State { OFF, WAITING, RUNNING, DONE }

    @Inject
    WarmupConfig config;

    @Inject
    ProxyServices services;

    @Inject
    CircuitConfig circuits;

    @Inject
    StickyConfig stickiness;

    @Inject
    ValueRegistry values;

    /** The plain HTTP server's configured port, once it listens (0: a random one, known only as it binds). */
    private final CompletableFuture<Integer> httpPort = new CompletableFuture<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.OFF);
    private final AtomicLong requests = new AtomicLong();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile String failure;
    private volatile Run run;
    private volatile boolean stopping;

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        state.set(State.WAITING);
        Thread.ofPlatform().name("switchboard-warmup").daemon().start(this::warmUp);
    }

    void onHttpStart(@ObservesAsync HttpServerStart start) {
        httpPort.complete(start.options().getPort());
    }

    /** The port the server listens on; a random one (tests) is known once Quarkus registers what it bound. */
    private int boundPort(int configured) throws InterruptedException {
        for (int i = 0; configured <= 0 && i < 200; i++) {
            configured = values.getOrDefault(HttpServer.HTTP_PORT, 0);
            if (configured <= 0) {
                Thread.sleep(50);
            }
        }
        return configured;
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** True once nothing holds readiness back: the warm-up is over, or off. */
    public boolean done() {
        State s = state.get();
        return s == State.OFF || s == State.DONE;
    }

    public State state() {
        return state.get();
    }

    /** Warm-up calls served since start-up; they appear nowhere else. */
    public long requests() {
        return requests.get();
    }

    /** Completes when the warm-up is over (at once when it is off). */
    public CompletionStage<Void> finished() {
        return done() ? CompletableFuture.completedFuture(null) : finished;
    }

    /** Why the warm-up stopped early, or null when it did not. */
    public String failure() {
        return failure;
    }

    /** The warm-up run a presented key belongs to, or null (no warm-up running, or another key). */
    Run runFor(String presentedKey) {
        Run current = run;
        if (current == null || presentedKey == null) {
            return null;
        }
        return MessageDigest.isEqual(current.key(), presentedKey.getBytes(StandardCharsets.UTF_8)) ? current : null;
    }

    private void warmUp() {
        long started = System.nanoTime();
        SimServer sim = null;
        HttpClient client = null;
        try {
            int port;
            try {
                port = boundPort(httpPort.get(60, TimeUnit.SECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                failure = "no plain HTTP port";
                Log.warn("No warm-up: the plain HTTP port did not open within 60 s; the proxy starts cold");
                return;
            }
            if (port <= 0) {
                failure = "the HTTP port is not known";
                Log.warn("No warm-up: the HTTP port is not known; the proxy starts cold");
                return;
            }
            state.set(State.RUNNING);
            sim = new SimServer(services.vertx, SimConfig.defaults().withHost("127.0.0.1")
                    .withApiKeys(Set.of(SIM_KEY)).withDefaultProfile(SimProfile.builder().ttftMs(0).ttftSpread(0)
                            .tokensPerSecond(100_000).outputTokens(12).outputTokensSpread(0).build()));
            String simUrl = "http://127.0.0.1:" + sim.start(0);
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            String key = "sk-warmup-" + HexFormat.of().formatHex(secret);
            run = newRun(key, simUrl);
            client = services.vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(config.concurrency()));
            failure = drive(client, key, started);
            long calls = requests.get();
            double seconds = (System.nanoTime() - started) / 1e9;
            if (failure != null) {
                Log.warnf("The proxy warm-up stopped after %.1f s and %d requests: %s; the proxy starts only partly "
                        + "warm", seconds, calls, failure);
            } else {
                Log.infof("Warmed up the proxy path in %.1f s, %d requests", seconds, calls);
            }
        } catch (Exception e) {
            failure = e.toString();
            Log.warnf("The proxy warm-up failed (%s); the proxy starts cold", e.toString());
        } finally {
            run = null;
            if (client != null) {
                client.close();
            }
            if (sim != null) {
                try {
                    sim.stop();
                } catch (RuntimeException e) {
                    Log.debugf("The warm-up simulator did not stop cleanly: %s", e.getMessage());
                }
            }
            state.set(State.DONE);
            finished.complete(null);
        }
    }

    /**
     * Keeps {@code concurrency} calls in flight until the JIT is quiet, the cap is reached, or a call fails; returns
     * why it stopped early on a failure, else null.
     */
    private String drive(HttpClient client, String key, long started) throws InterruptedException {
        AtomicReference<String> failure = new AtomicReference<>();
        int lanes = Math.max(1, config.concurrency());
        CountDownLatch finished = new CountDownLatch(lanes);
        boolean[] stop = {false};
        for (int lane = 0; lane < lanes; lane++) {
            next(client, key, lane, stop, failure, finished);
        }
        long capNanos = started + TimeUnit.SECONDS.toNanos(Math.max(1, config.maxSeconds()));
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
        long lastCompileMs = measurable ? jit.getTotalCompilationTime() : 0;
        int quiet = 0;
        while (System.nanoTime() < capNanos && failure.get() == null && !stopping) {
            Thread.sleep(1000);
            if (measurable) {
                long compileMs = jit.getTotalCompilationTime();
                quiet = compileMs - lastCompileMs < QUIET_SHARE * 1000 ? quiet + 1 : 0;
                lastCompileMs = compileMs;
                if (quiet >= QUIET_SECONDS) {
                    break;
                }
            }
        }
        synchronized (stop) {
            stop[0] = true;
        }
        if (!finished.await(30, TimeUnit.SECONDS)) {
            return failure.get() != null ? failure.get() : "warm-up calls still open 30 s after the end";
        }
        return failure.get();
    }

    private void next(HttpClient client, String key, int lane, boolean[] stop, AtomicReference<String> failure,
                      CountDownLatch finished) {
        synchronized (stop) {
            if (stop[0] || failure.get() != null || stopping) {
                finished.countDown();
                return;
            }
        }
        String[] call = CALLS.get((int) ((lane + requests.get()) % CALLS.size()));
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(call[0])
                        .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + key))
                .compose(request -> request.send(Buffer.buffer(call[1])))
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("POST " + call[0] + " " + call[1] + " answered "
                                + response.statusCode() + ": " + abbreviate(body.toString()));
                    }
                    return body;
                }))
                .onComplete(result -> {
                    if (result.succeeded()) {
                        requests.incrementAndGet();
                    } else {
                        failure.compareAndSet(null, result.cause().getMessage());
                    }
                    next(client, key, lane, stop, failure, finished);
                });
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /** Two made-up endpoints (negative ids, never in a real catalog) on the simulator, one of each native kind. */
    private Run newRun(String key, String simUrl) {
        CatalogProvider openAi = provider("warmup-openai", ProviderKind.OPENAI, simUrl + "/v1");
        CatalogProvider anthropic = provider("warmup-anthropic", ProviderKind.ANTHROPIC, simUrl);
        CatalogEndpoint gpt = endpoint(-1, GPT, openAi, "gpt-4.1");
        CatalogEndpoint claude = endpoint(-2, CLAUDE, anthropic, "claude-sonnet-4");
        Catalog catalog = new Catalog(List.of(model(GPT, gpt), model(CLAUDE, claude)), List.of(openAi, anthropic),
                Map.of("warmup", "Warm-up"));
        ProxyObservers metricsOnly = new ProxyObservers(List.of(
                new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))));
        ProxyServices copy = services.forWarmup(new EndpointHealth(circuits), new StickySessions(stickiness),
                metricsOnly, Map.of(gpt, target(gpt), claude, target(claude)));
        return new Run(key.getBytes(StandardCharsets.UTF_8), catalog, copy);
    }

    private static CatalogProvider provider(String slug, ProviderKind kind, String baseUrl) {
        return new CatalogProvider(slug, slug, kind, baseUrl, null, null, null, ProviderStatus.LIVE);
    }

    private static CatalogEndpoint endpoint(long id, String model, CatalogProvider provider, String upstreamId) {
        return new CatalogEndpoint(id, model, provider, upstreamId, new Pricing(BigDecimal.ONE, BigDecimal.TEN, null,
                null), 128_000, 16_384, null, List.of("max_tokens", "temperature", "top_p", "stop", "stream",
                "tools", "tool_choice", "response_format", "seed"), true);
    }

    private static CatalogModel model(String slug, CatalogEndpoint endpoint) {
        return new CatalogModel(slug, "warmup", "Warm-up", slug, "", null, 128_000, List.of("text"),
                List.of("text"), Set.of(), List.of(), List.of(endpoint));
    }

    private static UpstreamTarget target(CatalogEndpoint endpoint) {
        CatalogProvider provider = endpoint.provider();
        return new UpstreamTarget(provider.slug(), provider.kind(), provider.baseUrl(), endpoint.upstreamId(), null,
                new ProviderSettings(provider.slug(), Optional.of(provider.baseUrl()), Optional.of(SIM_KEY),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), true));
    }
}
