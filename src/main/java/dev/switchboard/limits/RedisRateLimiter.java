package dev.switchboard.limits;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets per key in Redis, shared by every replica pointed at it: each decision is one Lua script
 * ({@code rate-limit.lua}) that refills, checks and takes from both buckets atomically, so concurrent calls through
 * different replicas never both take the last request. The script is sent by its SHA-1 and only sent whole when the
 * server does not have it yet (a new or restarted Redis). A key's hash expires once its buckets would be full again,
 * so idle keys take no memory.
 *
 * <p>Time is the caller's {@link LimitsClock}, passed to the script, not Redis' TIME: budgets, the reset times in the
 * headers and the buckets then count in one clock, and tests move it. Replicas' clocks differ by milliseconds under
 * NTP; the script never moves a bucket's time backwards, so a replica that lags refills nothing until it catches up,
 * and skew can delay a refill by that much but never grant one early by more.
 */
public final class RedisRateLimiter implements RateLimiter {

    private static final String SCRIPT = script();
    private static final String SHA = sha1(SCRIPT);

    private final Redis redis;
    private final String keyPrefix;
    private final LimitsClock clock;
    private final long timeoutMs;

    /**
     * @param keyPrefix prepended to every key ({@code switchboard:rl:} by default), so that a Redis shared with other
     *                  applications, or several gateways, keep apart
     * @param timeout   how long a decision may wait on Redis before it fails (and the caller falls back)
     */
    public RedisRateLimiter(Redis redis, String keyPrefix, LimitsClock clock, Duration timeout) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.clock = clock;
        this.timeoutMs = Math.max(1, timeout.toMillis());
    }

    @Override
    public Future<Decision> reserve(String keyId, KeyLimits limits, long estimatedTokens) {
        return run("reserve", keyId, limits, estimatedTokens).map(r -> {
            RateLimitState state = state(limits, r);
            return Decision.of(refusal(r.get(0).toInteger()), r.get(1).toLong(), state);
        });
    }

    @Override
    public Future<Void> settle(String keyId, KeyLimits limits, long reservedTokens, long usedTokens) {
        if (limits.tpm() == null || reservedTokens == usedTokens) {
            return Future.succeededFuture();
        }
        return run("settle", keyId, limits, usedTokens - reservedTokens).mapEmpty();
    }

    @Override
    public Future<RateLimitState> peek(String keyId, KeyLimits limits) {
        return run("peek", keyId, limits, 0).map(r -> state(limits, r));
    }

    /**
     * Sends the script to Redis ahead of the first call ({@code SCRIPT LOAD}): the connection, the client's classes
     * and the script are then ready, and the first limited call after start-up does not pay for them.
     */
    public Future<Void> load() {
        return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT))
                .timeout(Math.max(timeoutMs, 5_000), TimeUnit.MILLISECONDS).mapEmpty();
    }

    /** The hash of one gateway key; the braces make it a cluster hash tag, should the key ever grow a second hash. */
    String redisKey(String keyId) {
        return keyPrefix + "{" + keyId + "}:buckets";
    }

    private Future<Response> run(String op, String keyId, KeyLimits limits, long amount) {
        String[] args = {"1", redisKey(keyId), op, Long.toString(clock.millis()), perMinute(limits.rpm()),
                perMinute(limits.tpm()), Long.toString(amount)};
        return redis.send(command(Command.EVALSHA, SHA, args))
                .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
                        ? redis.send(command(Command.EVAL, SCRIPT, args)) : Future.failedFuture(e))
                .timeout(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private static Request command(Command command, String script, String[] args) {
        Request request = Request.cmd(command).arg(script);
        for (String arg : args) {
            request.arg(arg);
        }
        return request;
    }

    private static String perMinute(Integer limit) {
        return limit == null ? "0" : limit.toString();
    }

    private static Refusal refusal(int code) {
        return switch (code) {
            case 0 -> null;
            case 1 -> Refusal.REQUESTS;
            case 2 -> Refusal.TOKENS;
            case 3 -> Refusal.TOO_LARGE;
            default -> throw new IllegalStateException("rate-limit.lua answered refusal " + code);
        };
    }

    private static RateLimitState state(KeyLimits limits, Response r) {
        return new RateLimitState(limits.rpm(), r.get(2).toLong(), r.get(3).toLong(),
                limits.tpm(), r.get(4).toLong(), r.get(5).toLong());
    }

    private static String script() {
        try (InputStream in = RedisRateLimiter.class.getResourceAsStream("rate-limit.lua")) {
            if (in == null) {
                throw new IllegalStateException("rate-limit.lua is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
