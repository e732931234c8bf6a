package dev.switchboard.sim;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections open to the simulator and model requests not yet over (answered to their end, or left by the caller),
 * served on {@code GET /_sim/connections}: a client that leaks connections or leaves requests hanging shows here.
 */
public final class SimConnections {

    /** What {@code GET /_sim/connections} answers. */
    public record Counts(int open, int inFlight) {
    }

    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

    void requestStarted() {
        inFlight.incrementAndGet();
    }

    void requestOver() {
        inFlight.decrementAndGet();
    }

    public Counts counts() {
        return new Counts(open.get(), inFlight.get());
    }
}
