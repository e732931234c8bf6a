package dev.switchboard.stats;

/**
 * A latency or speed distribution over a window: how many calls measured it, and their median and 90th percentile
 * (null when none did — "no data", never 0).
 */
public record Distribution(long count, Double p50, Double p90) {

    public static final Distribution NONE = new Distribution(0, null, null);

    static Distribution of(LogHistogram histogram) {
        return histogram.isEmpty() ? NONE
                : new Distribution(histogram.count(), histogram.percentile(0.5), histogram.percentile(0.9));
    }

    public boolean hasData() {
        return count > 0;
    }
}
