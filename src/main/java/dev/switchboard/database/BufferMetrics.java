package dev.switchboard.database;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

import java.util.function.LongSupplier;

/**
 * The metrics of one write-behind buffer on /q/metrics, tagged {@code buffer=<name>}: {@code switchboard_buffer_queued}
 * and {@code _capacity} (gauges), {@code _written_total}, {@code _dropped_total} (full buffer),
 * {@code _rejected_total} (refused by the database) and {@code _flush_failures_total} (counters), and
 * {@code switchboard_buffer_flush_seconds} (a histogram of flushes that had rows to write).
 */
public final class BufferMetrics {

    /** Readings of one buffer; read when metrics are scraped. */
    public record Readings(LongSupplier queued, int capacity, LongSupplier written, LongSupplier dropped,
                           LongSupplier rejected, LongSupplier flushFailures) {
    }

    private BufferMetrics() {
    }

    /** Registers the buffer's meters; returns the flush timer, for the buffer's owner to time its flushes with. */
    public static Timer register(MeterRegistry registry, String buffer, Readings r) {
        // The meters read through r. Micrometer holds what it reads weakly; the queued gauge holds r strongly, so r
        // (and the buffer its suppliers close over) cannot be collected while the registry lives.
        Gauge.builder("switchboard.buffer.queued", r, x -> x.queued().getAsLong()).tag("buffer", buffer)
                .description("Rows waiting to be written, including a batch being retried").strongReference(true)
                .register(registry);
        Gauge.builder("switchboard.buffer.capacity", r, Readings::capacity).tag("buffer", buffer)
                .description("Rows the buffer holds at most").register(registry);
        counter(registry, "switchboard.buffer.written", buffer, r, r.written(), "Rows written to the database");
        counter(registry, "switchboard.buffer.dropped", buffer, r, r.dropped(),
                "Rows dropped because the buffer was full");
        counter(registry, "switchboard.buffer.rejected", buffer, r, r.rejected(),
                "Rows the database refused (bad data)");
        counter(registry, "switchboard.buffer.flush.failures", buffer, r, r.flushFailures(),
                "Flushes stopped by a database error");
        return Timer.builder("switchboard.buffer.flush").tag("buffer", buffer)
                .description("Flushes that had rows to write, from start to the last batch committed or failed")
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10))
                .register(registry);
    }

    private static void counter(MeterRegistry registry, String name, String buffer, Readings r, LongSupplier value,
                                String text) {
        FunctionCounter.builder(name, r, x -> value.getAsLong()).tag("buffer", buffer).description(text)
                .register(registry);
    }
}
