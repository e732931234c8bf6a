package dev.switchboard.providers.anthropic;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.CallTimers;
import dev.switchboard.providers.http.UpstreamHttp;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One streamed call's life: relays the upstream events, and enforces the deadlines the HTTP client cannot see —
 * time to the first content event and the total time (the client's own idle timeout covers silence between chunks).
 * A deadline, an upstream failure or the subscriber's cancellation each cancel the upstream subscription, which
 * resets the HTTP request. Events, failure and completion are serialised under one lock because the deadlines fire
 * on a timer thread while events arrive on the event loop.
 *
 * <p>Nothing here is specific to Anthropic: Claude on Vertex AI uses it as is, and it can move to
 * {@code providers.http} once another kind needs the same deadlines.
 */
public final class AnthropicStreamCall {

    private final MultiEmitter<? super ChatEvent> emitter;
    private final Object lock = new Object();
    private boolean finished;
    private boolean contentSeen;
    /** The upstream ended on its own: cancelling it now would reset a connection that can go back to the pool. */
    private boolean upstreamEnded;
    private Cancellable upstream;
    private ScheduledFuture<?> firstTokenTimer;
    private ScheduledFuture<?> totalTimer;

    private AnthropicStreamCall(MultiEmitter<? super ChatEvent> emitter) {
        this.emitter = emitter;
    }

    /**
     * The upstream events with the first-token and total deadlines of {@code options} applied. Cold: each
     * subscription makes its own upstream call.
     */
    public static Multi<ChatEvent> of(Multi<ChatEvent> upstreamEvents, CallOptions options) {
        return Multi.createFrom().emitter(emitter -> new AnthropicStreamCall(emitter).start(upstreamEvents, options));
    }

    private void start(Multi<ChatEvent> upstreamEvents, CallOptions options) {
        emitter.onTermination(this::cancelEverything);
        synchronized (lock) {
            firstTokenTimer = schedule(options.firstTokenTimeout(), () -> deadline("The provider sent no content "
                    + "within the first-token timeout of " + human(options.firstTokenTimeout())));
            totalTimer = schedule(options.totalTimeout(), () -> deadline("The provider's stream did not finish "
                    + "within the total timeout of " + human(options.totalTimeout())));
        }
        Cancellable subscription = upstreamEvents.subscribe().with(this::onEvent, this::onFailure, this::onCompletion);
        synchronized (lock) {
            upstream = subscription;
            if (finished) {
                // a deadline or a cancellation came while we were subscribing
                subscription.cancel();
            }
        }
    }

    private void onEvent(ChatEvent event) {
        synchronized (lock) {
            if (finished) {
                return;
            }
            if (!contentSeen && event.isContent()) {
                contentSeen = true;
                cancel(firstTokenTimer);
            }
            emitter.emit(event);
        }
    }

    private void onFailure(Throwable failure) {
        UpstreamError error = failure instanceof UpstreamError u ? u : UpstreamHttp.classify(failure);
        synchronized (lock) {
            upstreamEnded = true;
            if (finished) {
                return;
            }
            finished = true;
            cancelTimers();
            emitter.fail(error);
        }
    }

    private void onCompletion() {
        synchronized (lock) {
            upstreamEnded = true;
            if (finished) {
                return;
            }
            finished = true;
            cancelTimers();
            emitter.complete();
        }
    }

    private void deadline(String message) {
        synchronized (lock) {
            if (finished) {
                return;
            }
            finished = true;
            cancelTimers();
            if (upstream != null) {
                upstream.cancel();
            }
            emitter.fail(UpstreamError.of(UpstreamErrorKind.TIMEOUT, message));
        }
    }

    /** The subscriber went away, or the stream ended: nothing upstream may stay open. */
    private void cancelEverything() {
        Cancellable toCancel;
        synchronized (lock) {
            finished = true;
            cancelTimers();
            toCancel = upstreamEnded ? null : upstream;
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
    }

    private void cancelTimers() {
        cancel(firstTokenTimer);
        cancel(totalTimer);
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        if (delay == null || delay.isZero() || delay.isNegative()) {
            return null;
        }
        return CallTimers.scheduler().schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
