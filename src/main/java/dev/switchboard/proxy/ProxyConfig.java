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

    /** A request with more messages than this gets a 400 (messages, or the Anthropic {@code messages} array). */
    @WithDefault("10000")
    int maxMessages();

    /** JSON bodies nested deeper than this (arrays and objects) get a 400 before they are read into memory. */
    @WithDefault("128")
    int maxJsonDepth();

    /** The portal's and the JSON API's search parameter {@code q} longer than this gets a 400. */
    @WithDefault("200")
    int maxQueryLength();

    /** Any other query parameter of the portal and the JSON API longer than this gets a 400. */
    @WithDefault("100")
    int maxParamLength();

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
