package dev.switchboard.observe;

import io.quarkus.logging.LoggingFilter;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Keeps an unreachable OTLP endpoint to one log line: the trace exporter warns on every failed batch (several a
 * minute while a collector is down, each retried batch again), which would bury the gateway's own lines. The first
 * of its records passes, without a stack trace; the next only after an hour of quiet. Every other record passes.
 */
@LoggingFilter(name = "switchboard-console")
public final class ExporterLogThrottle implements Filter {

    static final String EXPORTER_LOGGERS = "io.quarkus.opentelemetry.runtime.exporter.otlp";
    static final long QUIET_NANOS = TimeUnit.HOURS.toNanos(1);

    private final LongSupplier clock;
    private final AtomicLong lastPassed = new AtomicLong();
    private volatile boolean passedAny;

    public ExporterLogThrottle() {
        this(System::nanoTime);
    }

    ExporterLogThrottle(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String logger = record.getLoggerName();
        if (logger == null || !logger.startsWith(EXPORTER_LOGGERS)) {
            return true;
        }
        long now = clock.getAsLong();
        long last = lastPassed.get();
        if (passedAny && now - last < QUIET_NANOS) {
            return false;
        }
        if (!lastPassed.compareAndSet(last, now)) {
            // another thread's record just passed
            return false;
        }
        passedAny = true;
        record.setThrown(null);
        return true;
    }
}
