package dev.switchboard.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** {@code switchboard.limits.*}: how per-key limits estimate what a request will use, and where replicas share them. */
@ConfigMapping(prefix = "switchboard.limits")
public interface LimitsConfig {

    /**
     * Output tokens reserved against a tokens-per-minute limit for a request that sets no max_tokens; the call is
     * settled with what it really used afterwards.
     */
    @WithDefault("1024")
    int defaultMaxTokens();

    /** Prompt bytes per estimated token: a rough, generous estimate (real tokens settle it afterwards). */
    @WithDefault("4")
    int bytesPerToken();

    /** How often this replica re-reads every key's spend in its period from the generation log (other replicas'). */
    @WithDefault("10s")
    String spendRefreshInterval();

    /**
     * Redis that every replica's rate limits are kept in, as a {@code redis://[:password@]host:port[/db]} URL (or
     * {@code rediss://} for TLS); unset keeps them in each replica's memory.
     */
    Optional<String> redisUrl();

    /** Prepended to every Redis key the limits use, so that several gateways (or tests) can share one Redis. */
    @WithDefault("switchboard:rl:")
    String redisKeyPrefix();

    /** How long a call waits on Redis for its rate-limit decision before it is decided in memory instead. */
    @WithDefault("500ms")
    Duration redisTimeout();

    /** After Redis failed to answer, how long calls are decided in memory before Redis is tried again. */
    @WithDefault("5s")
    Duration redisRetryInterval();
}
