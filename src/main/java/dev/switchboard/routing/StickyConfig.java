package dev.switchboard.routing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code switchboard.routing.sticky.*}: cache-aware stickiness of sessions to the endpoint that served them last. */
@ConfigMapping(prefix = "switchboard.routing.sticky")
public interface StickyConfig {

    /** Off: every request takes the default order afresh. */
    @WithDefault("true")
    boolean enabled();

    /** A session not seen for this long is forgotten: providers' prompt caches expire after about five minutes. */
    @WithDefault("5m")
    Duration idleTtl();

    /** The most sessions remembered; the least recently used goes first. */
    @WithDefault("100000")
    int maxSessions();

    /**
     * Without a session id, a user or a cache breakpoint, the system prompt plus first message make the session only
     * from this many characters up: a shorter prompt is below what providers cache anyway.
     */
    @WithDefault("2048")
    int minPrefixChars();
}
