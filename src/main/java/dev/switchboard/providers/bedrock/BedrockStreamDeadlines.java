package dev.switchboard.providers.bedrock;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import io.smallrye.mutiny.Multi;

import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first-token and total deadlines of one streamed attempt, counted from subscription (when the request goes
 * out): no content event ({@link ChatEvent#isContent()}) before the first, or no end before the total, cancels the
 * upstream subscription (which resets the HTTP request) and fails the stream with {@link UpstreamErrorKind#TIMEOUT}.
 * The idle time between chunks is the HTTP client's. Demand passes through, so a slow reader slows the upstream read.
 * Every signal to the reader goes out under one lock, because timers fire on another thread than the event loop.
 *
 * <p>Nothing here is Bedrock's: the other adapters have the same guard, and one shared copy should replace them.
 */
final class BedrockStreamDeadlines {

    private BedrockStreamDeadlines() {
    }

    static Multi<ChatEvent> apply(Multi<ChatEvent> events, Duration firstToken, Duration total,
                                  ScheduledExecutorService timers) {
        return Multi.createFrom().publisher(downstream -> events.subscribe(
                new Guard(downstream, firstToken, total, timers)));
    }

    private static final class Guard implements Flow.Subscriber<ChatEvent>, Flow.Subscription {

        private final Flow.Subscriber<? super ChatEvent> downstream;
        private final Duration firstToken;
        private final Duration total;
        private final ScheduledExecutorService timers;
        private final Object lock = new Object();
        private Flow.Subscription upstream;
        private boolean ended;
        private boolean sawContent;
        private ScheduledFuture<?> firstTokenTimer;
        private ScheduledFuture<?> totalTimer;

        Guard(Flow.Subscriber<? super ChatEvent> downstream, Duration firstToken, Duration total,
              ScheduledExecutorService timers) {
            this.downstream = downstream;
            this.firstToken = firstToken;
            this.total = total;
            this.timers = timers;
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

        private ScheduledFuture<?> schedule(Duration after, boolean firstTokenDeadline) {
            if (after == null || after.isZero() || after.isNegative()) {
                return null;
            }
            return timers.schedule(() -> expire(firstTokenDeadline), after.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void onNext(ChatEvent event) {
            synchronized (lock) {
                if (ended) {
                    return;
                }
                if (!sawContent && event.isContent()) {
                    sawContent = true;
                    cancel(firstTokenTimer);
                }
                downstream.onNext(event);
            }
        }

        @Override
        public void onError(Throwable failure) {
            synchronized (lock) {
                if (end()) {
                    downstream.onError(failure);
                }
            }
        }

        @Override
        public void onComplete() {
            synchronized (lock) {
                if (end()) {
                    downstream.onComplete();
                }
            }
        }

        private void expire(boolean firstTokenDeadline) {
            synchronized (lock) {
                if (firstTokenDeadline && sawContent || !end()) {
                    return;
                }
                upstream.cancel();
                downstream.onError(UpstreamError.of(UpstreamErrorKind.TIMEOUT, firstTokenDeadline
                        ? "Bedrock sent no first token within " + firstToken.toMillis() + " ms"
                        : "Bedrock's stream did not finish within " + total.toMillis() + " ms"));
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            synchronized (lock) {
                end();
            }
            upstream.cancel();
        }

        /** Marks the end; false when it had already ended. */
        private boolean end() {
            if (ended) {
                return false;
            }
            ended = true;
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
