package dev.switchboard.stats;

import java.time.Instant;
import java.util.Collection;

/**
 * One endpoint's stats as published, plus what merging it with others needs: a median of several endpoints is read
 * from their added histograms, never averaged from their medians.
 */
record StatsEntry(
        EndpointStats stats,
        int[] ttft,
        int[] decode,
        int[] e2e,
        int[] routingTtft,
        int[] routingDecode,
        long tokensLastHour,
        boolean callsLastHour) {

    /** The stats of several endpoints as one (a model across its providers). */
    static EndpointStats merge(Collection<StatsEntry> entries) {
        if (entries.isEmpty()) {
            return EndpointStats.NONE;
        }
        if (entries.size() == 1) {
            return entries.iterator().next().stats();
        }
        LogHistogram ttft = new LogHistogram(LogHistogram.TTFT_MS);
        LogHistogram decode = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
        LogHistogram e2e = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
        LogHistogram routingTtft = new LogHistogram(LogHistogram.TTFT_MS);
        LogHistogram routingDecode = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
        Uptime hour = Uptime.NONE;
        Uptime day = Uptime.NONE;
        Uptime week = Uptime.NONE;
        Uptime month = Uptime.NONE;
        long tokens = 0;
        boolean calls = false;
        Instant last = null;
        for (StatsEntry e : entries) {
            ttft.addArray(e.ttft());
            decode.addArray(e.decode());
            e2e.addArray(e.e2e());
            routingTtft.addArray(e.routingTtft());
            routingDecode.addArray(e.routingDecode());
            EndpointStats s = e.stats();
            hour = hour.plus(s.uptime1h());
            day = day.plus(s.uptime24h());
            week = week.plus(s.uptime7d());
            month = month.plus(s.uptime30d());
            tokens += e.tokensLastHour();
            calls |= e.callsLastHour();
            if (s.lastSampleAt() != null && (last == null || s.lastSampleAt().isAfter(last))) {
                last = s.lastSampleAt();
            }
        }
        return new EndpointStats(Distribution.of(ttft), Distribution.of(decode), Distribution.of(e2e), hour, day,
                week, month, Distribution.of(routingTtft), Distribution.of(routingDecode),
                calls ? tokens / 60.0 : null, last);
    }
}
