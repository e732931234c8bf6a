package dev.switchboard.proxy;

import dev.switchboard.web.Formats;
import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Graceful shutdown of the proxy. A call is in flight from the moment its body starts arriving until its response
 * has ended (or its caller went away). On the stop signal (Quarkus' pre-shutdown phase, before the HTTP server
 * closes) readiness goes down, new calls get a 503 in their caller's protocol, and the stop waits for the calls in
 * flight up to {@code switchboard.shutdown.grace-period}; calls still running then end with the protocol's error
 * event (a stream is never cut silently). The buffers are flushed afterwards, on the shutdown event.
 */
@ApplicationScoped
public class ProxyDrain {

    /** How long the cut calls get to write their error event before the server closes. */
    private static final Duration CUT_WAIT = Duration.ofSeconds(2);

    @Inject
    DrainConfig config;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<ProxyExchange> exchanges = ConcurrentHashMap.newKeySet();
    private final Object idle = new Object();
    private volatile boolean draining;

    /** False once the stop signal has come: no new proxy calls (and no new probes). */
    public boolean draining() {
        return draining;
    }

    /** Counts a call in; false (nothing counted) when draining, and the caller is to be refused. */
    boolean enter() {
        inFlight.incrementAndGet();
        if (draining) {
            leave();
            return false;
        }
        return true;
    }

    /** Once per call that {@link #enter} let in, when its response has ended or its caller went away. */
    void leave() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    void track(ProxyExchange exchange) {
        exchanges.add(exchange);
    }

    void untrack(ProxyExchange exchange) {
        exchanges.remove(exchange);
    }

    int inFlight() {
        return inFlight.get();
    }

    /**
     * SIGTERM is the ordinary way to stop a service (systemd, Kubernetes, docker stop), not a failure: the app stops
     * as on {@code Quarkus.asyncExit} (the same drain, flush and shutdown) and exits with 0, not the JVM's 143.
     */
    void onStart(@Observes StartupEvent event) {
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> Quarkus.asyncExit(0));
            } catch (IllegalArgumentException notOnThisPlatform) {
                Log.debugf("No SIGTERM handler: %s", notOnThisPlatform.getMessage());
            }
        }
    }

    void onStopSignal(@Observes ShutdownDelayInitiatedEvent event) {
        drain();
    }

    /** Blocks the stop until the calls in flight have ended, or the grace period is over and they were cut. */
    void drain() {
        draining = true;
        long start = System.nanoTime();
        int atStart = inFlight.get();
        if (atStart > 0) {
            Log.infof("Stopping: %s in flight, waiting up to %ds for them (switchboard.shutdown."
                    + "grace-period); new calls are refused", Formats.counted(atStart, "proxy call"),
                    config.gracePeriod().toSeconds());
        }
        boolean finished = awaitIdle(config.gracePeriod());
        if (!finished) {
            int cut = 0;
            for (ProxyExchange exchange : exchanges) {
                exchange.cutForShutdown();
                cut++;
            }
            Log.warnf("Stopping: the grace period (%ds) is over; ending %s still running with an error event",
                    config.gracePeriod().toSeconds(), Formats.counted(cut, "call"));
            awaitIdle(CUT_WAIT);
        }
        if (atStart > 0) {
            Log.infof("Stopping: proxy drained in %d ms (%d still open)",
                    Duration.ofNanos(System.nanoTime() - start).toMillis(), inFlight.get());
        }
    }

    private boolean awaitIdle(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    idle.wait(Math.max(1, left / 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }
}
