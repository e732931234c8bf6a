package dev.switchboard.proxy;

import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Reads an upstream stream on the request's event loop. Signals are queued and handled by one task on the request's
 * context, which takes everything queued by then: the events of all the reads the loop made in one round come in
 * one go, between {@code batchStarts} and {@code batchEnds}, so that the exchange writes them to the caller in one
 * write (a socket write per event was a tenth of the CPU of a streamed request). The order of signals is kept. It
 * asks for everything: the caller's socket, not demand, paces the writes.
 *
 * <p>It stands where {@code emitOn(executor).subscribe().with(...)} stood: Mutiny wraps each of those callbacks
 * in a context-propagating one that activates and restores the captured request context (CDI, transaction) for
 * every chunk, and emitOn queues each item through its own drain; profiled, the two were a fifth of the proxy's CPU
 * per streamed request. The handlers here are plain method calls.
 */
final class OnRequestContext<T> implements Flow.Subscriber<T>, Cancellable {

    /** The end of the stream in the queue (items are never null, failures are wrapped). */
    private static final Object END = new Object();

    private record Failure(Throwable cause) {
    }

    private final Context context;
    private final Consumer<T> onItem;
    private final Consumer<Throwable> onFailure;
    private final Runnable onEnd;
    private final Runnable batchStarts;
    private final Runnable batchEnds;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger work = new AtomicInteger();
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;
    /** Set once the end or a failure was handled: nothing is handled after it. */
    private boolean finished;

    OnRequestContext(Context context, Consumer<T> onItem, Consumer<Throwable> onFailure, Runnable onEnd,
                     Runnable batchStarts, Runnable batchEnds) {
        this.context = context;
        this.onItem = onItem;
        this.onFailure = onFailure;
        this.onEnd = onEnd;
        this.batchStarts = batchStarts;
        this.batchEnds = batchEnds;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(T item) {
        signal(item);
    }

    @Override
    public void onError(Throwable failure) {
        signal(new Failure(failure));
    }

    @Override
    public void onComplete() {
        signal(END);
    }

    /** Stops handling signals and cancels the upstream (which resets its request). */
    @Override
    public void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    private void signal(Object signal) {
        queue.add(signal);
        if (work.getAndIncrement() == 0) {
            // even on the request's own thread: the task runs once the loop has read everything ready this round
            context.runOnContext(v -> drain());
        }
    }

    /** Handles what is queued, on the request's thread; one drain at a time, so the order holds. */
    private void drain() {
        batchStarts.run();
        try {
            int missed = 1;
            while (true) {
                Object signal;
                while ((signal = queue.poll()) != null) {
                    handle(signal);
                }
                missed = work.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        } finally {
            batchEnds.run();
        }
    }

    @SuppressWarnings("unchecked")
    private void handle(Object signal) {
        if (cancelled || finished) {
            return;
        }
        if (signal == END) {
            finished = true;
            onEnd.run();
        } else if (signal instanceof Failure f) {
            finished = true;
            onFailure.accept(f.cause());
        } else {
            try {
                onItem.accept((T) signal);
            } catch (RuntimeException e) {
                // as Mutiny's subscriber did: a handler that throws ends the stream with its failure
                finished = true;
                cancel();
                onFailure.accept(e);
            }
        }
    }
}
