package dev.switchboard.limits;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.net.URI;

/**
 * The rate limiter the proxy uses: shared through Redis when {@code switchboard.limits.redis-url} is set (falling
 * back to memory while Redis is away), this replica's memory otherwise. Built at start-up, not at the first limited
 * call, so that the script is loaded into Redis before calls come, without waiting for it: the app starts and is
 * ready with Redis down.
 */
@Startup
@ApplicationScoped
public class RateLimiterProducer {

    @Inject
    LimitsConfig config;

    @Inject
    LimitsClock clock;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    private Redis redis;
    private RateLimiter limiter;

    @Produces
    @ApplicationScoped
    RateLimiter rateLimiter() {
        return limiter;
    }

    @PostConstruct
    void init() {
        InMemoryRateLimiter local = new InMemoryRateLimiter(clock);
        if (config.redisUrl().isEmpty()) {
            limiter = local;
            return;
        }
        String where = describe(config.redisUrl().get());
        redis = Redis.createClient(vertx, options(config.redisUrl().get()));
        RedisRateLimiter shared = new RedisRateLimiter(redis, config.redisKeyPrefix(), clock, config.redisTimeout());
        FailOpenRateLimiter limiter = new FailOpenRateLimiter(shared, local, config.redisRetryInterval(), where);
        FunctionCounter.builder("switchboard.limits.shared.fallbacks", limiter, FailOpenRateLimiter::fallbacks)
                .description("Rate-limit decisions made in this replica's memory because Redis did not answer")
                .register(registry);
        Gauge.builder("switchboard.limits.shared.up", limiter, l -> l.sharedDown() ? 0 : 1)
                .description("1 while per-key rate limits are shared through Redis, 0 while this replica falls back "
                        + "to its own memory").register(registry);
        Log.infof("Per-key rate limits are shared through Redis at %s (keys %s...); while it does not answer, "
                + "each replica limits keys in its own memory.", where, config.redisKeyPrefix());
        // not awaited: start-up and readiness never depend on Redis; a Redis that is down is found here, not by
        // the first call's timeout
        limiter.observe(shared.load());
        this.limiter = limiter;
    }

    @PreDestroy
    void close() {
        if (redis != null) {
            redis.close();
        }
    }

    private RedisOptions options(String url) {
        int connectMs = (int) Math.max(100, Math.min(Integer.MAX_VALUE, config.redisTimeout().toMillis() * 4));
        // calls wait on the pool rather than fail when a burst outnumbers its connections; a dead server is found
        // by the connect timeout and the per-call timeout, not by a full queue
        return new RedisOptions().setConnectionString(url).setMaxPoolSize(16).setMaxPoolWaiting(4096)
                .setMaxWaitingHandlers(4096).setNetClientOptions(new NetClientOptions().setConnectTimeout(connectMs)
                        .setTcpNoDelay(true).setTcpKeepAlive(true));
    }

    /** Host and port for the log: the URL may hold a password. */
    static String describe(String url) {
        try {
            URI uri = URI.create(url.strip());
            if (uri.getHost() != null) {
                return uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
            }
        } catch (IllegalArgumentException e) {
            // not a URI we can take apart: say nothing of it rather than risk quoting a password
        }
        return "the configured Redis";
    }
}
