package dev.switchboard.proxy;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Skips a scheduled background job (probes, and the reads of keys, spend, catalog, stats, maintenance) from the stop
 * signal on. They serve calls that are no longer accepted, and a read that fired while the shutdown closed the
 * connection pool logged a warning on every clean stop. Quarkus' own {@code ApplicationNotRunning} flips only on the
 * shutdown event, which races with the pool closing; the drain starts before it. The buffers' flushes are not
 * skipped: they must empty.
 */
@Singleton
public class SkipWhileDraining implements Scheduled.SkipPredicate {

    @Inject
    ProxyDrain drain;

    @Override
    public boolean test(ScheduledExecution execution) {
        return drain.draining();
    }
}
