package dev.switchboard.stats;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogHistogramTest {

    @Test
    void percentilesOfLognormalTtftAreWithinFivePercentOfExact() {
        Random random = new Random(42);
        double[] values = new double[20_000];
        LogHistogram h = new LogHistogram(LogHistogram.TTFT_MS);
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(Math.log(450) + 0.6 * random.nextGaussian()); // median 450 ms, long right tail
            h.add(values[i]);
        }
        Arrays.sort(values);
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            double exact = RollupAccumulator.exactPercentile(values, values.length, q);
            assertWithin(exact, h.percentile(q), 0.05, "p" + (int) (q * 100));
        }
        assertEquals(values.length, h.count());
    }

    @Test
    void percentilesOfLognormalSpeedsAreWithinFivePercentOfExact() {
        Random random = new Random(7);
        double[] values = new double[5_000];
        LogHistogram h = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(Math.log(85) + 0.3 * random.nextGaussian());
            h.add(values[i]);
        }
        Arrays.sort(values);
        assertWithin(RollupAccumulator.exactPercentile(values, values.length, 0.5), h.percentile(0.5), 0.05, "p50");
        assertWithin(RollupAccumulator.exactPercentile(values, values.length, 0.9), h.percentile(0.9), 0.05, "p90");
    }

    @Test
    void aSingleValueReadsBackWithinBucketError() {
        LogHistogram h = new LogHistogram(LogHistogram.TTFT_MS);
        h.add(1234);
        assertWithin(1234, h.percentile(0.5), 0.06, "single value");
        assertWithin(1234, h.percentile(0.9), 0.06, "single value");
    }

    @Test
    void mergeEqualsAddingEveryValueToOneHistogram() {
        Random random = new Random(1);
        LogHistogram all = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
        LogHistogram a = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
        LogHistogram b = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
        for (int i = 0; i < 3_000; i++) {
            double v = 0.05 + random.nextDouble() * 2_000;
            all.add(v);
            (i % 3 == 0 ? a : b).add(v);
        }
        a.merge(b);
        assertArrayEquals(all.toArray(), a.toArray());
        assertEquals(all.count(), a.count());
        assertEquals(all.percentile(0.5), a.percentile(0.5));

        LogHistogram fromArrays = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
        fromArrays.addArray(b.toArray());
        assertTrue(fromArrays.count() < all.count());
    }

    @Test
    void roundTripsThroughTheStoredSparseArray() {
        LogHistogram h = new LogHistogram(LogHistogram.TTFT_MS);
        for (double v : new double[] {0, 1, 250, 251, 260, 9_000, 600_000, 5_000_000}) {
            h.add(v);
        }
        int[] stored = h.toArray();
        // Sparse pairs by ascending index: 0 and 1 ms share the first bucket, as do the values beyond the range.
        assertEquals(0, stored.length % 2);
        for (int i = 2; i < stored.length; i += 2) {
            assertTrue(stored[i] > stored[i - 2]);
        }
        assertEquals(2, stored[1]);
        assertEquals(LogHistogram.TTFT_MS.buckets() - 1, stored[stored.length - 2]);
        assertEquals(2, stored[stored.length - 1]);
        LogHistogram back = LogHistogram.fromArray(LogHistogram.TTFT_MS, stored);
        assertArrayEquals(stored, back.toArray());
        assertEquals(h.count(), back.count());
        assertEquals(h.percentile(0.5), back.percentile(0.5));
        assertArrayEquals(new int[0], new LogHistogram(LogHistogram.TTFT_MS).toArray());
    }

    @Test
    void emptyHasNoPercentileAndBadInputIsRefused() {
        LogHistogram h = new LogHistogram(LogHistogram.TTFT_MS);
        assertNull(h.percentile(0.5));
        assertThrows(IllegalArgumentException.class, () -> h.percentile(1.5));
        assertThrows(IllegalArgumentException.class, () -> h.addArray(new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> h.addArray(new int[] {100_000, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> h.merge(new LogHistogram(LogHistogram.TOKENS_PER_SECOND)));
    }

    @Test
    void layoutsCoverTheirRangesWithFewBuckets() {
        assertTrue(LogHistogram.TTFT_MS.buckets() < 250);
        assertTrue(LogHistogram.TOKENS_PER_SECOND.buckets() < 250);
        assertEquals(0, LogHistogram.TOKENS_PER_SECOND.bucketOf(0.1));
        assertTrue(LogHistogram.TOKENS_PER_SECOND.lowerBound(LogHistogram.TOKENS_PER_SECOND.bucketOf(1000)) <= 1000);
    }

    private static void assertWithin(double expected, Double actual, double tolerance, String what) {
        double error = Math.abs(actual - expected) / expected;
        assertTrue(error <= tolerance, what + ": expected " + expected + " within " + tolerance * 100 + "%, got "
                + actual + " (" + String.format("%.2f", error * 100) + "% off)");
    }
}
