package dev.switchboard.limits;

import dev.switchboard.testing.CapturedLogs;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis away: decisions fall back to this replica's memory at once (a closed port, then a server that stops), limits
 * still hold there, one warning says so, and when a Redis answers on that address again the limits are shared again
 * (a fresh server, so the script is sent whole after NOSCRIPT). The Redis here is a redis-server of the test's own,
 * started and stopped on a free port; nothing of the machine's Redis is touched.
 */
class FailOpenRateLimiterTest {

    private static final Duration RETRY = Duration.ofMillis(200);

    private final ManualLimitsClock clock = new ManualLimitsClock();
    private final Vertx vertx = Vertx.vertx();
    private final int port = freePort();
    private final String prefix = "switchboard-test:" + UUID.randomUUID() + ":";
    private final Redis client = Redis.createClient(vertx, "redis://127.0.0.1:" + port);
    private final RedisRateLimiter shared = new RedisRateLimiter(client, prefix, clock, Duration.ofMillis(250));
    private final FailOpenRateLimiter limiter = new FailOpenRateLimiter(shared,
            new InMemoryRateLimiter(clock), RETRY, "127.0.0.1:" + port);
    private final CapturedLogs logs = CapturedLogs.attach();
    private Process server;

    @AfterEach
    void tearDown() throws Exception {
        logs.detach();
        stopServer();
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void withRedisDownCallsAreDecidedInMemoryAtOnceAndTheLimitsStillHoldThere() {
        clock.freeze();
        KeyLimits limits = new KeyLimits(2, null, null, null);
        long started = System.nanoTime();
        assertThat(reserve(limits).allowed()).isTrue();
        assertThat(reserve(limits).allowed()).isTrue();
        RateLimiter.Decision third = reserve(limits);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(third.refusal()).isEqualTo(RateLimiter.Refusal.REQUESTS);
        assertThat(third.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limiter.sharedDown()).isTrue();
        assertThat(limiter.fallbacks()).isEqualTo(3);
        assertThat(logs.lines()).filteredOn(l -> l.contains("Shared rate limits")).hasSize(1)
                .allMatch(l -> l.contains("does not answer") && l.contains("127.0.0.1:" + port)
                        && !l.contains("\tat "));
    }

    @Test
    void aStartUpLoadThatFailsSendsTheFirstCallsToMemoryAndALoadThatWorksKeepsThemShared() throws Exception {
        RateLimiterContract.await(limiter.observe(shared.load()));
        assertThat(limiter.sharedDown()).isTrue();
        assertThat(logs.lines()).filteredOn(l -> l.contains("does not answer")).hasSize(1);
        assertThat(reserve(new KeyLimits(5, null, null, null)).allowed()).isTrue();
        assertThat(limiter.fallbacks()).isEqualTo(1);

        startServer();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            RateLimiterContract.await(limiter.observe(shared.load()));
            if (!limiter.sharedDown() || System.nanoTime() > deadline) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertThat(limiter.sharedDown()).isFalse();
    }

    @Test
    void whenRedisAnswersAgainTheLimitsAreSharedAgainAndWhenItStopsTheyFallBack() throws Exception {
        clock.freeze();
        KeyLimits limits = new KeyLimits(100, null, null, null);
        assertThat(reserve(limits).state().requestsRemaining()).isEqualTo(99); // in memory
        startServer();
        // within the retry interval and the server's start, a call goes to Redis, whose buckets are fresh
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        RateLimiter.Decision shared;
        while (true) {
            shared = reserve(limits);
            if (!limiter.sharedDown() || System.nanoTime() > deadline) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertThat(limiter.sharedDown()).isFalse();
        // 99 left of Redis' fresh 100; 98 when the first try reached the new server but answered after the timeout (its
        // request counted there and in memory: a timeout errs on the side of the limit)
        long left = shared.state().requestsRemaining();
        assertThat(left).isBetween(98L, 99L);
        assertThat(logs.lines()).anyMatch(l -> l.contains("answers again"));

        // a second replica reads the same buckets
        Redis other = Redis.createClient(vertx, "redis://127.0.0.1:" + port);
        RateLimitState seen = RateLimiterContract.await(new RedisRateLimiter(other, prefix, clock, Duration.ofSeconds(5))
                .peek("k", limits));
        other.close();
        assertThat(seen.requestsRemaining()).isEqualTo(left);
        long fallbacksBefore = limiter.fallbacks();
        stopServer();
        RateLimiter.Decision afterStop = reserve(limits);
        assertThat(afterStop.allowed()).isTrue();
        assertThat(limiter.sharedDown()).isTrue();
        assertThat(limiter.fallbacks()).isEqualTo(fallbacksBefore + 1);
    }

    private RateLimiter.Decision reserve(KeyLimits limits) {
        return RateLimiterContract.await(limiter.reserve("k", limits, 1));
    }

    private void startServer() throws IOException {
        server = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private void stopServer() throws InterruptedException {
        if (server != null) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
            server = null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
