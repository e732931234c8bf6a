package dev.switchboard.providers;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import io.smallrye.mutiny.Multi;

import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The first-token and total deadlines of one streamed attempt, counted from subscription (when the request goes
 * out): no content event ({@link ChatEvent#isContent()}) before the first deadline, or no end before the total one,
 * cancels the upstream (which resets the HTTP request) and fails the stream with {@link UpstreamErrorKind#TIMEOUT}.
 * The idle deadline between chunks is the HTTP client's. Demand passes through untouched: a slow reader still slows
 * the upstream read.
 */
public final class StreamDeadlines {

    private StreamDeadlines() {
    }

    public static Multi<ChatEvent> apply(Multi<ChatEvent> events, CallOptions options) {
        return applyTo(events, options, ChatEvent::isContent);
    }

    /** The same deadlines over a stream of other items, {@code isContent} telling which one is the first token. */
    public static <T> Multi<T> applyTo(Multi<T> events, CallOptions options, Predicate<T> isContent) {
        return Multi.createFrom().publisher(downstream -> events.subscribe(new Guard<>(downstream, isContent,
                options.firstTokenTimeout(), options.totalTimeout(), CallTimers.scheduler())));
    }

    static Multi<ChatEvent> apply(Multi<ChatEvent> events, Duration firstToken, Duration total,
                                  ScheduledExecutorService scheduler) {
        return Multi.createFrom().publisher(downstream -> events.subscribe(new Guard<>(downstream,
                ChatEvent::isContent, firstToken, total, scheduler)));
    }

    /** Sits between the stream and its reader; every signal to the reader is sent under one lock, timers included. */
    private static final class Guard<T> implements Flow.Subscriber<T>, Flow.Subscription {

        private final Flow.Subscriber<? super T> downstream;
        private final Predicate<T> isContent;
        private final Duration firstToken;
        private final Duration total;
        private final ScheduledExecutorService scheduler;
        private final Object lock = new Object();
        private Flow.Subscription upstream;
        private boolean done;
        private boolean sawContent;
        private ScheduledFuture<?> firstTokenTimer;
        private ScheduledFuture<?> totalTimer;

        Guard(Flow.Subscriber<? super T> downstream, Predicate<T> isContent, Duration firstToken, Duration total,
              ScheduledExecutorService scheduler) {
            this.downstream = downstream;
            this.isContent = isContent;
            this.firstToken = firstToken;
            this.total = total;
            this.scheduler = scheduler;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            synchronized (lock) {
                upstream = subscription;
                firstTokenTimer = schedule(firstToken, true);
                totalTimer = schedule(total, false);
                downstream.onSubscribe(this);
            }
        }

        @Override
        public void onNext(T event) {
            synchronized (lock) {
                if (done) {
                    return;
                }
                if (!sawContent && isContent.test(event)) {
                    sawContent = true;
                    cancel(firstTokenTimer);
                }
                downstream.onNext(event);
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

        private void expire(boolean firstTokenDeadline) {
            synchronized (lock) {
                if (firstTokenDeadline && sawContent || !finish()) {
                    return;
                }
                upstream.cancel();
                downstream.onError(UpstreamError.of(UpstreamErrorKind.TIMEOUT, firstTokenDeadline
                        ? "The provider sent no first token within " + firstToken.toMillis() + " ms"
                        : "The provider did not finish within " + total.toMillis() + " ms"));
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

        /** No deadline for a null, zero or negative duration. */
        private ScheduledFuture<?> schedule(Duration after, boolean firstTokenDeadline) {
            if (after == null || after.isZero() || after.isNegative()) {
                return null;
            }
            return scheduler.schedule(() -> expire(firstTokenDeadline), after.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** Marks the end; false when it had already ended. */
        private boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            cancel(firstTokenTimer);
            cancel(totalTimer);
            return true;
        }

        private static void cancel(ScheduledFuture<?> timer) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }
}
