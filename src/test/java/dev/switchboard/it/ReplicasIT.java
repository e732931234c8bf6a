package dev.switchboard.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.switchboard.it.DatabaseOutageIT.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three instances of the packaged app on one database, called in turn: the same catalog from each, a key created
 * (by the keys command) works on all and, once revoked, stops working on all within the key refresh interval, a
 * generation made through one is readable through the others, and probing runs on one replica per interval (the
 * advisory lock), not three. Prints the figures.
 */
class ReplicasIT {

    private static final Duration KEY_REFRESH = Duration.ofSeconds(1);
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(8);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void threeReplicasServeConsistentlyAndProbeOnce(@TempDir Path dir) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(true).setPort(AppProcess.freePort()).start();
        String jdbcUrl = pg.getJdbcUrl("postgres", "postgres");
        Map<String, String> settings = Map.of("switchboard.auth.refresh-interval", KEY_REFRESH.toSeconds() + "s",
                "switchboard.probe.interval", PROBE_INTERVAL.toSeconds() + "s", "switchboard.demo", "on");
        List<AppProcess> replicas = new ArrayList<>();
        try {
            // The first one migrates the schema; the others start on it.
            replicas.add(AppProcess.start(dir.resolve("r0.log"), jdbcUrl, settings).awaitReady());
            replicas.add(AppProcess.start(dir.resolve("r1.log"), jdbcUrl, settings));
            replicas.add(AppProcess.start(dir.resolve("r2.log"), jdbcUrl, settings));
            for (AppProcess r : replicas) {
                r.awaitReady();
            }
            long allReady = System.nanoTime();

            String catalog = replicas.getFirst().get("/v1/models").body();
            for (AppProcess r : replicas) {
                assertThat(r.get("/v1/models").body()).as("catalog of replica " + r.port()).isEqualTo(catalog);
            }

            AppProcess.CreatedKey created = AppProcess.createKey(dir, jdbcUrl, "replicas");
            String keyId = created.id();
            String key = created.key();
            for (AppProcess r : replicas) {
                awaitTrue(Duration.ofSeconds(10), () -> r.chat(key).statusCode() == 200,
                        "the new key works on replica " + r.port());
            }

            // A generation made through one replica is read through every other.
            HttpResponse<String> made = replicas.get(0).chat(key);
            String id = made.headers().firstValue("x-switchboard-generation-id").orElseThrow();
            for (AppProcess r : replicas.subList(1, 3)) {
                awaitTrue(Duration.ofSeconds(10), () -> generation(r, key, id).statusCode() == 200,
                        "generation visible on replica " + r.port());
            }

            AppProcess.keys(dir, jdbcUrl, "revoke", keyId);
            long revoked = System.nanoTime();
            for (AppProcess r : replicas) {
                awaitTrue(Duration.ofSeconds(10), () -> r.chat(key).statusCode() == 401,
                        "the revoked key refused on replica " + r.port());
            }
            double revokeSeconds = (System.nanoTime() - revoked) / 1e9;

            // Probing: one run per interval over all replicas together.
            awaitTrue(Duration.ofSeconds(60), () -> probeRuns(replicas) >= 2, "two probe runs");
            double elapsed = (System.nanoTime() - allReady) / 1e9 + 10; // the first run starts 10 s after start-up
            int runs = probeRuns(replicas);
            long maxRuns = (long) Math.ceil(elapsed / PROBE_INTERVAL.toSeconds()) + 1;
            System.out.printf("ReplicasIT: 3 replicas; revoked key refused on all %.1fs after the revoke (refresh "
                    + "%ds); %d probe runs in about %.0fs at an interval of %ds (at most %d allowed)%n", revokeSeconds,
                    KEY_REFRESH.toSeconds(), runs, elapsed, PROBE_INTERVAL.toSeconds(), maxRuns);
            assertThat(revokeSeconds).isLessThan(KEY_REFRESH.toSeconds() + 5.0);
            assertThat(runs).as("probe runs over all replicas").isLessThanOrEqualTo((int) maxRuns);
        } finally {
            for (AppProcess r : replicas) {
                r.close();
            }
            pg.close();
        }
    }

    private static int probeRuns(List<AppProcess> replicas) throws Exception {
        int n = 0;
        for (AppProcess r : replicas) {
            Matcher m = Pattern.compile("Probe run: \\d+ endpoints probed").matcher(r.logText());
            while (m.find()) {
                n++;
            }
        }
        return n;
    }

    private HttpResponse<String> generation(AppProcess r, String key, String id) throws Exception {
        return http.send(HttpRequest.newBuilder(r.uri("/api/v1/generation?id=" + id))
                .header("authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }
}
