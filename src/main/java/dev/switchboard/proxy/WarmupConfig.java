package dev.switchboard.proxy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code switchboard.warmup.*}: the proxy's warm-up before readiness ({@link ProxyWarmup}). */
@ConfigMapping(prefix = "switchboard.warmup")
public interface WarmupConfig {

    /** Off in %dev and %test (application.properties), where nobody measures the first minute. */
    @WithDefault("true")
    boolean enabled();

    /** The longest the warm-up may run before readiness goes up anyway, even if the JIT is still busy. */
    @WithDefault("20")
    int maxSeconds();

    /** Calls in flight at once during the warm-up: enough to keep the event loops busy, not to swamp the JIT. */
    @WithDefault("4")
    int concurrency();
}
