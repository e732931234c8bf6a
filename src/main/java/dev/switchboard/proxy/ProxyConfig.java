package dev.switchboard.proxy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The proxy's limits ({@code switchboard.proxy.*}). */
@ConfigMapping(prefix = "switchboard.proxy")
public interface ProxyConfig {

    /** Request bodies above this many bytes get a 413 in the caller's protocol (images inline make bodies big). */
    @WithDefault("20971520")
    long maxBodyBytes();

    /** An SSE comment goes out when a stream has been silent this long. */
    @WithDefault("15s")
    Duration keepAliveInterval();

    /** Per attempt: to connect to the provider. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Per attempt: from sending the request to the first content token (streams). */
    @WithDefault("60s")
    Duration firstTokenTimeout();

    /** Per attempt: between two chunks of a stream. */
    @WithDefault("60s")
    Duration idleTimeout();

    /** Per attempt: the whole call. */
    @WithDefault("10m")
    Duration totalTimeout();

    /** At most this many upstream attempts per request, across providers and fallback models. */
    @WithDefault("8")
    int maxAttempts();
}
