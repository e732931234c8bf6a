package dev.switchboard.providers;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Where a call's deadlines are scheduled. A call made on a Vert.x event loop (every proxied request) schedules them
 * on that loop: arming and cancelling a timer there is a queue operation on the calling thread, while the shared
 * worker pool's scheduler takes a lock and wakes its timer thread for each of the two or three deadlines of every
 * call. A deadline that fires then runs on the loop that owns the call, as the rest of the call does. Calls from
 * other threads (probes on workers, tests) use the worker pool.
 */
public final class CallTimers {

    private CallTimers() {
    }

    public static ScheduledExecutorService scheduler() {
        if (Vertx.currentContext() instanceof ContextInternal context && context.isEventLoopContext()) {
            return context.nettyEventLoop();
        }
        return Infrastructure.getDefaultWorkerPool();
    }

    /**
     * {@code call} failing with a {@link UpstreamErrorKind#TIMEOUT} error worded by {@code message} when it has not
     * answered within {@code total}, the deadline armed where {@link #scheduler()} says.
     */
    public static <T> Uni<T> totalDeadline(Uni<T> call, Duration total, Supplier<String> message) {
        return call.ifNoItem().after(total).on(scheduler())
                .failWith(() -> UpstreamError.of(UpstreamErrorKind.TIMEOUT, message.get()));
    }
}
