package dev.switchboard.limits;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Buckets in the real Redis on 127.0.0.1:6379 (SWITCHBOARD_TEST_REDIS_URL to point elsewhere): the cases every
 * limiter passes, then what sharing adds: two limiters on separate connections (two replicas) never accept more than
 * the limit between them under concurrent load, keys live under their prefix and expire once full. Each test has a
 * prefix of its own and deletes only its keys.
 */
class RedisRateLimiterTest extends RateLimiterContract {

    static final String REDIS_URL = System.getenv().getOrDefault("SWITCHBOARD_TEST_REDIS_URL",
            "redis://127.0.0.1:6379");

    private static Vertx vertx;
    private static Redis admin;

    private final String prefix = "switchboard-test:" + UUID.randomUUID() + ":";
    private final List<Redis> clients = new ArrayList<>();
    private final RedisRateLimiter limiter = replica();

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        admin = Redis.createClient(vertx, REDIS_URL);
    }

    @AfterAll
    static void disconnect() {
        admin.close();
        await(vertx.close());
    }

    @AfterEach
    void deleteThisTestsKeys() {
        for (String key : keys()) {
            await(admin.send(Request.cmd(Command.DEL).arg(key)));
        }
        clients.forEach(Redis::close);
    }

    @Override
    protected RateLimiter limiter() {
        return limiter;
    }

    /** A limiter with a Redis client (and so connections) of its own, as another replica has. */
    private RedisRateLimiter replica() {
        Redis client = Redis.createClient(vertx, REDIS_URL);
        clients.add(client);
        return new RedisRateLimiter(client, prefix, clock, Duration.ofSeconds(5));
    }

    @Test
    void twoReplicasUnderConcurrentLoadAcceptNoMoreThanTheLimitBetweenThem() throws Exception {
        RedisRateLimiter other = replica();
        KeyLimits limits = new KeyLimits(50, 5_000, null, null);
        int calls = 300;
        ExecutorService callers = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<java.util.concurrent.Future<RateLimiter.Decision>> answers = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            RedisRateLimiter replica = i % 2 == 0 ? limiter : other;
            // 60 tokens each: the tokens run out at 83 calls, the requests first at 50
            answers.add(callers.submit(() -> {
                go.await();
                return await(replica.reserve("shared", limits, 60));
            }));
        }
        long started = System.nanoTime();
        go.countDown();
        int accepted = 0;
        int byFirst = 0;
        for (int i = 0; i < calls; i++) {
            RateLimiter.Decision d = answers.get(i).get();
            if (d.allowed()) {
                accepted++;
                byFirst += i % 2 == 0 ? 1 : 0;
            } else {
                assertThat(d.refusal()).isEqualTo(RateLimiter.Refusal.REQUESTS);
                assertThat(d.retryAfter()).isEqualTo(Duration.ofMillis(1200));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        callers.shutdown();
        System.out.printf("RedisRateLimiterTest: %d decisions over 2 replicas from 16 threads in %.0f ms (%.0f/s), "
                + "%d accepted%n", calls, seconds * 1000, calls / seconds, accepted);
        assertThat(accepted).isEqualTo(50);
        assertThat(byFirst).isBetween(1, 49);
        RateLimitState state = await(other.peek("shared", limits));
        assertThat(state.requestsRemaining()).isZero();
        assertThat(state.tokensRemaining()).isEqualTo(5_000 - 50 * 60);

        // the refill is shared too: 1.2 s gives one request back, to whichever replica asks first
        clock.advance(Duration.ofMillis(1200));
        assertThat(await(other.reserve("shared", limits, 60)).allowed()).isTrue();
        assertThat(await(limiter.reserve("shared", limits, 60)).allowed()).isFalse();
    }

    @Test
    void aKeysBucketsLiveUnderThePrefixAndExpireOnceTheyWouldBeFull() {
        KeyLimits limits = new KeyLimits(10, 1000, null, null);
        assertThat(keys()).isEmpty();
        await(limiter.peek("idle", limits));
        assertThat(keys()).as("looking takes no memory").isEmpty();

        await(limiter.reserve("idle", limits, 500));
        assertThat(keys()).containsExactly(prefix + "{idle}:buckets");
        // the tokens are full again in 30 s (500 of 1000 per minute), the requests in 6 s: the longer, plus a second
        long ttl = await(admin.send(Request.cmd(Command.PTTL).arg(prefix + "{idle}:buckets"))).toLong();
        assertThat(ttl).isBetween(25_000L, 31_000L);

        // a call that used more than the bucket holds stays in debt, and the hash lives until the debt is paid
        await(limiter.settle("idle", limits, 500, 2500));
        long inDebt = await(admin.send(Request.cmd(Command.PTTL).arg(prefix + "{idle}:buckets"))).toLong();
        assertThat(inDebt).isBetween(150_000L, 151_000L);
    }

    @Test
    void limitsWrittenByOneReplicaAreReadByAnotherAndChangedLimitsStartFullForBoth() {
        RedisRateLimiter other = replica();
        KeyLimits one = new KeyLimits(1, null, null, null);
        assertThat(await(limiter.reserve("k", one, 1)).allowed()).isTrue();
        RateLimiter.Decision refused = await(other.reserve("k", one, 1));
        assertThat(refused.refusal()).isEqualTo(RateLimiter.Refusal.REQUESTS);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(60));
        KeyLimits two = new KeyLimits(2, null, null, null);
        assertThat(await(other.reserve("k", two, 1)).state().requestsRemaining()).isEqualTo(1);
        assertThat(await(limiter.reserve("k", two, 1)).state().requestsRemaining()).isZero();
    }

    private List<String> keys() {
        List<String> found = new ArrayList<>();
        String cursor = "0";
        do {
            Response page = await(admin.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*")
                    .arg("COUNT").arg(1000)));
            cursor = page.get(0).toString();
            page.get(1).forEach(k -> found.add(k.toString()));
        } while (!cursor.equals("0"));
        return found;
    }
}
