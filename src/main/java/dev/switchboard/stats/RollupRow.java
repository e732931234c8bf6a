package dev.switchboard.stats;

import java.time.Instant;
import java.util.Map;

/**
 * One row of {@code rollups_minute} or {@code rollups_hour}: what one endpoint's calls did in one bucket. See the
 * migration for the meaning of each column. Percentiles are null when nothing was measured; histograms are in the
 * stored (sparse) form of {@link LogHistogram#toArray()}.
 */
record RollupRow(
        long endpointId,
        Instant bucketStart,
        int total,
        int ok,
        int failed,
        int rateLimited,
        int excluded,
        Map<String, Integer> failures,
        int ttftCount,
        Double ttftP50,
        Double ttftP90,
        Double ttftP99,
        int decodeCount,
        Double decodeP50,
        Double decodeP90,
        int e2eCount,
        Double e2eP50,
        long tokensIn,
        long tokensOut,
        int[] ttftHist,
        int[] decodeHist,
        int[] e2eHist,
        Instant lastStartedAt) {
}
