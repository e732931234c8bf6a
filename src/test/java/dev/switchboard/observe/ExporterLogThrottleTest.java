package dev.switchboard.observe;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** An exporter that fails batch after batch logs once an hour, without its stack trace; nothing else is touched. */
class ExporterLogThrottleTest {

    private static final String SENDER = "io.quarkus.opentelemetry.runtime.exporter.otlp.sender.VertxHttpSender";

    private final AtomicLong now = new AtomicLong(1_000);
    private final ExporterLogThrottle throttle = new ExporterLogThrottle(now::get);

    @Test
    void theFirstFailurePassesWithoutItsStackTraceAndTheNextOnlyAfterAnHour() {
        LogRecord first = failure();
        assertThat(throttle.isLoggable(first)).isTrue();
        assertThat(first.getThrown()).isNull();
        for (int batch = 0; batch < 50; batch++) {
            now.addAndGet(60_000_000_000L / 50);
            assertThat(throttle.isLoggable(failure())).as("batch " + batch).isFalse();
        }
        now.addAndGet(ExporterLogThrottle.QUIET_NANOS);
        assertThat(throttle.isLoggable(failure())).isTrue();
        assertThat(throttle.isLoggable(failure())).isFalse();
    }

    @Test
    void otherLoggersAlwaysPass() {
        assertThat(throttle.isLoggable(failure())).isTrue();
        LogRecord own = new LogRecord(Level.WARNING, "Redis does not answer");
        own.setLoggerName("dev.switchboard.limits.FailOpenRateLimiter");
        own.setThrown(new IllegalStateException("kept"));
        assertThat(throttle.isLoggable(own)).isTrue();
        assertThat(own.getThrown()).isNotNull();
        LogRecord unnamed = new LogRecord(Level.INFO, "no logger name");
        assertThat(throttle.isLoggable(unnamed)).isTrue();
    }

    private static LogRecord failure() {
        LogRecord record = new LogRecord(Level.WARNING, "Failed to export TraceRequestMarshaler. The request could "
                + "not be executed. Full error message: Connection refused: /127.0.0.1:4318");
        record.setLoggerName(SENDER);
        record.setThrown(new ConnectException("Connection refused"));
        return record;
    }
}
