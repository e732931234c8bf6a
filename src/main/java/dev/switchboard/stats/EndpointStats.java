package dev.switchboard.stats;

import java.time.Instant;

/**
 * What the pages and the router know about an endpoint (or, merged, a model across its providers). Windows end now;
 * hour-based windows (24 h, 7 d, 30 d) are the current hour and the whole hours before it (23, 167, 719);
 * minute-based ones (1 h, routing) the current minute and the whole minutes before it.
 *
 * @param ttft            time to first token, ms, over 24 h
 * @param decode          decode speed, output tokens/s from first to last token, over 24 h
 * @param e2e             end-to-end speed, output tokens/s over the whole call, over 24 h
 * @param uptime1h        from minute rollups
 * @param uptime24h       from hour rollups
 * @param uptime7d        from hour rollups
 * @param uptime30d       from hour rollups
 * @param routingTtft     TTFT over the routing window ({@code switchboard.stats.routing-window}, default 30 min)
 * @param routingDecode   decode speed over the routing window
 * @param tokensPerMinute input plus output tokens over the last hour, divided by 60; null with no calls that hour
 * @param lastSampleAt    when the latest call seen (within 30 days) started; null if none
 */
public record EndpointStats(
        Distribution ttft,
        Distribution decode,
        Distribution e2e,
        Uptime uptime1h,
        Uptime uptime24h,
        Uptime uptime7d,
        Uptime uptime30d,
        Distribution routingTtft,
        Distribution routingDecode,
        Double tokensPerMinute,
        Instant lastSampleAt) {

    /** No data at all. */
    public static final EndpointStats NONE = new EndpointStats(Distribution.NONE, Distribution.NONE,
            Distribution.NONE, Uptime.NONE, Uptime.NONE, Uptime.NONE, Uptime.NONE, Distribution.NONE,
            Distribution.NONE, null, null);

    public boolean hasData() {
        return lastSampleAt != null;
    }
}
