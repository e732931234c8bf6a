package dev.switchboard.it;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two packaged instances on one database and one Redis (127.0.0.1:6379, or SWITCHBOARD_TEST_REDIS_URL), and a key
 * limited to N requests per minute: 3N calls sent at once, in turn to each instance, get N answers between them and
 * 429s with Retry-After for the rest (in memory each would have taken N). A third instance pointed at a port where no
 * Redis listens starts, is ready, limits the key in its own memory and says so in one line, without a stack trace.
 */
class SharedRateLimitsIT {

    private static final int RPM = 10;
    private static final String REDIS_URL = System.getenv().getOrDefault("SWITCHBOARD_TEST_REDIS_URL",
            "redis://127.0.0.1:6379");

    @Test
    void twoInstancesSharingRedisAcceptTheLimitBetweenThem(@TempDir Path dir) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(true).setPort(AppProcess.freePort()).start();
        String jdbcUrl = pg.getJdbcUrl("postgres", "postgres");
        // a namespace of this run's own in the shared Redis
        String prefix = "switchboard-it:" + UUID.randomUUID() + ":";
        // a timeout well above the default: on a busy shared machine a burst that opens new connections can take longer
        // than 500 ms, and a call decided in memory would blur the count this test is about (the timeout's fallback
        // is FailOpenRateLimiterTest's, and the closed port's below)
        Map<String, String> settings = Map.of("switchboard.demo", "on", "switchboard.probe.enabled", "false",
                "switchboard.limits.redis-url", REDIS_URL, "switchboard.limits.redis-key-prefix", prefix,
                "switchboard.limits.redis-timeout", "3s");
        List<AppProcess> apps = new ArrayList<>();
        AppProcess.CreatedKey key = null;
        try {
            // the keys command migrates the empty database; both instances load the key with its limit at start
            key = AppProcess.createKey(dir, jdbcUrl, "shared", "--rpm", Integer.toString(RPM));
            apps.add(AppProcess.start(dir.resolve("a.log"), jdbcUrl, settings));
            apps.add(AppProcess.start(dir.resolve("b.log"), jdbcUrl, settings));
            for (AppProcess app : apps) {
                app.awaitReady();
            }

            int[] acceptedBy = new int[2];
            Map<Integer, Integer> byStatus = burst(apps, key.key(), 3 * RPM, acceptedBy);
            System.out.printf("SharedRateLimitsIT: key at %d rpm, %d calls over 2 instances sharing Redis: %s "
                    + "(accepted %d + %d; decided in memory: %.0f + %.0f)%n", RPM, 3 * RPM, byStatus, acceptedBy[0],
                    acceptedBy[1], apps.get(0).metric("switchboard_limits_shared_fallbacks_total"),
                    apps.get(1).metric("switchboard_limits_shared_fallbacks_total"));
            assertThat(byStatus).isEqualTo(Map.of(200, RPM, 429, 2 * RPM));
            for (AppProcess app : apps) {
                assertThat(app.metric("switchboard_limits_shared_up")).isEqualTo(1.0);
                assertThat(app.metric("switchboard_limits_shared_fallbacks_total")).isZero();
                assertThat(app.logText()).contains("Per-key rate limits are shared through Redis at");
            }

            // Redis away (nothing listens on the port): the instance starts, is ready and limits in memory
            Map<String, String> noRedis = new HashMap<>(settings);
            noRedis.put("switchboard.limits.redis-url", "redis://127.0.0.1:" + AppProcess.freePort());
            AppProcess alone = AppProcess.start(dir.resolve("no-redis.log"), jdbcUrl, noRedis).awaitReady();
            apps.add(alone);
            assertThat(burst(List.of(alone), key.key(), 2 * RPM, new int[1])).isEqualTo(Map.of(200, RPM, 429, RPM));
            assertThat(alone.metric("switchboard_limits_shared_up")).isZero();
            assertThat(alone.metric("switchboard_limits_shared_fallbacks_total")).isEqualTo(2.0 * RPM);
            String log = alone.logText();
            assertThat(log.lines().filter(l -> l.contains("Shared rate limits:"))).singleElement().satisfies(l ->
                    assertThat(l).contains("does not answer").contains("its own memory"));
            assertThat(log).doesNotContain("\tat ").doesNotContain("Exception in");
        } finally {
            for (AppProcess app : apps) {
                app.close();
            }
            pg.close();
            if (key != null) {
                deleteKey(prefix + "{" + key.id() + "}:buckets");
            }
        }
    }

    /**
     * {@code calls} chat calls by {@code key} sent at once, in turn to each app: the burst is over in well under the
     * 60/N s one request takes to come back, so no refill blurs the count. Answers by status; 200s counted by app.
     */
    private static Map<Integer, Integer> burst(List<AppProcess> apps, String key, int calls, int[] acceptedBy)
            throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(calls);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                AppProcess app = apps.get(i % apps.size());
                answers.add(callers.submit(() -> app.chat(key)));
            }
            Map<Integer, Integer> byStatus = new HashMap<>();
            for (int i = 0; i < calls; i++) {
                HttpResponse<String> r = answers.get(i).get(60, TimeUnit.SECONDS);
                byStatus.merge(r.statusCode(), 1, Integer::sum);
                assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue(Integer.toString(RPM));
                if (r.statusCode() == 200) {
                    acceptedBy[i % apps.size()]++;
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                    assertThat(Integer.parseInt(r.headers().firstValue("retry-after").orElseThrow()))
                            .isBetween(1, 60 / RPM);
                    assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
                    assertThat(r.body()).contains("rate_limit_exceeded").contains(RPM + " requests per minute");
                }
            }
            return byStatus;
        } finally {
            callers.shutdown();
        }
    }

    private static void deleteKey(String redisKey) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Redis redis = Redis.createClient(vertx, REDIS_URL);
            redis.send(Request.cmd(Command.DEL).arg(redisKey)).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            redis.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
