package dev.switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load client of {@code bench/proxy.sh} (not a test: surefire's name patterns do not match it, and nothing in
 * {@code mvn verify} runs it). It sends OpenAI Chat Completions requests, streaming and not, to several targets (the
 * simulator directly, the gateway in front of it, any other OpenAI-compatible gateway), interleaved in time slices so
 * that the gateway's overhead is a difference measured side by side, and prints a Markdown table.
 *
 * <p>Two load models:
 * <ul>
 *   <li>{@code rate:N} — open model, N requests/s on a fixed schedule. Latency is measured from each request's
 *   <em>intended</em> start time, so a stalled server is charged for the requests it delayed (no coordinated
 *   omission); connections are opened as needed (up to {@code --max-conns}, then requests queue, and that queueing
 *   counts as latency).</li>
 *   <li>{@code conns:N} — closed loop, N connections each with one request in flight, back to back: saturation.</li>
 * </ul>
 * For streams the time to first token (TTFT) is the time to the first {@code data:} chunk that carries non-empty
 * {@code content}; the latency is the time to the end of the stream. Gateway CPU per request comes from
 * {@code /proc/<pid>/stat} (utime + stime) over the gateway's slices, RSS peak from {@code VmHWM}.
 */
public final class ProxyLoad {

    private static final String USAGE = """
            Usage: ProxyLoad --target NAME=URL,KEY,MODEL [--target ...] [options]
              --target NAME=URL,KEY,MODEL   an OpenAI-compatible base URL (ending in /v1), its key and model; the
                                            first target is the baseline ("direct"), overheads are against it
              --pid NAME=PID                process whose CPU (utime+stime) and RSS peak are reported for NAME
              --scenarios LIST              comma-separated rate:N and conns:N (default rate:100,rate:500,rate:2000,
                                            conns:16,conns:64)
              --modes LIST                  plain,stream (default both)
              --duration SECONDS            measured time per scenario, mode and target (default 10)
              --slices N                    interleaved slices per target in a scenario (default 2; ABBA order)
              --warmup SECONDS              per target and mode before measuring, at conns:16 (default 5)
              --settle SECONDS              after the warm-up, keep warming each measured process (--pid) in rounds
                                            over all modes until its JIT threads use under 5% of a CPU in a round,
                                            for at most SECONDS (default 0: no settling)
              --max-conns N                 connection cap per target for rate scenarios (default 512)
              --max-tokens N                max_tokens of each request (default 64)
              --guard-ms X                  exit 3 when an overhead p99 (latency for plain, TTFT for streams) at
                                            the rate scenarios exceeds X ms
              --cold SECONDS                first a cold-start profile (ColdStart): from the moment --ready-url
                                            answers, --cold-rate req/s to every target at once for SECONDS, per
                                            --cold-window, then a saturation probe of the last target
              --ready-url URL               the gateway's readiness URL, polled every 10 ms before --cold
              --cold-rate N                 requests/s per target in the cold profile (default 500)
              --cold-window SECONDS         window of the cold profile (default 5)
              --cold-probe SECONDS          saturation probe after it (64 connections, JSON; default 5)
              --out FILE                    also write the Markdown table there
              --tsv FILE                    also write the raw numbers (ms) there
            """;

    private static final AtomicInteger NOT_JSON_SHOWN = new AtomicInteger();

    record Target(String name, String baseUrl, String key, String model) {
    }

    record Scenario(String kind, int n) {
        boolean open() {
            return kind.equals("rate");
        }

        @Override
        public String toString() {
            return open() ? n + " req/s" : n + " conns";
        }
    }

    /** What one (scenario, mode, target) measured, over all its slices. */
    static final class Result {
        final Histogram latency = new ConcurrentHistogram(1, TimeUnit.SECONDS.toMicros(120), 3);
        final Histogram ttft = new ConcurrentHistogram(1, TimeUnit.SECONDS.toMicros(120), 3);
        final AtomicLong ok = new AtomicLong();
        final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
        long measuredNanos;
        long cpuTicks;
        long jitTicks;
        boolean cpuKnown;
        long rssPeakKb = -1;

        void error(String kind) {
            errors.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        }

        long errorCount() {
            return errors.values().stream().mapToLong(AtomicInteger::get).sum();
        }

        double rps() {
            return measuredNanos == 0 ? 0 : (ok.get() + errorCount()) * 1e9 / measuredNanos;
        }
    }

    private final List<Target> targets = new ArrayList<>();
    private final Map<String, Integer> pids = new LinkedHashMap<>();
    private final List<Scenario> scenarios = new ArrayList<>();
    private final List<Boolean> modes = new ArrayList<>();
    private double duration = 10;
    private int slices = 2;
    private double warmup = 5;
    private double settle = 0;
    private int maxConns = 512;
    private int maxTokens = 64;
    private double guardMs = -1;
    private double cold = 0;
    private String readyUrl;
    private int coldRate = 500;
    private double coldWindow = 5;
    private double coldProbe = 5;
    private Path out;
    private Path tsv;
    private long clockTicks = 100;

    private Vertx vertx;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    /** The one event loop each client's requests are sent from, so their callbacks run where they were set. */
    private final Map<HttpClient, io.vertx.core.Context> loops = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        ProxyLoad load = new ProxyLoad();
        try {
            load.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
        int code = load.run();
        System.exit(code);
    }

    private void parse(String[] args) {
        String scenarioList = "rate:100,rate:500,rate:2000,conns:16,conns:64";
        String modeList = "plain,stream";
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--target" -> {
                    int eq = value.indexOf('=');
                    String[] parts = value.substring(eq + 1).split(",", 3);
                    if (eq <= 0 || parts.length != 3) {
                        throw new IllegalArgumentException("--target wants NAME=URL,KEY,MODEL");
                    }
                    String base = parts[0].endsWith("/") ? parts[0].substring(0, parts[0].length() - 1) : parts[0];
                    targets.add(new Target(value.substring(0, eq), base, parts[1], parts[2]));
                }
                case "--pid" -> {
                    int eq = value.indexOf('=');
                    pids.put(value.substring(0, eq), Integer.parseInt(value.substring(eq + 1)));
                }
                case "--scenarios" -> scenarioList = value;
                case "--modes" -> modeList = value;
                case "--duration" -> duration = Double.parseDouble(value);
                case "--slices" -> slices = Math.max(1, Integer.parseInt(value));
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--settle" -> settle = Double.parseDouble(value);
                case "--max-conns" -> maxConns = Integer.parseInt(value);
                case "--max-tokens" -> maxTokens = Integer.parseInt(value);
                case "--guard-ms" -> guardMs = Double.parseDouble(value);
                case "--cold" -> cold = Double.parseDouble(value);
                case "--ready-url" -> readyUrl = value;
                case "--cold-rate" -> coldRate = Integer.parseInt(value);
                case "--cold-window" -> coldWindow = Double.parseDouble(value);
                case "--cold-probe" -> coldProbe = Double.parseDouble(value);
                case "--out" -> out = Path.of(value);
                case "--tsv" -> tsv = Path.of(value);
                case "--clock-ticks" -> clockTicks = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no --target given");
        }
        for (String s : scenarioList.split(",")) {
            String[] kv = s.strip().split(":");
            if (kv.length != 2 || !(kv[0].equals("rate") || kv[0].equals("conns"))) {
                throw new IllegalArgumentException("bad scenario " + s + " (rate:N or conns:N)");
            }
            scenarios.add(new Scenario(kv[0], Integer.parseInt(kv[1])));
        }
        for (String m : modeList.split(",")) {
            switch (m.strip()) {
                case "plain" -> modes.add(false);
                case "stream" -> modes.add(true);
                default -> throw new IllegalArgumentException("bad mode " + m + " (plain or stream)");
            }
        }
    }

    private int run() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        try {
            ColdStart coldStart = null;
            if (cold > 0) {
                if (readyUrl == null || targets.size() < 2) {
                    throw new IllegalArgumentException("--cold needs --ready-url and two targets (direct, gateway)");
                }
                coldStart = new ColdStart(this, targets, pids.get(targets.getLast().name), readyUrl, cold, coldRate,
                        coldWindow, coldProbe);
                coldStart.run();
            }
            for (boolean stream : modes) {
                for (Target target : targets) {
                    log("warm-up %s %s (%.0f s at 16 conns)", target.name, stream ? "stream" : "plain", warmup);
                    runSlice(target, new Scenario("conns", 16), stream, warmup, new Result());
                }
            }
            for (Target target : targets) {
                settleJit(target);
            }
            Map<String, Result> results = new LinkedHashMap<>();
            for (boolean stream : modes) {
                for (Scenario scenario : scenarios) {
                    for (Target t : targets) {
                        results.put(key(scenario, stream, t), new Result());
                    }
                    double slice = duration / slices;
                    for (int s = 0; s < slices; s++) {
                        List<Target> order = new ArrayList<>(targets);
                        if (s % 2 == 1) {
                            java.util.Collections.reverse(order);
                        }
                        for (Target t : order) {
                            Result r = results.get(key(scenario, stream, t));
                            runSlice(t, scenario, stream, slice, r);
                        }
                    }
                    Result base = results.get(key(scenario, stream, targets.getFirst()));
                    for (Target t : targets) {
                        Result r = results.get(key(scenario, stream, t));
                        log("%-12s %-6s %-10s %8.0f req/s p50 %7.2f p99 %7.2f ms%s errors %d", scenario,
                                stream ? "stream" : "plain", t.name, r.rps(), ms(r.latency, 50), ms(r.latency, 99),
                                t == targets.getFirst() ? "" : String.format(Locale.ROOT, " (overhead p50 %+.2f p99 %+.2f)",
                                        ms(r.latency, 50) - ms(base.latency, 50),
                                        ms(r.latency, 99) - ms(base.latency, 99)),
                                r.errorCount());
                    }
                }
            }
            String table = table(results);
            if (coldStart != null) {
                table = coldStart.table(clockTicks) + "\n" + coldSummary(coldStart, results) + "\n\nWarm:\n\n" + table;
            }
            System.out.println(table);
            if (out != null) {
                Files.writeString(out, table);
            }
            if (tsv != null) {
                Files.writeString(tsv, tsv(results));
            }
            return guard(results);
        } finally {
            for (HttpClient c : clients.values()) {
                c.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static String key(Scenario scenario, boolean stream, Target target) {
        return scenario + "|" + stream + "|" + target.name;
    }

    // ---- one slice of load

    void runSlice(Target target, Scenario scenario, boolean stream, double seconds, Result result)
            throws InterruptedException {
        HttpClient client = client(target, scenario.open() ? maxConns : scenario.n);
        Integer pid = pids.get(target.name);
        long[] cpuBefore = pid == null ? null : cpu(pid);
        long durationNanos = (long) (seconds * 1e9);
        AtomicInteger inFlight = new AtomicInteger();
        long start = System.nanoTime();
        long deadline = start + durationNanos;
        byte[] body = body(target, stream);
        if (scenario.open()) {
            long period = 1_000_000_000L / scenario.n;
            long intended = start;
            while (intended < deadline) {
                long now = System.nanoTime();
                if (now < intended) {
                    LockSupport.parkNanos(intended - now);
                    continue;
                }
                // every request whose time has come goes now, stamped with the time it was meant to go
                while (intended <= now && intended < deadline) {
                    inFlight.incrementAndGet();
                    send(client, target, body, stream, intended, result, () -> inFlight.decrementAndGet());
                    intended += period;
                }
            }
        } else {
            CountDownLatch done = new CountDownLatch(scenario.n);
            for (int i = 0; i < scenario.n; i++) {
                loop(client, target, body, stream, deadline, result, done);
            }
            done.await(Math.max(60, (long) seconds * 3), TimeUnit.SECONDS);
        }
        long measured = System.nanoTime() - start;
        // the stragglers of an open run finish before the next slice starts (and count)
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
            Thread.sleep(2);
        }
        if (inFlight.get() > 0) {
            result.error("unfinished after 30 s");
        }
        result.measuredNanos += measured;
        if (cpuBefore != null) {
            long[] cpuAfter = cpu(pid);
            if (cpuAfter != null && cpuBefore.length > 0) {
                result.cpuTicks += cpuAfter[0] - cpuBefore[0];
                result.jitTicks += cpuAfter[1] - cpuBefore[1];
                result.cpuKnown = true;
            }
            result.rssPeakKb = Math.max(result.rssPeakKb, rssPeakKb(pid));
        }
    }

    /**
     * Warms {@code target} in rounds (4 s at 16 connections per mode) until its JIT compiler threads used under 5% of
     * one CPU in a round: on a slow machine C2 is still compiling the hot path minutes into a run, and measuring then
     * reports compilation, not the cost of a request.
     */
    private void settleJit(Target target) throws Exception {
        Integer pid = pids.get(target.name);
        if (settle <= 0 || pid == null) {
            return;
        }
        double round = 4;
        long started = System.nanoTime();
        while (true) {
            long[] before = cpu(pid);
            long roundStart = System.nanoTime();
            for (boolean stream : modes) {
                runSlice(target, new Scenario("conns", 16), stream, round, new Result());
            }
            long[] after = cpu(pid);
            double seconds = (System.nanoTime() - roundStart) / 1e9;
            double elapsed = (System.nanoTime() - started) / 1e9;
            if (before == null || after == null) {
                return;
            }
            double jitShare = (after[1] - before[1]) / (double) clockTicks / seconds;
            if (jitShare < 0.05) {
                log("%s settled after %.0f s more (JIT %.1f%% of a CPU in the last round)", target.name, elapsed,
                        100 * jitShare);
                return;
            }
            if (elapsed >= settle) {
                log("%s: JIT still at %.1f%% of a CPU after %.0f s more warm-up; measuring anyway", target.name,
                        100 * jitShare, elapsed);
                return;
            }
        }
    }

    private void loop(HttpClient client, Target target, byte[] body, boolean stream, long deadline, Result result,
                      CountDownLatch done) {
        long now = System.nanoTime();
        if (now >= deadline) {
            done.countDown();
            return;
        }
        send(client, target, body, stream, now, result, () -> loop(client, target, body, stream, deadline, result,
                done));
    }

    HttpClient client(Target target, int poolSize) {
        HttpClient client = clients.computeIfAbsent(target.name + "|" + poolSize, k -> vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setPipelining(false)
                        .setIdleTimeout(60),
                new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(-1)));
        loops.computeIfAbsent(client, c -> vertx.getOrCreateContext());
        return client;
    }

    byte[] body(Target target, boolean stream) {
        return ("{\"model\":\"" + target.model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Write one short sentence about switchboards.\"}],\"max_tokens\":" + maxTokens
                + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** One request; {@code startNanos} is when it was meant to start (latency counts from there). */
    void send(HttpClient client, Target target, byte[] body, boolean stream, long startNanos, Result result,
                      Runnable then) {
        // on the client's event loop: handlers attached from the scheduling thread raced an upstream that answers at
        // once (the Node mock), and the body went by before its handler was set
        if (Vertx.currentContext() != loops.get(client)) {
            loops.get(client).runOnContext(v -> send(client, target, body, stream, startNanos, result, then));
            return;
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(target.baseUrl + "/chat/completions").setIdleTimeout(30_000)
                .putHeader("authorization", "Bearer " + target.key).putHeader("content-type", "application/json")
                .putHeader("accept", stream ? "text/event-stream" : "application/json");
        boolean[] settled = {false};
        client.request(options).compose(req -> req.send(Buffer.buffer(body))).onComplete(ar -> {
            if (ar.failed()) {
                settle(settled, result, "exception: " + ar.cause().getClass().getSimpleName(), then);
                return;
            }
            HttpClientResponse response = ar.result();
            if (response.statusCode() != 200) {
                response.body().onComplete(b -> settle(settled, result, "HTTP " + response.statusCode(), then));
                return;
            }
            if (!stream) {
                response.body().onComplete(b -> {
                    if (b.failed()) {
                        settle(settled, result, "body: " + b.cause().getClass().getSimpleName(), then);
                    } else if (b.result().length() == 0 || b.result().getByte(0) != '{') {
                        if (NOT_JSON_SHOWN.getAndIncrement() < 3) {
                            // the body itself, to tell a broken answer from a misread one
                            log("%s answered 200 with a body that is not JSON (%d bytes, content-type %s): %.200s",
                                    target.name, b.result().length(), response.getHeader("content-type"),
                                    b.result().toString(StandardCharsets.UTF_8));
                        }
                        settle(settled, result, "not JSON", then);
                    } else {
                        result.latency.recordValue(micros(System.nanoTime() - startNanos));
                        result.ok.incrementAndGet();
                        settle(settled, null, null, then);
                    }
                });
                return;
            }
            boolean[] first = {false};
            StringBuilder tail = new StringBuilder();
            response.handler(chunk -> {
                String text = chunk.toString(StandardCharsets.UTF_8);
                if (!first[0] && hasContent(text)) {
                    first[0] = true;
                    result.ttft.recordValue(micros(System.nanoTime() - startNanos));
                }
                tail.append(text);
                if (tail.length() > 256) {
                    tail.delete(0, tail.length() - 256);
                }
            });
            response.exceptionHandler(e -> settle(settled, result, "stream: " + e.getClass().getSimpleName(), then));
            response.endHandler(v -> {
                if (tail.indexOf("[DONE]") < 0) {
                    settle(settled, result, "stream without [DONE]", then);
                } else if (!first[0]) {
                    settle(settled, result, "stream without content", then);
                } else {
                    result.latency.recordValue(micros(System.nanoTime() - startNanos));
                    result.ok.incrementAndGet();
                    settle(settled, null, null, then);
                }
            });
        });
    }

    private static void settle(boolean[] settled, Result result, String error, Runnable then) {
        if (settled[0]) {
            return;
        }
        settled[0] = true;
        if (error != null) {
            result.error(error);
        }
        then.run();
    }

    /** A {@code data:} chunk with a non-empty {@code "content":"..."} in it. */
    static boolean hasContent(String text) {
        int from = 0;
        while (true) {
            int at = text.indexOf("\"content\":\"", from);
            if (at < 0) {
                at = text.indexOf("\"content\": \"", from);
                if (at < 0) {
                    return false;
                }
                at += 1;
            }
            int value = at + "\"content\":\"".length();
            if (value < text.length() && text.charAt(value) != '"') {
                return true;
            }
            from = value;
        }
    }

    private static long micros(long nanos) {
        return Math.max(1, nanos / 1000);
    }

    // ---- /proc

    /**
     * utime + stime of the process, and of its JIT compiler threads alone (HotSpot names them "C1 CompilerThre…" and
     * "C2 CompilerThre…"), in clock ticks: on a slow machine the JIT is still busy minutes into a run, and the two
     * figures tell compilation from the steady-state cost of a request.
     */
    static long[] cpu(int pid) {
        try {
            long jit = 0;
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                            jit += ticks(Files.readString(task.resolve("stat")));
                        }
                    } catch (IOException gone) {
                        // the thread ended between the listing and the read
                    }
                }
            }
            return new long[] {ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))), jit};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long rssPeakKb(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    // ---- reporting

    static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%+.2f", v);
    }

    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private String table(Map<String, Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario | target | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | TTFT p50 | TTFT p99 | errors "
                + "| CPU ms/req | of it JIT | RSS peak MB |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        Target base = targets.getFirst();
        for (boolean stream : modes) {
            for (Scenario scenario : scenarios) {
                String name = (stream ? "stream " : "plain ") + scenario;
                Result b = results.get(key(scenario, stream, base));
                for (Target t : targets) {
                    Result r = results.get(key(scenario, stream, t));
                    sb.append("| ").append(name).append(" | ").append(t.name).append(" | ")
                            .append(String.format(Locale.ROOT, "%.0f", r.rps()));
                    for (double p : PERCENTILES) {
                        sb.append(" | ").append(f(ms(r.latency, p)));
                    }
                    sb.append(" | ").append(stream ? f(ms(r.ttft, 50)) : "").append(" | ")
                            .append(stream ? f(ms(r.ttft, 99)) : "").append(" | ").append(errors(r)).append(" | ")
                            .append(perRequest(r, r.cpuTicks, "%.3f")).append(" | ")
                            .append(perRequest(r, r.jitTicks, "%.3f"))
                            .append(" | ").append(r.rssPeakKb > 0 ? String.valueOf(r.rssPeakKb / 1024) : "")
                            .append(" |\n");
                    if (t != base) {
                        sb.append("| ").append(name).append(" | **overhead** ").append(t.name).append(" | ")
                                .append(String.format(Locale.ROOT, "%.0f%%", 100.0 * r.rps() / b.rps()));
                        for (double p : PERCENTILES) {
                            sb.append(" | **").append(signed(ms(r.latency, p) - ms(b.latency, p))).append("**");
                        }
                        sb.append(" | ").append(stream ? "**" + signed(ms(r.ttft, 50) - ms(b.ttft, 50)) + "**" : "")
                                .append(" | ").append(stream ? "**" + signed(ms(r.ttft, 99) - ms(b.ttft, 99)) + "**" : "")
                                .append(" | | | | |\n");
                    }
                }
            }
        }
        return sb.toString();
    }

    /**
     * The cold profile against the warm figures of the same run: when the overhead p99 stayed under 5 ms, and the
     * saturation probe after the cold minute as a share of the warm saturation (the last target at the largest
     * closed-loop JSON scenario).
     */
    private String coldSummary(ColdStart c, Map<String, Result> results) {
        StringBuilder sb = new StringBuilder();
        double under = c.underFrom(5);
        sb.append(String.format(Locale.ROOT, "- Overhead p99 (JSON latency and stream TTFT) under 5 ms, no errors: %s%n",
                Double.isNaN(under) ? "not reached in the cold profile" : "from " + (long) under + " s after ready on"));
        Target g = targets.getLast();
        Scenario warmSat = null;
        for (Scenario s : scenarios) {
            if (!s.open() && modes.contains(false) && (warmSat == null || s.n > warmSat.n)) {
                warmSat = s;
            }
        }
        double probeRps = c.probe.rps();
        sb.append(String.format(Locale.ROOT, "- Saturation probe at %.0f s after ready (64 conns, JSON): %.0f req/s, "
                + "%s ms CPU/request, errors %d", cold, probeRps, perRequest(c.probe, c.probe.cpuTicks, "%.3f"),
                c.probe.errorCount()));
        if (warmSat != null) {
            Result warm = results.get(key(warmSat, false, g));
            sb.append(String.format(Locale.ROOT, "; warm (plain %s, same run): %.0f req/s, %s ms CPU/request: "
                    + "**%.0f%% of warm**", warmSat, warm.rps(), perRequest(warm, warm.cpuTicks, "%.3f"),
                    100 * probeRps / warm.rps()));
        }
        return sb.append('\n').toString();
    }

    /** Milliseconds of CPU per request from clock ticks, or empty when the process was not measured. */
    private String perRequest(Result r, long ticks, String format) {
        return r.cpuKnown && r.ok.get() > 0
                ? String.format(Locale.ROOT, format, ticks * 1000.0 / clockTicks / (r.ok.get() + r.errorCount())) : "";
    }

    private static String errors(Result r) {
        if (r.errors.isEmpty()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder().append(r.errorCount()).append(" (");
        r.errors.forEach((k, v) -> sb.append(k).append(": ").append(v.get()).append("; "));
        sb.setLength(sb.length() - 2);
        return sb.append(")").toString();
    }

    private String tsv(Map<String, Result> results) {
        StringBuilder sb = new StringBuilder("mode\tscenario\ttarget\trps\tp50\tp90\tp99\tp99.9\tttft_p50\tttft_p99\t"
                + "errors\tcpu_ms_per_req\tjit_ms_per_req\trss_peak_mb\n");
        for (boolean stream : modes) {
            for (Scenario scenario : scenarios) {
                for (Target t : targets) {
                    Result r = results.get(key(scenario, stream, t));
                    sb.append(stream ? "stream" : "plain").append('\t').append(scenario.kind).append(':')
                            .append(scenario.n).append('\t').append(t.name).append('\t')
                            .append(String.format(Locale.ROOT, "%.1f", r.rps()));
                    for (double p : PERCENTILES) {
                        sb.append('\t').append(f(ms(r.latency, p)));
                    }
                    sb.append('\t').append(f(ms(r.ttft, 50))).append('\t').append(f(ms(r.ttft, 99))).append('\t')
                            .append(r.errorCount()).append('\t')
                            .append(perRequest(r, r.cpuTicks, "%.4f")).append('\t')
                            .append(perRequest(r, r.jitTicks, "%.4f"))
                            .append('\t').append(r.rssPeakKb > 0 ? String.valueOf(r.rssPeakKb / 1024) : "")
                            .append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** 0, or 3 when an overhead p99 at a fixed rate is over the guard. */
    private int guard(Map<String, Result> results) {
        if (guardMs < 0 || targets.size() < 2) {
            return 0;
        }
        int code = 0;
        Target base = targets.getFirst();
        for (boolean stream : modes) {
            for (Scenario scenario : scenarios) {
                if (!scenario.open()) {
                    continue;
                }
                Result b = results.get(key(scenario, stream, base));
                for (Target t : targets.subList(1, targets.size())) {
                    Result r = results.get(key(scenario, stream, t));
                    Histogram hb = stream ? b.ttft : b.latency;
                    Histogram hr = stream ? r.ttft : r.latency;
                    double overhead = ms(hr, 99) - ms(hb, 99);
                    boolean bad = Double.isNaN(overhead) || overhead > guardMs || r.errorCount() > 0;
                    System.out.printf(Locale.ROOT, "guard: %s %s %s overhead p99 %s ms (limit %.2f ms), errors %d: %s%n",
                            stream ? "stream TTFT" : "plain latency", scenario, t.name, signed(overhead), guardMs,
                            r.errorCount(), bad ? "FAIL" : "ok");
                    if (bad) {
                        code = 3;
                    }
                }
            }
        }
        return code;
    }

    static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[load] " + format + "%n", args);
    }
}
