package dev.switchboard.sim;

import io.vertx.ext.web.Router;

/**
 * One provider wire protocol the simulator speaks. Each registers its own routes (paths, headers, JSON or binary
 * framing as the real provider has them) and uses the {@link SimRuntime} for profiles, plans, counters and timing.
 */
public interface SimProtocol {

    /** A short name for logs, e.g. {@code openai}. */
    String name();

    void register(Router router, SimRuntime runtime);
}
