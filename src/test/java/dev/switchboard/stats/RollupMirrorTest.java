package dev.switchboard.stats;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RollupMirrorTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:34:56Z");
    private static final long NOW_MINUTE = NOW.getEpochSecond() / 60;
    private static final long NOW_HOUR = NOW.getEpochSecond() / 3600;

    private static int[] hist(LogHistogram.Layout layout, double value, int count) {
        return new int[] {layout.bucketOf(value), count};
    }

    private static RollupMirror.Row minute(long endpoint, long minutesAgo, int ok, int failed, int rateLimited,
                                           double ttft, double decode) {
        return new RollupMirror.Row(endpoint, NOW_MINUTE - minutesAgo, ok, failed, rateLimited,
                hist(LogHistogram.TTFT_MS, ttft, ok), hist(LogHistogram.TOKENS_PER_SECOND, decode, ok),
                hist(LogHistogram.TOKENS_PER_SECOND, decode, ok), 100L * (ok + failed),
                Instant.ofEpochSecond((NOW_MINUTE - minutesAgo) * 60 + 5));
    }

    private static RollupMirror.Row hour(long endpoint, long hoursAgo, int ok, int failed, int rateLimited,
                                         double ttft, boolean recent) {
        return new RollupMirror.Row(endpoint, NOW_HOUR - hoursAgo, ok, failed, rateLimited,
                recent ? hist(LogHistogram.TTFT_MS, ttft, ok) : null,
                recent ? new int[0] : null, recent ? new int[0] : null, 0,
                Instant.ofEpochSecond((NOW_HOUR - hoursAgo) * 3600 + 60));
    }

    @Test
    void eachWindowCountsOnlyItsOwnBuckets() {
        RollupMirror mirror = new RollupMirror(30);
        mirror.putMinute(minute(1, 5, 4, 1, 2, 200, 80));    // in routing window and the hour
        mirror.putMinute(minute(1, 45, 6, 0, 0, 900, 20));   // in the hour, not the routing window
        mirror.putMinute(minute(1, 90, 50, 50, 0, 9, 9));    // outside both: forgotten
        mirror.putHour(hour(1, 0, 10, 1, 2, 300, true));
        mirror.putHour(hour(1, 23, 5, 0, 0, 300, true));     // oldest hour of the 24 h window
        mirror.putHour(hour(1, 24, 7, 3, 0, 300, true));     // outside 24 h, inside 7 d
        mirror.putHour(hour(1, 24 * 7, 1, 1, 1, 0, false));  // outside 7 d, inside 30 d
        mirror.putHour(hour(1, 24 * 30, 99, 99, 99, 0, false)); // outside 30 d

        EndpointStats s = mirror.compute(NOW).get(1L).stats();
        assertEquals(Uptime.of(10, 1, 2), s.uptime1h());
        assertEquals(Uptime.of(15, 1, 2), s.uptime24h());
        assertEquals(Uptime.of(22, 4, 2), s.uptime7d());
        assertEquals(Uptime.of(23, 5, 3), s.uptime30d());
        assertEquals(100.0 * 10 / 11, s.uptime1h().percent(), 1e-9);
        assertEquals(4, s.routingTtft().count());
        assertEquals(200, s.routingTtft().p50(), 200 * 0.06);
        assertEquals(80, s.routingDecode().p50(), 80 * 0.06);
        assertEquals(15, s.ttft().count()); // hour rows: current and 23 hours ago
        assertEquals(100.0 * (4 + 1 + 6) / 60, s.tokensPerMinute(), 1e-9); // the two minutes of the last hour
        assertEquals(Instant.ofEpochSecond((NOW_MINUTE - 5) * 60 + 5), s.lastSampleAt());
    }

    @Test
    void noDataIsNullNotZero() {
        RollupMirror mirror = new RollupMirror(30);
        mirror.putHour(hour(2, 100, 0, 0, 4, 0, false)); // only rate-limited calls, days ago
        EndpointStats s = mirror.compute(NOW).get(2L).stats();
        assertNull(s.uptime30d().percent());
        assertEquals(4, s.uptime30d().rateLimited());
        assertNull(s.uptime1h().percent());
        assertNull(s.ttft().p50());
        assertFalse(s.ttft().hasData());
        assertNull(s.tokensPerMinute());
        assertSame(EndpointStats.NONE, StatsEntry.merge(List.of()));
    }

    @Test
    void anEndpointWithNothingLeftInAnyWindowIsForgotten() {
        RollupMirror mirror = new RollupMirror(30);
        mirror.putHour(hour(3, 24 * 31, 5, 0, 0, 0, false));
        assertTrue(mirror.compute(NOW).isEmpty());
    }

    @Test
    void aRowReadAgainReplacesItself() {
        RollupMirror mirror = new RollupMirror(30);
        mirror.putMinute(minute(4, 2, 1, 0, 0, 100, 10));
        mirror.putMinute(minute(4, 2, 3, 1, 0, 100, 10)); // the rollup rewrote the minute with a late sample
        mirror.putHour(hour(4, 0, 1, 0, 0, 100, true));
        mirror.putHour(hour(4, 0, 3, 1, 0, 100, true));
        EndpointStats s = mirror.compute(NOW).get(4L).stats();
        assertEquals(Uptime.of(3, 1, 0), s.uptime1h());
        assertEquals(Uptime.of(3, 1, 0), s.uptime30d());
    }

    @Test
    void aModelMergesItsEndpointsHistogramsAndCounts() {
        RollupMirror mirror = new RollupMirror(30);
        mirror.putMinute(minute(5, 1, 10, 0, 0, 100, 50));
        mirror.putMinute(minute(6, 1, 30, 10, 0, 1_000, 150));
        Map<Long, StatsEntry> entries = mirror.compute(NOW);
        EndpointStats model = StatsEntry.merge(List.of(entries.get(5L), entries.get(6L)));
        assertEquals(40, model.routingTtft().count());
        assertEquals(1_000, model.routingTtft().p50(), 1_000 * 0.06); // 30 of 40 calls took ~1 s
        assertEquals(Uptime.of(40, 10, 0), model.uptime1h());
        assertEquals((100.0 * 10 + 100.0 * 40) / 60, model.tokensPerMinute(), 1e-9);
    }
}
