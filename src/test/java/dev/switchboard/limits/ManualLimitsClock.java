package dev.switchboard.limits;

import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;

/**
 * The limits' clock in tests: the system clock until a test freezes it, then only {@link #advance} moves it, so
 * refills and Retry-After values are exact. Replaces the default clock in every Quarkus test (it runs like the real
 * one unless frozen); plain tests construct it.
 */
@Singleton
public class ManualLimitsClock implements LimitsClock {

    private volatile Long frozenMillis;

    public synchronized void freezeAt(Instant at) {
        frozenMillis = at.toEpochMilli();
    }

    public void freeze() {
        freezeAt(Instant.now());
    }

    public synchronized void advance(Duration by) {
        if (frozenMillis == null) {
            throw new IllegalStateException("freeze the clock before moving it");
        }
        frozenMillis = frozenMillis + by.toMillis();
    }

    public void release() {
        frozenMillis = null;
    }

    @Override
    public long millis() {
        Long frozen = frozenMillis;
        return frozen == null ? System.currentTimeMillis() : frozen;
    }

    @Override
    public Instant now() {
        return Instant.ofEpochMilli(millis());
    }
}
