package dev.switchboard.providers;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

import java.util.concurrent.ScheduledExecutorService;

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
}
