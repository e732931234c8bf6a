package dev.switchboard.database;

import dev.switchboard.testing.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The buffers' outage behaviour on a hand-turned clock: one line down, one line up, spaced retries, drop lines. */
class BufferWatchTest {

    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final BufferWatch watch = new BufferWatch("samples", Duration.ofSeconds(30), Duration.ofSeconds(5),
            clock::get);
    private CapturedLogs logs;

    @BeforeEach
    void attach() {
        logs = CapturedLogs.attach();
    }

    @AfterEach
    void detach() {
        logs.detach();
    }

    private List<String> lines() {
        return logs.lines().stream().filter(l -> l.contains("Samples:")).toList();
    }

    private static SQLException refused() {
        return new SQLException("Connection to localhost:5432 refused.\nCheck that the hostname and port are correct",
                "08001");
    }

    @Test
    void anOutageIsOneLineDownOneLineUpAndRetriedEveryRecheckInterval() {
        assertThat(watch.mayTry()).isTrue();
        for (int i = 0; i < 20; i++) {
            if (watch.mayTry()) {
                watch.flushed(refused(), 40 + i, 100);
            }
            clock.addAndGet(SECOND);
        }
        // 20 s of one-second ticks while down: tries at 0, 5, 10 and 15 s only.
        assertThat(watch.flushFailures()).isEqualTo(4);
        assertThat(watch.down()).isTrue();
        assertThat(lines()).hasSize(1);
        assertThat(lines().getFirst()).contains("unavailable").contains("Connection to localhost:5432 refused.")
                .doesNotContain("hostname and port").contains("40").contains("100");

        watch.flushed(null, 0, 100);
        assertThat(watch.down()).isFalse();
        assertThat(watch.mayTry()).isTrue();
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).contains("back after 20s");
        watch.flushed(null, 0, 100);
        assertThat(lines()).hasSize(2);
    }

    @Test
    void dropsAreLoggedAtMostOncePerIntervalWithTheCountSinceTheLastLine() {
        watch.dropped(0, 100);
        assertThat(lines()).isEmpty();
        watch.dropped(3, 100);
        assertThat(lines()).hasSize(1);
        assertThat(lines().getFirst()).contains("3 dropped since the last report").contains("(3 in all)");
        for (int s = 1; s < 30; s++) {
            clock.addAndGet(SECOND);
            watch.dropped(3 + 10L * s, 100);
        }
        assertThat(lines()).as("nothing within the interval").hasSize(1);
        clock.addAndGet(SECOND);
        watch.dropped(400, 100);
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).contains("397 dropped since the last report").contains("(400 in all)");
        clock.addAndGet(60 * SECOND);
        watch.dropped(400, 100);
        assertThat(lines()).as("no line when nothing was dropped").hasSize(2);
    }
}
