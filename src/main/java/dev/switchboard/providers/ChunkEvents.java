package dev.switchboard.providers;

import dev.switchboard.llm.UpstreamError;
import io.smallrye.mutiny.Multi;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Predicate;

/**
 * A stream's network reads turned into its events: every read is fed to a parser that appends what it made to
 * {@code out}, the end of the body runs a last step, and the events go downstream in order, on demand. When a step
 * fails with an {@link UpstreamError} part-way (a text delta and an error object can share one read), the events
 * before the failure still go out first, then the failure, and the upstream is cancelled.
 *
 * <p>One operator instead of Mutiny's concatMap over a Multi per read: that made a publisher, a subscription and a
 * context-propagating callback (which activates and restores the captured request context) for every read of every
 * stream, the largest share of the proxy's CPU per streamed chunk when profiled. The steps here are called directly.
 */
public final class ChunkEvents {

    /** Feeds one read to the parser; may throw an {@link UpstreamError} after appending some events. */
    @FunctionalInterface
    public interface Step<I> {
        void feed(I chunk);
    }

    private ChunkEvents() {
    }

    /**
     * @param out       the list the steps append to; drained after every step (only this stream's steps touch it)
     * @param end       run when the body ends, or when it fails in a way {@code completes} accepts
     * @param completes a failure of the body after the answer is whole (a connection that breaks after [DONE]) ends
     *                  the stream normally instead
     */
    public static <I, O> Multi<O> of(Multi<I> chunks, List<O> out, Step<I> step, Runnable end,
                                     Predicate<Throwable> completes) {
        return Multi.createFrom().publisher(downstream -> chunks.subscribe(
                new Operator<>(downstream, out, step, end, completes)));
    }

    public static <I, O> Multi<O> of(Multi<I> chunks, List<O> out, Step<I> step, Runnable end) {
        return of(chunks, out, step, end, failure -> false);
    }

    /**
     * Upstream signals arrive one at a time (from the connection's event loop, or a timer's); demand and
     * cancellation may come from the reader's thread. All state is under {@link #lock}; signals to the reader go out
     * from one drain loop at a time, outside the lock, so a reader that asks for more from within onNext is served
     * by the loop it is in.
     */
    private static final class Operator<I, O> implements Flow.Subscriber<I>, Flow.Subscription {

        private final Flow.Subscriber<? super O> downstream;
        private final List<O> out;
        private final Step<I> step;
        private final Runnable end;
        private final Predicate<Throwable> completes;
        private final Object lock = new Object();
        private final ArrayDeque<O> pending = new ArrayDeque<>();
        private Flow.Subscription upstream;
        private long requested;
        private boolean asked;
        private boolean upstreamDone;
        private Throwable failure;
        private boolean terminated;
        private boolean cancelled;
        private boolean draining;
        private boolean missed;

        Operator(Flow.Subscriber<? super O> downstream, List<O> out, Step<I> step, Runnable end,
                 Predicate<Throwable> completes) {
            this.downstream = downstream;
            this.out = out;
            this.step = step;
            this.end = end;
            this.completes = completes;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            synchronized (lock) {
                upstream = subscription;
            }
            downstream.onSubscribe(this);
        }

        @Override
        public void onNext(I chunk) {
            boolean failed;
            synchronized (lock) {
                if (upstreamDone || cancelled) {
                    return;
                }
                asked = false;
                failed = feed(chunk);
            }
            if (failed) {
                upstream.cancel();
            }
            drain();
        }

        @Override
        public void onError(Throwable error) {
            synchronized (lock) {
                if (upstreamDone || cancelled) {
                    return;
                }
                ended(error);
            }
            drain();
        }

        @Override
        public void onComplete() {
            synchronized (lock) {
                if (upstreamDone || cancelled) {
                    return;
                }
                ended(null);
            }
            drain();
        }

        /** Feeds a read and queues what it made; true when the step failed and the stream ends here. */
        private boolean feed(I chunk) {
            try {
                step.feed(chunk);
                queueOut();
                return false;
            } catch (UpstreamError e) {
                queueOut();
                ended(e);
                return true;
            }
        }

        /** The body ended, normally ({@code error} null) or not; the end step runs unless the failure stands. */
        private void ended(Throwable error) {
            upstreamDone = true;
            if (error != null && !completes.test(error)) {
                failure = error;
                return;
            }
            try {
                end.run();
            } catch (UpstreamError e) {
                failure = e;
            }
            queueOut();
        }

        private void queueOut() {
            pending.addAll(out);
            out.clear();
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                downstream.onError(new IllegalArgumentException("request(" + n + "): demand must be positive"));
                return;
            }
            synchronized (lock) {
                requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
            }
            drain();
        }

        @Override
        public void cancel() {
            Flow.Subscription s;
            synchronized (lock) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                pending.clear();
                s = upstreamDone ? null : upstream;
            }
            if (s != null) {
                s.cancel();
            }
        }

        private void drain() {
            synchronized (lock) {
                if (draining) {
                    missed = true;
                    return;
                }
                draining = true;
            }
            while (true) {
                O item = null;
                Throwable error = null;
                boolean complete = false;
                boolean ask = false;
                synchronized (lock) {
                    if (cancelled || terminated) {
                        draining = false;
                        return;
                    }
                    if (requested > 0 && !pending.isEmpty()) {
                        item = pending.poll();
                        if (requested != Long.MAX_VALUE) {
                            requested--;
                        }
                    } else if (pending.isEmpty() && upstreamDone) {
                        terminated = true;
                        error = failure;
                        complete = failure == null;
                    } else if (pending.isEmpty() && requested > 0 && !asked && upstream != null) {
                        asked = true;
                        ask = true;
                    } else if (missed) {
                        missed = false;
                        continue;
                    } else {
                        draining = false;
                        return;
                    }
                }
                if (item != null) {
                    downstream.onNext(item);
                } else if (complete) {
                    downstream.onComplete();
                } else if (error != null) {
                    downstream.onError(error);
                } else if (ask) {
                    upstream.request(1);
                }
            }
        }
    }
}
