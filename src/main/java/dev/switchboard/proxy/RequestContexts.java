package dev.switchboard.proxy;

import io.vertx.core.Context;

import java.util.concurrent.Executor;

/** Hands work back to a request's event-loop context. */
final class RequestContexts {

    private RequestContexts() {
    }

    /**
     * An executor for {@code context}, made on its own thread. An event loop runs one thing at a time: work that
     * arrives on that thread runs at once (no hop, no wake-up), other work is handed over to it.
     */
    static Executor executor(Context context) {
        Thread requestThread = Thread.currentThread();
        return task -> {
            if (Thread.currentThread() == requestThread) {
                task.run();
            } else {
                context.runOnContext(v -> task.run());
            }
        };
    }
}
