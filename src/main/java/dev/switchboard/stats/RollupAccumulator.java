package dev.switchboard.stats;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.TreeMap;

/**
 * Adds up one bucket, from raw samples or from finer rollup rows. Both give the same counts and histograms for the
 * same calls, so an hour built from its samples equals the hour merged from its minutes.
 *
 * <p>Latency and speed count only successful calls (a failed call's timings describe the failure, not the
 * endpoint), and a speed of 0 is skipped: it means nothing was generated, which says nothing about speed.
 */
final class RollupAccumulator {

    /** Where the row's percentiles come from. */
    enum Percentiles {
        /** From the raw values, interpolated between ranks as SQL's percentile_cont does; needs raw samples. */
        EXACT,
        /** From the histogram (within ~3%); the only choice once buckets are merged. */
        HISTOGRAM
    }

    private final Percentiles percentiles;
    private int total;
    private int ok;
    private int failed;
    private int rateLimited;
    private int excluded;
    private final TreeMap<String, Integer> failures = new TreeMap<>();
    private final LogHistogram ttft = new LogHistogram(LogHistogram.TTFT_MS);
    private final LogHistogram decode = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
    private final LogHistogram e2e = new LogHistogram(LogHistogram.TOKENS_PER_SECOND);
    private final Values ttftValues = new Values();
    private final Values decodeValues = new Values();
    private final Values e2eValues = new Values();
    private long tokensIn;
    private long tokensOut;
    private Instant lastStartedAt;

    RollupAccumulator(Percentiles percentiles) {
        this.percentiles = percentiles;
    }

    void addSample(SampleOutcome outcome, Instant startedAt, Integer ttftMs, Double decodeTps, Double e2eTps,
                   Integer inputTokens, Integer outputTokens) {
        total++;
        switch (outcome.category()) {
            case SUCCESS -> ok++;
            case FAILURE -> failed++;
            case RATE_LIMITED -> rateLimited++;
            case EXCLUDED -> excluded++;
        }
        if (outcome != SampleOutcome.OK) {
            failures.merge(outcome.id(), 1, Integer::sum);
            // a cancelled stream's first token came (or, for a lost hedge race, had not come yet) at its TTFT
            if (outcome == SampleOutcome.CANCELLED && ttftMs != null) {
                measure(ttft, ttftValues, ttftMs);
            }
        } else {
            if (ttftMs != null) {
                measure(ttft, ttftValues, ttftMs);
            }
            if (decodeTps != null && decodeTps > 0) {
                measure(decode, decodeValues, decodeTps);
            }
            if (e2eTps != null && e2eTps > 0) {
                measure(e2e, e2eValues, e2eTps);
            }
        }
        tokensIn += inputTokens == null ? 0 : inputTokens;
        tokensOut += outputTokens == null ? 0 : outputTokens;
        later(startedAt);
    }

    void addRow(RollupRow row) {
        if (percentiles == Percentiles.EXACT) {
            throw new IllegalStateException("exact percentiles need raw samples, not rollup rows");
        }
        total += row.total();
        ok += row.ok();
        failed += row.failed();
        rateLimited += row.rateLimited();
        excluded += row.excluded();
        row.failures().forEach((outcome, count) -> failures.merge(outcome, count, Integer::sum));
        ttft.addArray(row.ttftHist());
        decode.addArray(row.decodeHist());
        e2e.addArray(row.e2eHist());
        tokensIn += row.tokensIn();
        tokensOut += row.tokensOut();
        later(row.lastStartedAt());
    }

    RollupRow toRow(long endpointId, Instant bucketStart) {
        return new RollupRow(endpointId, bucketStart, total, ok, failed, rateLimited, excluded,
                Collections.unmodifiableMap(new TreeMap<>(failures)),
                Math.toIntExact(ttft.count()), percentile(ttft, ttftValues, 0.5), percentile(ttft, ttftValues, 0.9),
                percentile(ttft, ttftValues, 0.99),
                Math.toIntExact(decode.count()), percentile(decode, decodeValues, 0.5),
                percentile(decode, decodeValues, 0.9),
                Math.toIntExact(e2e.count()), percentile(e2e, e2eValues, 0.5),
                tokensIn, tokensOut, ttft.toArray(), decode.toArray(), e2e.toArray(), lastStartedAt);
    }

    private void measure(LogHistogram histogram, Values values, double value) {
        histogram.add(value);
        if (percentiles == Percentiles.EXACT) {
            values.add(value);
        }
    }

    private Double percentile(LogHistogram histogram, Values values, double q) {
        return percentiles == Percentiles.EXACT ? values.percentile(q) : histogram.percentile(q);
    }

    private void later(Instant startedAt) {
        if (lastStartedAt == null || startedAt.isAfter(lastStartedAt)) {
            lastStartedAt = startedAt;
        }
    }

    /** Exact percentile (percentile_cont) of a set of values; null when empty. */
    static Double exactPercentile(double[] sorted, int n, double q) {
        if (n == 0) {
            return null;
        }
        double position = q * (n - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, n - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }

    /** A growable list of doubles, kept only for exact percentiles. */
    private static final class Values {
        private double[] values = new double[8];
        private int size;
        private boolean sorted = true;

        void add(double v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
            sorted = false;
        }

        Double percentile(double q) {
            if (!sorted) {
                Arrays.sort(values, 0, size);
                sorted = true;
            }
            return exactPercentile(values, size, q);
        }
    }
}
