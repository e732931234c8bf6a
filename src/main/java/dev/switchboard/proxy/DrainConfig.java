package dev.switchboard.proxy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code switchboard.shutdown.*}: what happens to proxied calls when the app is told to stop (SIGTERM). */
@ConfigMapping(prefix = "switchboard.shutdown")
public interface DrainConfig {

    /**
     * How long calls in flight (streams included) may run on after the stop signal; new calls are refused with a 503
     * from the moment it arrives. Calls still running at the end get the protocol's error event.
     */
    @WithDefault("20s")
    Duration gracePeriod();
}
