package dev.switchboard.aot;

import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimServer;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The JDK's AOT cache of the packaged app (JDK 25: JEP 483 classes loaded and linked ahead of time, JEP 515 method
 * profiles so the JIT starts from a warm profile), trained by the build: {@code ./mvnw package} runs this after
 * Quarkus packaged {@code target/quarkus-app} (pom.xml, exec-maven-plugin in the package phase), and
 * {@code deploy/Dockerfile} runs it again inside the image, because a cache holds only for the JDK build that wrote it.
 *
 * <p>One training run: the simulated upstream in this JVM, the packaged app started as the README starts it plus
 * {@code -XX:AOTCacheOutput} (production mode, providers {@code openai} and {@code anthropic} pointed at the simulator,
 * a throw-away embedded PostgreSQL, no prober), the traffic it serves in production for a few seconds (OpenAI and
 * Anthropic calls, streamed and not, pass-through and translated, the model lists and the portal's pages), then
 * SIGTERM: the JVM writes the cache as it exits.
 *
 * <p>A cache is an optimisation, never a reason to fail a build: on a JDK before 25 (no {@code -XX:AOTCacheOutput})
 * this prints one line and writes nothing, and a training run that fails says why in a warning and leaves no cache,
 * so the start command's {@code -XX:AOTCache} finds none and the app starts as without it.
 */
public final class AotTraining {

    private static final String MASTER_KEY = "sk-aot-training-master-key";
    private static final String SIM_KEY = "sim-key-1";
    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]";
    /** The app's own settings in the environment would point the training run at the user's database or providers. */
    private static final List<String> ENV_PREFIXES = List.of("QUARKUS_", "SWITCHBOARD_", "_PROD_", "_DEV_");

    private final Path appDir;
    private final Path cache;
    private final Path work;
    private final double seconds;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private AotTraining(Path appDir, Path cache, Path work, double seconds) {
        this.appDir = appDir;
        this.cache = cache;
        this.work = work;
        this.seconds = seconds;
    }

    public static void main(String[] args) throws Exception {
        Path appDir = Path.of("target/quarkus-app");
        Path cache = null;
        Path work = null;
        double seconds = 20;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--app-dir" -> appDir = Path.of(args[i + 1]);
                case "--cache" -> cache = Path.of(args[i + 1]);
                case "--work" -> work = Path.of(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                default -> {
                    System.err.println("usage: AotTraining [--app-dir DIR] [--cache FILE] [--work DIR] [--seconds N]");
                    System.exit(2);
                }
            }
        }
        appDir = appDir.toAbsolutePath();
        cache = cache == null ? appDir.resolve("app.aot") : cache.toAbsolutePath();
        work = work == null ? appDir.resolveSibling("aot-training") : work.toAbsolutePath();
        int feature = Runtime.version().feature();
        if (feature < 25) {
            Files.deleteIfExists(cache);
            info("JDK " + feature + ": no AOT cache (it needs JDK 25 or newer); the app starts without one");
            return;
        }
        long started = System.nanoTime();
        AotTraining training = new AotTraining(appDir, cache, work, seconds);
        String failure = training.run();
        if (failure == null) {
            info(String.format("AOT cache %s (%d MB) written in %.0f s; the app uses it when started with "
                            + "-XX:AOTCache=%s", cache, Files.size(cache) >> 20, (System.nanoTime() - started) / 1e9,
                    cache));
        } else {
            Files.deleteIfExists(cache);
            System.out.println("[WARNING] [aot] No AOT cache: " + failure + " (training log: "
                    + work.resolve("app.log") + "). The app starts without it, only slower.");
        }
        // the simulator's Vert.x threads would keep this JVM alive
        System.exit(0);
    }

    private static void info(String line) {
        System.out.println("[INFO] [aot] " + line);
    }

    /** Null when the cache was written, else what went wrong. */
    private String run() throws Exception {
        Path jar = appDir.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            return "no packaged app at " + jar;
        }
        deleteTree(work);
        Files.createDirectories(work);
        Files.deleteIfExists(cache);
        Vertx vertx = Vertx.vertx();
        SimServer sim = new SimServer(vertx, SimConfig.defaults().withApiKeys(Set.of(SIM_KEY)));
        int simPort = sim.start(0);
        String simUrl = "http://127.0.0.1:" + simPort;
        int appPort = freePort();
        Process app = null;
        try {
            // a short, even upstream so the run is spent in the gateway, not waiting on simulated tokens
            send("PUT", simUrl + "/_sim/profiles/*", null, "{\"ttftMs\": 2, \"ttftSpread\": 0, "
                    + "\"tokensPerSecond\": 2000, \"outputTokens\": 12, \"outputTokensSpread\": 0}");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:AOTCacheOutput=" + cache,
                    // JDK 25 also stores the interpreter's call adapters; a run on a different CPU count or collector
                    // then warns on every start that it cannot link them. Classes and profiles are what pays.
                    "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTAdapterCaching", "-XX:-AOTStubCaching",
                    "-Xms64m", "-Xmx160m",
                    "-Dquarkus.http.port=" + appPort, "-Dquarkus.http.host=127.0.0.1",
                    "-Dswitchboard.provider.openai.base-url=" + simUrl + "/v1",
                    "-Dswitchboard.provider.openai.api-key=" + SIM_KEY,
                    "-Dswitchboard.provider.anthropic.base-url=" + simUrl,
                    "-Dswitchboard.provider.anthropic.api-key=" + SIM_KEY,
                    "-Dswitchboard.auth.master-key=" + MASTER_KEY,
                    "-Dswitchboard.demo=off", "-Dswitchboard.probe.enabled=false",
                    "-Dswitchboard.embedded-db.dir=" + work.resolve("pg"),
                    "-Dswitchboard.embedded-db.port=" + freePort(),
                    "-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                    .redirectErrorStream(true).redirectOutput(work.resolve("app.log").toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> ENV_PREFIXES.stream().anyMatch(k::startsWith) || k.equals("DB_URL")
                    || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
            env.put("MALLOC_ARENA_MAX", "2");
            app = builder.start();
            String base = "http://127.0.0.1:" + appPort;
            if (!awaitReady(app, base + "/q/health/ready", Duration.ofSeconds(180))) {
                return app.isAlive() ? "the app was not ready within 180 s" : "the app exited during start-up";
            }
            String failed = traffic(base);
            if (failed != null) {
                return failed;
            }
            app.destroy(); // SIGTERM: the app drains and stops, and the JVM then writes the cache
            if (!app.waitFor(300, TimeUnit.SECONDS)) {
                return "the training run did not exit within 300 s of SIGTERM";
            }
            if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
                return "the training run exited (" + app.exitValue() + ") without writing " + cache;
            }
            return null;
        } finally {
            if (app != null && app.isAlive()) {
                app.destroyForcibly();
            }
            sim.stop();
            vertx.close();
        }
    }

    private boolean awaitReady(Process app, String url, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && app.isAlive()) {
            try {
                if (send("GET", url, null, null) == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Four callers for {@link #seconds}, each going round every kind of call; null when every call succeeded. */
    private String traffic(String base) throws Exception {
        List<String[]> calls = List.of(
                new String[] {"/v1/chat/completions", "{\"model\":\"openai/gpt-4.1\"," + MESSAGES + "}"},
                new String[] {"/v1/chat/completions", "{\"model\":\"openai/gpt-4.1\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}," + MESSAGES + "}"},
                new String[] {"/v1/messages", "{\"model\":\"anthropic/claude-sonnet-4\",\"max_tokens\":64," + MESSAGES
                        + "}"},
                new String[] {"/v1/messages", "{\"model\":\"anthropic/claude-sonnet-4\",\"max_tokens\":64,"
                        + "\"stream\":true," + MESSAGES + "}"},
                new String[] {"/v1/messages", "{\"model\":\"openai/gpt-4.1\",\"max_tokens\":64," + MESSAGES + "}"},
                new String[] {"/v1/messages", "{\"model\":\"openai/gpt-4.1\",\"max_tokens\":64,\"stream\":true,"
                        + MESSAGES + "}"},
                new String[] {"/v1/chat/completions", "{\"model\":\"anthropic/claude-sonnet-4\"," + MESSAGES + "}"},
                new String[] {"/v1/chat/completions", "{\"model\":\"anthropic/claude-sonnet-4\",\"stream\":true,"
                        + MESSAGES + "}"});
        List<String> pages = List.of("/v1/models", "/api/v1/models", "/", "/models", "/models?q=gpt&sort=price",
                "/models/openai/gpt-4.1", "/q/health/ready", "/q/metrics");
        long until = System.nanoTime() + (long) (seconds * 1e9);
        AtomicInteger done = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                results.add(callers.submit(() -> {
                    int round = 0;
                    while (System.nanoTime() < until) {
                        for (String[] call : calls) {
                            int status = send("POST", base + call[0], MASTER_KEY, call[1]);
                            if (status != 200) {
                                return "POST " + call[0] + " " + call[1] + " answered " + status;
                            }
                            done.incrementAndGet();
                        }
                        if (round++ % 10 == 0) {
                            for (String page : pages) {
                                int status = send("GET", base + page, MASTER_KEY, null);
                                if (status != 200) {
                                    return "GET " + page + " answered " + status;
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<String> result : results) {
                String failed = result.get();
                if (failed != null) {
                    return failed;
                }
            }
        } finally {
            callers.shutdownNow();
        }
        info("training traffic: " + done.get() + " calls in " + (long) seconds + " s");
        return null;
    }

    private int send(String method, String url, String key, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        if (key != null) {
            request.header("authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
