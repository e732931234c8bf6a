package dev.switchboard.stats;

import java.util.Arrays;

/**
 * Counts of values in fixed log-scale buckets, so that distributions of many rollup rows can be merged (added) and
 * percentiles read from the merge without the raw samples. Bucket {@code i} holds values in
 * {@code [min·ratio^i, min·ratio^(i+1))}; values below the range count in the first bucket and above it in the last.
 * With a ratio of 1.06 a percentile read from the buckets is within about 3% of the exact value.
 *
 * <p>Stored form ({@link #toArray()}, the {@code *_hist integer[]} columns): sparse pairs
 * {@code [index, count, index, count, ...]} by ascending index, because a minute of probes fills one or two of the
 * ~230 buckets. The layouts below are part of that format: changing one needs a migration that rewrites the
 * histograms.
 *
 * <p>Not thread-safe; snapshots hold only encoded arrays.
 */
public final class LogHistogram {

    /** Time to first token in milliseconds, 1 ms to 10 minutes. */
    public static final Layout TTFT_MS = new Layout(1, 600_000, 1.06);
    /** Generation speed in output tokens per second, 0.1 to 100,000. */
    public static final Layout TOKENS_PER_SECOND = new Layout(0.1, 100_000, 1.06);

    /** The bucket boundaries of a histogram. */
    public static final class Layout {
        private final double min;
        private final double ratio;
        private final double logRatio;
        private final int buckets;

        public Layout(double min, double max, double ratio) {
            if (!(min > 0 && max > min && ratio > 1)) {
                throw new IllegalArgumentException("need 0 < min < max and ratio > 1");
            }
            this.min = min;
            this.ratio = ratio;
            this.logRatio = Math.log(ratio);
            this.buckets = (int) Math.ceil(Math.log(max / min) / logRatio);
        }

        public int buckets() {
            return buckets;
        }

        /** The bucket a value counts in (clamped into the range). */
        public int bucketOf(double value) {
            if (!(value > min)) {
                return 0;
            }
            return Math.min((int) (Math.log(value / min) / logRatio), buckets - 1);
        }

        /** The lower bound of bucket {@code i}. */
        public double lowerBound(int i) {
            return min * Math.pow(ratio, i);
        }

        double ratio() {
            return ratio;
        }
    }

    private final Layout layout;
    private final long[] counts;
    private long total;
    /**
     * The occupied index range ({@code lowest > highest} when empty): a distribution fills a few dozen of the ~230
     * buckets, and the snapshot clears, encodes and reads thousands of histograms per refresh.
     */
    private int lowest = Integer.MAX_VALUE;
    private int highest = -1;

    public LogHistogram(Layout layout) {
        this.layout = layout;
        this.counts = new long[layout.buckets()];
    }

    /** A histogram holding the counts of a stored array (see {@link #toArray()}). */
    public static LogHistogram fromArray(Layout layout, int[] encoded) {
        LogHistogram h = new LogHistogram(layout);
        h.addArray(encoded);
        return h;
    }

    public Layout layout() {
        return layout;
    }

    /** Counts one value; NaN is ignored (it has no place on the scale). */
    public void add(double value) {
        if (Double.isNaN(value)) {
            return;
        }
        int i = layout.bucketOf(value);
        counts[i]++;
        total++;
        occupied(i);
    }

    /** Adds all counts of another histogram of the same layout: the result is as if its values had been added. */
    public void merge(LogHistogram other) {
        requireSameLayout(other);
        for (int i = other.lowest; i <= other.highest; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        if (!other.isEmpty()) {
            occupied(other.lowest);
            occupied(other.highest);
        }
    }

    /** Adds the counts of a stored array; cheaper than decoding it into a histogram first. */
    public void addArray(int[] encoded) {
        if (encoded.length % 2 != 0) {
            throw new IllegalArgumentException("a stored histogram holds (index, count) pairs; got "
                    + encoded.length + " numbers");
        }
        for (int i = 0; i < encoded.length; i += 2) {
            int index = encoded[i];
            int count = encoded[i + 1];
            if (index < 0 || index >= counts.length || count < 0) {
                throw new IllegalArgumentException("bad histogram pair (" + index + ", " + count + ")");
            }
            counts[index] += count;
            total += count;
            occupied(index);
        }
    }

    private void occupied(int index) {
        lowest = Math.min(lowest, index);
        highest = Math.max(highest, index);
    }

    public long count() {
        return total;
    }

    public boolean isEmpty() {
        return total == 0;
    }

    /**
     * The {@code q} quantile with the convention of SQL's {@code percentile_cont} (rank {@code q·(n-1)}, linear
     * between the two nearest values), where the values are reconstructed from their buckets: the {@code c} values
     * of a bucket are taken as spread evenly over it on the log scale. So two calls of 400 and 600 ms have a median
     * of about 500, as the exact minute rows say, and a single value reads back within half a bucket (~3%).
     * Null when the histogram is empty.
     */
    public Double percentile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("q must be within [0, 1]: " + q);
        }
        if (total == 0) {
            return null;
        }
        double rank = q * (total - 1);
        long below = (long) Math.floor(rank);
        double low = valueAt(below);
        double fraction = rank - below;
        return fraction == 0 ? low : low + (valueAt(below + 1) - low) * fraction;
    }

    /** The reconstructed value of 0-based rank {@code k}. */
    private double valueAt(long k) {
        long before = 0;
        for (int i = lowest; i <= highest; i++) {
            long c = counts[i];
            if (k < before + c) {
                return layout.lowerBound(i) * Math.pow(layout.ratio(), (k - before + 0.5) / c);
            }
            before += c;
        }
        throw new IllegalStateException("rank " + k + " beyond the count " + total);
    }

    /** The stored form: sparse {@code [index, count, ...]} pairs by ascending index. */
    public int[] toArray() {
        int used = 0;
        for (int i = lowest; i <= highest; i++) {
            if (counts[i] != 0) {
                used++;
            }
        }
        int[] out = new int[used * 2];
        int at = 0;
        for (int i = lowest; i <= highest; i++) {
            if (counts[i] != 0) {
                out[at++] = i;
                out[at++] = Math.toIntExact(counts[i]); // one row never holds 2^31 calls of one endpoint
            }
        }
        return out;
    }

    public void clear() {
        if (highest >= lowest) {
            Arrays.fill(counts, lowest, highest + 1, 0);
        }
        total = 0;
        lowest = Integer.MAX_VALUE;
        highest = -1;
    }

    private void requireSameLayout(LogHistogram other) {
        if (other.layout != layout) {
            throw new IllegalArgumentException("cannot merge histograms of different layouts");
        }
    }
}
