package dev.switchboard.providers.http;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import io.smallrye.mutiny.Multi;

import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Fails a body whose reads stop for longer than {@code idle}: the upstream is cancelled (which resets the request,
 * so the stalled connection does not go back to the pool) and the reader gets a {@link UpstreamErrorKind#TIMEOUT}.
 *
 * <p>One timer per body, re-armed only when it fires early: a read just notes the time. Mutiny's
 * {@code ifNoItem().after()} cancels and schedules a timer for every read, a priority-queue insert and removal on
 * the event loop for each chunk of each stream.
 */
final class IdleDeadline {

    private IdleDeadline() {
    }

    static <T> Multi<T> apply(Multi<T> body, Duration idle, ScheduledExecutorService scheduler) {
        return apply(body, idle, scheduler, System::nanoTime);
    }

    static <T> Multi<T> apply(Multi<T> body, Duration idle, ScheduledExecutorService scheduler, LongSupplier clock) {
        return Multi.createFrom().publisher(downstream -> body.subscribe(
                new Guard<>(downstream, idle.toNanos(), scheduler, clock)));
    }

    private static final class Guard<T> implements Flow.Subscriber<T>, Flow.Subscription {

        private final Flow.Subscriber<? super T> downstream;
        private final long idleNanos;
        private final ScheduledExecutorService scheduler;
        private final LongSupplier clock;
        private final Object lock = new Object();
        private volatile long lastRead;
        private Flow.Subscription upstream;
        private java.util.concurrent.ScheduledFuture<?> timer;
        private boolean done;

        Guard(Flow.Subscriber<? super T> downstream, long idleNanos, ScheduledExecutorService scheduler,
              LongSupplier clock) {
            this.downstream = downstream;
            this.idleNanos = idleNanos;
            this.scheduler = scheduler;
            this.clock = clock;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            synchronized (lock) {
                upstream = subscription;
                lastRead = clock.getAsLong();
                timer = scheduler.schedule(this::check, idleNanos, TimeUnit.NANOSECONDS);
                downstream.onSubscribe(this);
            }
        }

        @Override
        public void onNext(T item) {
            lastRead = clock.getAsLong();
            synchronized (lock) {
                if (!done) {
                    downstream.onNext(item);
                }
            }
        }

        @Override
        public void onError(Throwable failure) {
            synchronized (lock) {
                if (finish()) {
                    downstream.onError(failure);
                }
            }
        }

        @Override
        public void onComplete() {
            synchronized (lock) {
                if (finish()) {
                    downstream.onComplete();
                }
            }
        }

        /** The timer: fails the body when nothing was read for the whole interval, else waits for the rest of it. */
        private void check() {
            synchronized (lock) {
                if (done) {
                    return;
                }
                long quietFor = clock.getAsLong() - lastRead;
                if (quietFor < idleNanos) {
                    timer = scheduler.schedule(this::check, idleNanos - quietFor, TimeUnit.NANOSECONDS);
                    return;
                }
                done = true;
                upstream.cancel();
                downstream.onError(UpstreamError.of(UpstreamErrorKind.TIMEOUT,
                        "The provider sent nothing for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms"));
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            synchronized (lock) {
                finish();
            }
            upstream.cancel();
        }

        private boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            if (timer != null) {
                timer.cancel(false);
            }
            return true;
        }
    }
}
