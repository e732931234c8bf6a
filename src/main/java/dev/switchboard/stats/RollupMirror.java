package dev.switchboard.stats;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory copy of the rollup rows the stats windows need — minute rows of the last hour (or routing window, if
 * longer), hour rows with histograms for the last day, and per-hour call counts for 30 days — so that a refresh
 * reads only the rows that changed since the last one instead of a month of rows. Fed rows by
 * {@link StatsSnapshot}, asked for per-endpoint stats as of a time. Not thread-safe: the snapshot serialises.
 */
final class RollupMirror {

    /** Hours in the longest window (30 days, the current hour included). */
    static final int MONTH_HOURS = 30 * 24;
    /** Slots of the per-hour counts: a day more than the window, so a clock slightly ahead overwrites nothing. */
    private static final int RING = MONTH_HOURS + 24;

    /**
     * A rollup row as the mirror keeps it. {@code bucket} counts minutes or hours since the epoch. The histograms are
     * null for hour rows older than the last day (only their counts matter).
     */
    record Row(long endpointId, long bucket, int ok, int failed, int rateLimited, int[] ttftHist,
               int[] decodeHist, int[] e2eHist, long tokens, Instant lastStartedAt) {
    }

    private final int routingMinutes;
    private final int minutesKept;
    private final Map<Long, Recent> endpoints = new HashMap<>();

    RollupMirror(int routingMinutes) {
        if (routingMinutes < 1) {
            throw new IllegalArgumentException("the routing window must be at least a minute");
        }
        this.routingMinutes = routingMinutes;
        this.minutesKept = Math.max(60, routingMinutes);
    }

    /** Minutes of history the mirror needs: the hour for 1 h uptime, or the routing window if longer. */
    int minutesKept() {
        return minutesKept;
    }

    void clear() {
        endpoints.clear();
    }

    void putMinute(Row row) {
        Recent r = endpoints.computeIfAbsent(row.endpointId(), id -> new Recent());
        r.minutes.put(row.bucket(), row);
        r.seen(row.lastStartedAt());
    }

    void putHour(Row row) {
        Recent r = endpoints.computeIfAbsent(row.endpointId(), id -> new Recent());
        r.counts.put(row.bucket(), row.ok(), row.failed(), row.rateLimited());
        if (row.ttftHist() != null) {
            r.hours.put(row.bucket(), row);
        }
        r.seen(row.lastStartedAt());
    }

    /** Every endpoint's stats as of {@code now}; forgets rows that have left every window. */
    Map<Long, StatsEntry> compute(Instant now) {
        long nowMinute = Math.floorDiv(now.getEpochSecond(), 60);
        long nowHour = Math.floorDiv(now.getEpochSecond(), 3600);
        long hourFrom = nowMinute - 59;
        long routingFrom = nowMinute - (routingMinutes - 1);
        long dayFrom = nowHour - 23;
        Scratch s = new Scratch();
        Map<Long, StatsEntry> out = new HashMap<>();
        for (Iterator<Map.Entry<Long, Recent>> it = endpoints.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Recent> e = it.next();
            Recent r = e.getValue();
            r.minutes.headMap(nowMinute - (minutesKept - 1)).clear();
            r.hours.headMap(dayFrom).clear();
            Uptime[] hourly = r.counts.sums(nowHour);
            if (r.minutes.isEmpty() && r.hours.isEmpty() && !hourly[2].hasData()) {
                it.remove();
                continue;
            }
            out.put(e.getKey(), entry(r, hourly, hourFrom, routingFrom, s));
        }
        return out;
    }

    private static StatsEntry entry(Recent r, Uptime[] hourly, long hourFrom, long routingFrom, Scratch s) {
        s.clear();
        long ok = 0;
        long failed = 0;
        long rateLimited = 0;
        long tokens = 0;
        boolean calls = false;
        for (Row m : r.minutes.tailMap(hourFrom).values()) {
            ok += m.ok();
            failed += m.failed();
            rateLimited += m.rateLimited();
            tokens += m.tokens();
            calls = true;
            if (m.bucket() >= routingFrom) {
                s.routingTtft.addArray(m.ttftHist());
                s.routingDecode.addArray(m.decodeHist());
            }
        }
        for (Row h : r.hours.values()) {
            s.ttft.addArray(h.ttftHist());
            s.decode.addArray(h.decodeHist());
            s.e2e.addArray(h.e2eHist());
        }
        EndpointStats stats = new EndpointStats(Distribution.of(s.ttft), Distribution.of(s.decode),
                Distribution.of(s.e2e), Uptime.of(ok, failed, rateLimited), hourly[0], hourly[1], hourly[2],
                Distribution.of(s.routingTtft), Distribution.of(s.routingDecode), calls ? tokens / 60.0 : null,
                r.lastSampleAt);
        return new StatsEntry(stats, s.ttft.toArray(), s.decode.toArray(), s.e2e.toArray(), s.routingTtft.toArray(),
                s.routingDecode.toArray(), tokens, calls);
    }

    /** One endpoint's recent rows. */
    private static final class Recent {
        final TreeMap<Long, Row> minutes = new TreeMap<>();
        final TreeMap<Long, Row> hours = new TreeMap<>();
        final HourCounts counts = new HourCounts();
        Instant lastSampleAt;

        void seen(Instant startedAt) {
            if (startedAt != null && (lastSampleAt == null || startedAt.isAfter(lastSampleAt))) {
                lastSampleAt = startedAt;
            }
        }
    }

    /**
     * Calls per hour for the last 30 days in flat arrays indexed by hour modulo the ring size (a map of boxed rows
     * would cost ~100 MB for 1500 endpoints).
     */
    private static final class HourCounts {
        final long[] hour = new long[RING];
        final int[] ok = new int[RING];
        final int[] failed = new int[RING];
        final int[] rateLimited = new int[RING];

        HourCounts() {
            Arrays.fill(hour, Long.MIN_VALUE);
        }

        void put(long bucket, int okCount, int failedCount, int rateLimitedCount) {
            int slot = (int) Math.floorMod(bucket, RING);
            if (hour[slot] > bucket) {
                return; // a newer hour holds the slot; this one is out of every window
            }
            hour[slot] = bucket;
            ok[slot] = okCount;
            failed[slot] = failedCount;
            rateLimited[slot] = rateLimitedCount;
        }

        /** Uptime over the last 24 h, 7 d and 30 d (current hour included). */
        Uptime[] sums(long nowHour) {
            long[][] sums = new long[3][3];
            long[] from = {nowHour - 23, nowHour - (7 * 24 - 1), nowHour - (MONTH_HOURS - 1)};
            for (int slot = 0; slot < RING; slot++) {
                long h = hour[slot];
                for (int w = 0; w < 3; w++) {
                    if (h >= from[w]) {
                        sums[w][0] += ok[slot];
                        sums[w][1] += failed[slot];
                        sums[w][2] += rateLimited[slot];
                    }
                }
            }
            Uptime[] out = new Uptime[3];
            for (int w = 0; w < 3; w++) {
                out[w] = Uptime.of(sums[w][0], sums[w][1], sums[w][2]);
            }
            return out;
        }
    }

    /** Histograms reused from one endpoint to the next within a compute. */
    private static final class Scratch {
        final LogHistogram ttft = new LogHistogram(LogHistogram.TTFT_MS);
        final LogHistogram decode = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
        final LogHistogram e2e = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
        final LogHistogram routingTtft = new LogHistogram(LogHistogram.TTFT_MS);
        final LogHistogram routingDecode = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);

        void clear() {
            ttft.clear();
            decode.clear();
            e2e.clear();
            routingTtft.clear();
            routingDecode.clear();
        }
    }
}
