package dev.switchboard.bench;

import dev.switchboard.bench.ProxyLoad.Result;
import dev.switchboard.bench.ProxyLoad.Scenario;
import dev.switchboard.bench.ProxyLoad.Target;
import io.vertx.core.http.HttpClient;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The cold-start profile of {@link ProxyLoad} ({@code --cold SECONDS}): what a gateway that just started serves in its
 * first minute, as a deploy or a scale-out under load meets it. The load client starts before the gateway is ready
 * and polls its readiness URL every 10 ms (warming itself and the upstream with direct calls meanwhile); from the
 * first 200 it sends a fixed rate to the upstream directly and through the gateway at the same time, alternating
 * JSON and streamed calls, and files each call under the window of its intended start time. Per window: latency
 * p50/p99 of JSON calls and TTFT p50/p99 of streams, each direct and through the gateway, their difference (the
 * overhead), errors and the gateway's CPU. Then a saturation probe on the gateway (closed loop, 64 connections, JSON),
 * which {@code bench/proxy.sh --cold} compares with the warm saturation measured later in the same run.
 */
final class ColdStart {

    static final class Window {
        final Result[] plain;
        final Result[] stream;
        long cpuTicks = -1;

        Window(int targets) {
            plain = new Result[targets];
            stream = new Result[targets];
            for (int t = 0; t < targets; t++) {
                plain[t] = new Result();
                stream[t] = new Result();
            }
        }
    }

    private final ProxyLoad load;
    private final List<Target> targets;
    private final Target gateway;
    private final Integer gatewayPid;
    private final String readyUrl;
    private final double seconds;
    private final int rate;
    private final double windowSeconds;
    private final double probeSeconds;

    final List<Window> windows = new ArrayList<>();
    final Result probe = new Result();
    double readyAfterSeconds = Double.NaN;

    ColdStart(ProxyLoad load, List<Target> targets, Integer gatewayPid, String readyUrl, double seconds, int rate,
              double windowSeconds, double probeSeconds) {
        this.load = load;
        this.targets = targets;
        this.gateway = targets.getLast();
        this.gatewayPid = gatewayPid;
        this.readyUrl = readyUrl;
        this.seconds = seconds;
        this.rate = rate;
        this.windowSeconds = windowSeconds;
        this.probeSeconds = probeSeconds;
    }

    void run() throws Exception {
        awaitReady();
        int count = (int) Math.ceil(seconds / windowSeconds);
        for (int w = 0; w < count; w++) {
            windows.add(new Window(targets.size()));
        }
        long ready = System.nanoTime();
        long windowNanos = (long) (windowSeconds * 1e9);
        long deadline = ready + count * windowNanos;
        Thread cpuSampler = Thread.ofPlatform().daemon().start(() -> sampleCpu(ready, windowNanos, count));
        List<HttpClient> clients = new ArrayList<>();
        List<byte[]> plainBodies = new ArrayList<>();
        List<byte[]> streamBodies = new ArrayList<>();
        for (Target t : targets) {
            clients.add(load.client(t, 512));
            plainBodies.add(load.body(t, false));
            streamBodies.add(load.body(t, true));
        }
        AtomicInteger inFlight = new AtomicInteger();
        long period = 1_000_000_000L / rate;
        long intended = ready;
        long n = 0;
        while (intended < deadline) {
            long now = System.nanoTime();
            if (now < intended) {
                LockSupport.parkNanos(intended - now);
                continue;
            }
            while (intended <= now && intended < deadline) {
                boolean stream = (n++ & 1) == 1;
                Window window = windows.get((int) ((intended - ready) / windowNanos));
                for (int t = 0; t < targets.size(); t++) {
                    inFlight.incrementAndGet();
                    load.send(clients.get(t), targets.get(t), stream ? streamBodies.get(t) : plainBodies.get(t),
                            stream, intended, stream ? window.stream[t] : window.plain[t], inFlight::decrementAndGet);
                }
                intended += period;
            }
        }
        long drainUntil = System.nanoTime() + 30_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
            Thread.sleep(2);
        }
        cpuSampler.join(10_000);
        ProxyLoad.log("cold: %.0f s after ready; saturation probe (%.0f s at 64 conns, JSON) on %s", seconds,
                probeSeconds, gateway.name());
        load.runSlice(gateway, new Scenario("conns", 64), false, probeSeconds, probe);
        for (int w = 0; w < windows.size(); w++) {
            ProxyLoad.log("cold window %s: JSON overhead p50 %s p99 %s, stream TTFT overhead p50 %s p99 %s",
                    span(w), signed(overhead(w, false, 50)), signed(overhead(w, false, 99)),
                    signed(overhead(w, true, 50)), signed(overhead(w, true, 99)));
        }
    }

    /** Direct calls at the cold rate while polling the gateway's readiness, so the client and upstream are warm. */
    private void awaitReady() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(200)).build();
        Target direct = targets.getFirst();
        HttpClient client = load.client(direct, 512);
        byte[] plain = load.body(direct, false);
        byte[] stream = load.body(direct, true);
        Result discard = new Result();
        long started = System.nanoTime();
        long nextCall = started;
        long nextPoll = started;
        long period = 1_000_000_000L / rate;
        boolean odd = false;
        while (true) {
            long now = System.nanoTime();
            if (now >= nextPoll) {
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(readyUrl))
                            .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        readyAfterSeconds = (System.nanoTime() - started) / 1e9;
                        ProxyLoad.log("cold: %s ready (%.1f s after the load client began polling)", readyUrl,
                                readyAfterSeconds);
                        return;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                nextPoll = System.nanoTime() + 10_000_000L;
                if (System.nanoTime() - started > 300_000_000_000L) {
                    throw new IllegalStateException(readyUrl + " not ready within 300 s");
                }
            }
            now = System.nanoTime();
            while (nextCall <= now) {
                load.send(client, direct, odd ? stream : plain, odd, nextCall, discard, () -> { });
                odd = !odd;
                nextCall += period;
            }
            LockSupport.parkNanos(Math.max(100_000L, Math.min(nextPoll, nextCall) - System.nanoTime()));
        }
    }

    private void sampleCpu(long ready, long windowNanos, int count) {
        if (gatewayPid == null) {
            return;
        }
        long[] previous = ProxyLoad.cpu(gatewayPid);
        for (int w = 0; w < count; w++) {
            long boundary = ready + (w + 1) * windowNanos;
            while (System.nanoTime() < boundary) {
                LockSupport.parkNanos(boundary - System.nanoTime());
            }
            long[] now = ProxyLoad.cpu(gatewayPid);
            if (previous != null && now != null) {
                windows.get(w).cpuTicks = now[0] - previous[0];
            }
            previous = now;
        }
    }

    String span(int w) {
        return String.format(Locale.ROOT, "%.0f-%.0f s", w * windowSeconds, (w + 1) * windowSeconds);
    }

    /** Gateway minus direct at the percentile: JSON latency, or stream TTFT. */
    double overhead(int w, boolean stream, double percentile) {
        Window window = windows.get(w);
        Result base = stream ? window.stream[0] : window.plain[0];
        Result through = stream ? window.stream[targets.size() - 1] : window.plain[targets.size() - 1];
        Histogram hb = stream ? base.ttft : base.latency;
        Histogram ht = stream ? through.ttft : through.latency;
        return ProxyLoad.ms(ht, percentile) - ProxyLoad.ms(hb, percentile);
    }

    long errors(int w) {
        Window window = windows.get(w);
        long sum = 0;
        for (int t = 0; t < targets.size(); t++) {
            sum += window.plain[t].errorCount() + window.stream[t].errorCount();
        }
        return sum;
    }

    /** The start of the first window from which on every window's overhead p99 (JSON and TTFT) is under the limit. */
    double underFrom(double limitMs) {
        int from = windows.size();
        for (int w = windows.size() - 1; w >= 0; w--) {
            double a = overhead(w, false, 99);
            double b = overhead(w, true, 99);
            if (Double.isNaN(a) || Double.isNaN(b) || a >= limitMs || b >= limitMs || errors(w) > 0) {
                break;
            }
            from = w;
        }
        return from == windows.size() ? Double.NaN : from * windowSeconds;
    }

    String table(long clockTicks) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Cold start: %d req/s (half JSON, half streams) to %s and %s at once "
                + "from the first ready answer, per %.0f s window%n%n", rate, targets.getFirst().name(),
                gateway.name(), windowSeconds));
        sb.append("| window after ready | JSON p50 direct | JSON p50 gateway | JSON p99 direct | JSON p99 gateway "
                + "| **JSON overhead p50** | **p99** | TTFT p99 direct | TTFT p99 gateway | **TTFT overhead p50** "
                + "| **p99** | errors | gateway CPU % |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        int g = targets.size() - 1;
        for (int w = 0; w < windows.size(); w++) {
            Window window = windows.get(w);
            sb.append("| ").append(span(w))
                    .append(" | ").append(f(ProxyLoad.ms(window.plain[0].latency, 50)))
                    .append(" | ").append(f(ProxyLoad.ms(window.plain[g].latency, 50)))
                    .append(" | ").append(f(ProxyLoad.ms(window.plain[0].latency, 99)))
                    .append(" | ").append(f(ProxyLoad.ms(window.plain[g].latency, 99)))
                    .append(" | **").append(signed(overhead(w, false, 50))).append("**")
                    .append(" | **").append(signed(overhead(w, false, 99))).append("**")
                    .append(" | ").append(f(ProxyLoad.ms(window.stream[0].ttft, 99)))
                    .append(" | ").append(f(ProxyLoad.ms(window.stream[g].ttft, 99)))
                    .append(" | **").append(signed(overhead(w, true, 50))).append("**")
                    .append(" | **").append(signed(overhead(w, true, 99))).append("**")
                    .append(" | ").append(errors(w))
                    .append(" | ").append(window.cpuTicks < 0 ? "" : String.format(Locale.ROOT, "%.0f",
                            100.0 * window.cpuTicks / clockTicks / windowSeconds))
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%+.2f", v);
    }
}
