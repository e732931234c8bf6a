package dev.switchboard.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged app on a PostgreSQL server of its own that the test stops for
 * {@code -Dswitchboard.it.outage-seconds} (12 by default) under continuous proxy load, then starts again: the proxy
 * answers every call meanwhile, the portal says the database is unavailable (503) and comes back by itself, the
 * buffers' queue rises and falls on /q/metrics, and every generation answered during the outage is in the database
 * afterwards. Prints the figures.
 */
class DatabaseOutageIT {

    private static final int OUTAGE_SECONDS = Integer.getInteger("switchboard.it.outage-seconds", 12);
    private static final int CLIENTS = 4;
    private static final String BODY = "{\"model\":\"anthropic/claude-sonnet-4\",\"max_tokens\":8,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theProxyServesThroughAnOutageAndNothingBufferedIsLost(@TempDir Path dir) throws Exception {
        int dbPort = AppProcess.freePort();
        EmbeddedPostgres pg = postgres(dir.resolve("pg"), dbPort);
        String jdbcUrl = pg.getJdbcUrl("postgres", "postgres");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean outage = new AtomicBoolean(false);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger sentDuringOutage = new AtomicInteger();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Queue<String> allIds = new ConcurrentLinkedQueue<>();
        Queue<String> outageIds = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        try (AppProcess app = AppProcess.start(dir.resolve("app.log"), jdbcUrl,
                Map.of("switchboard.buffers.recheck-interval", "2s")).awaitReady()) {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(Thread.ofPlatform().name("load-" + i).start(() -> {
                    while (running.get()) {
                        boolean during = outage.get();
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(app.uri("/v1/chat/completions"))
                                    .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                                    .header("authorization", "Bearer " + AppProcess.MASTER_KEY)
                                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            sent.incrementAndGet();
                            if (during) {
                                sentDuringOutage.incrementAndGet();
                            }
                            if (r.statusCode() != 200) {
                                failures.add(r.statusCode() + " " + r.body());
                                continue;
                            }
                            String id = r.headers().firstValue("x-switchboard-generation-id").orElseThrow();
                            allIds.add(id);
                            if (during) {
                                outageIds.add(id);
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            awaitTrue(Duration.ofSeconds(60), () -> sent.get() >= 20, "load warmed up");
            assertThat(app.get("/models/anthropic/claude-sonnet-4").statusCode()).isEqualTo(200);

            // The outage.
            outage.set(true);
            pg.close();
            long outageStart = System.nanoTime();
            double peakQueued = 0;
            boolean saw503 = false;
            while (System.nanoTime() - outageStart < TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS)) {
                peakQueued = Math.max(peakQueued, app.metric("switchboard_buffer_queued", "generations"));
                HttpResponse<String> page = app.get("/models/anthropic/claude-sonnet-4");
                if (page.statusCode() == 503) {
                    saw503 = true;
                    assertThat(page.headers().firstValue("retry-after")).contains("10");
                    assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
                    assertThat(page.body()).contains("Database unavailable").doesNotContain("Exception");
                } else {
                    assertThat(page.statusCode()).as("the detail page before the pool notices").isEqualTo(200);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500)); // sampling cadence, not a wait for state
            }
            assertThat(saw503).as("the detail page said the database is unavailable").isTrue();
            assertThat(app.get("/models").statusCode()).as("the models list is served from memory").isEqualTo(200);
            HttpResponse<String> api = app.get("/api/v1/generation?id=gen-not-buffered");
            assertThat(api.statusCode()).isEqualTo(503);
            assertThat(api.body()).contains("\"type\":\"service_unavailable\"").contains("database is unavailable");
            String oneDuring = outageIds.peek();
            assertThat(oneDuring).as("calls answered during the outage").isNotNull();
            assertThat(app.get("/api/v1/generation?id=" + oneDuring).statusCode())
                    .as("a buffered generation is readable during the outage").isEqualTo(200);
            assertThat(peakQueued).as("generations queued while the database was away").isPositive();

            // Recovery.
            pg = postgres(dir.resolve("pg"), dbPort);
            long restarted = System.nanoTime();
            outage.set(false);
            awaitTrue(Duration.ofSeconds(30), () -> app.metric("switchboard_buffer_queued", "generations") == 0
                    && app.metric("switchboard_buffer_queued", "samples") == 0
                    && app.get("/models/anthropic/claude-sonnet-4").statusCode() == 200, "recovered");
            double recoverySeconds = (System.nanoTime() - restarted) / 1e9;
            int before = sent.get();
            awaitTrue(Duration.ofSeconds(30), () -> sent.get() >= before + 10, "load after recovery");
            running.set(false);
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            awaitTrue(Duration.ofSeconds(10), () -> app.metric("switchboard_buffer_queued", "generations") == 0,
                    "the last calls' generations written");

            long stored = countStored(jdbcUrl, List.copyOf(outageIds));
            long storedAll = countStored(jdbcUrl, List.copyOf(allIds));
            String log = app.logText();
            System.out.printf("DatabaseOutageIT: outage %ds, requests %d (%d during the outage), failures %d, "
                            + "generations answered during the outage %d, stored %d, lost %d; all generations %d, "
                            + "stored %d; peak queued %.0f; recovery %.1fs after the restart%n", OUTAGE_SECONDS,
                    sent.get(), sentDuringOutage.get(), failures.size(), outageIds.size(), stored,
                    outageIds.size() - stored, allIds.size(), storedAll, peakQueued, recoverySeconds);
            assertThat(failures).as("proxy failures").isEmpty();
            assertThat(stored).as("generations of the outage written after it").isEqualTo(outageIds.size());
            assertThat(storedAll).isEqualTo(allIds.size());
            assertThat(app.metric("switchboard_buffer_dropped_total", "generations")).isZero();
            assertThat(app.metric("switchboard_buffer_flush_failures_total", "generations")).isPositive();
            // One line when writing stops working, one when it is back, per buffer; no stack traces, no pool noise.
            assertThat(count(log, "Generations: the database is unavailable")).isEqualTo(1);
            assertThat(count(log, "Generations: the database is back")).isEqualTo(1);
            assertThat(count(log, "Samples: the database is unavailable")).isLessThanOrEqualTo(1);
            assertThat(log).doesNotContain("\tat ").doesNotContain("ARJUNA").doesNotContain("io.agroal")
                    .doesNotContain("Unexpected error");
        } finally {
            running.set(false);
            pg.close();
        }
    }

    static EmbeddedPostgres postgres(Path dir, int port) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60)).setServerConfig("timezone", "UTC").start();
    }

    private static long countStored(String jdbcUrl, List<String> ids) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement ps = c.prepareStatement("select count(*) from generations where id = any(?)")) {
            Array array = c.createArrayOf("text", ids.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls {@code check} until it holds, failing after {@code within}. */
    static void awaitTrue(Duration within, Check check, String what) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
