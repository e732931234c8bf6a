package dev.switchboard.stats;

import dev.switchboard.stats.RollupAccumulator.Percentiles;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RollupAccumulatorTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void countsEachOutcomeByCategoryAndMeasuresSuccessesAndTheFirstTokenOfCancelledStreams() {
        RollupAccumulator acc = new RollupAccumulator(Percentiles.EXACT);
        acc.addSample(SampleOutcome.OK, T, 100, 50.0, 40.0, 10, 20);
        acc.addSample(SampleOutcome.OK, T.plusSeconds(5), 300, 70.0, 60.0, 10, 30);
        acc.addSample(SampleOutcome.SERVER_ERROR, T.plusSeconds(6), 5, null, null, 10, null);
        acc.addSample(SampleOutcome.STREAM_ERROR, T.plusSeconds(7), 9_000, 1.0, 1.0, 10, 2);
        acc.addSample(SampleOutcome.RATE_LIMITED, T.plusSeconds(8), null, null, null, null, null);
        acc.addSample(SampleOutcome.CALLER_ERROR, T.plusSeconds(9), null, null, null, null, null);
        acc.addSample(SampleOutcome.CANCELLED, T.plusSeconds(3), 200, null, null, 10, null);
        acc.addSample(SampleOutcome.OK, T.plusSeconds(1), null, 0.0, null, 1, 0); // non-streamed, nothing generated
        RollupRow row = acc.toRow(7, T);
        assertEquals(8, row.total());
        assertEquals(3, row.ok());
        assertEquals(2, row.failed());
        assertEquals(1, row.rateLimited());
        assertEquals(2, row.excluded());
        assertEquals(Map.of("server_error", 1, "stream_error", 1, "rate_limited", 1, "caller_error", 1,
                "cancelled", 1), row.failures());
        // the cancelled stream's TTFT counts (a hedge race's loser is cancelled before its first token: a lower bound)
        assertEquals(3, row.ttftCount());
        assertEquals(200.0, row.ttftP50()); // exact: the middle of 100, 200 and 300
        assertEquals(280.0, row.ttftP90(), 1e-9);
        assertEquals(2, row.decodeCount());
        assertEquals(60.0, row.decodeP50());
        assertEquals(2, row.e2eCount());
        assertEquals(51, row.tokensIn());
        assertEquals(52, row.tokensOut());
        assertEquals(T.plusSeconds(9), row.lastStartedAt());
    }

    @Test
    void anHourMergedFromMinuteRowsEqualsTheHourBuiltFromItsSamples() {
        Random random = new Random(3);
        RollupAccumulator fromSamples = new RollupAccumulator(Percentiles.HISTOGRAM);
        RollupAccumulator fromMinutes = new RollupAccumulator(Percentiles.HISTOGRAM);
        SampleOutcome[] outcomes = SampleOutcome.values();
        for (int minute = 0; minute < 60; minute += 7) {
            RollupAccumulator m = new RollupAccumulator(Percentiles.EXACT);
            for (int i = 0; i < 20; i++) {
                SampleOutcome outcome = random.nextInt(4) == 0 ? outcomes[random.nextInt(outcomes.length)]
                        : SampleOutcome.OK;
                Instant at = T.plusSeconds(minute * 60L + i);
                int ttft = 50 + random.nextInt(2_000);
                double decode = 5 + random.nextDouble() * 200;
                m.addSample(outcome, at, ttft, decode, decode / 2, 100, 200);
                fromSamples.addSample(outcome, at, ttft, decode, decode / 2, 100, 200);
            }
            fromMinutes.addRow(m.toRow(1, T.plusSeconds(minute * 60L)));
        }
        RollupRow a = fromSamples.toRow(1, T);
        RollupRow b = fromMinutes.toRow(1, T);
        assertEquals(a.total(), b.total());
        assertEquals(a.ok(), b.ok());
        assertEquals(a.failed(), b.failed());
        assertEquals(a.failures(), b.failures());
        assertArrayEquals(a.ttftHist(), b.ttftHist());
        assertArrayEquals(a.decodeHist(), b.decodeHist());
        assertArrayEquals(a.e2eHist(), b.e2eHist());
        assertEquals(a.ttftP50(), b.ttftP50());
        assertEquals(a.decodeP90(), b.decodeP90());
        assertEquals(a.tokensOut(), b.tokensOut());
        assertEquals(a.lastStartedAt(), b.lastStartedAt());
    }

    @Test
    void noMeasurementsMeansNoPercentilesAndExactNeedsSamples() {
        RollupAccumulator acc = new RollupAccumulator(Percentiles.EXACT);
        acc.addSample(SampleOutcome.TIMEOUT, T, null, null, null, null, null);
        RollupRow row = acc.toRow(1, T);
        assertNull(row.ttftP50());
        assertNull(row.decodeP50());
        assertNull(row.e2eP50());
        assertEquals(0, row.ttftHist().length);
        assertThrows(IllegalStateException.class, () -> acc.addRow(row));
    }

    @Test
    void exactPercentileInterpolatesBetweenRanksLikePercentileCont() {
        double[] v = {10, 20, 30, 40};
        assertEquals(25.0, RollupAccumulator.exactPercentile(v, 4, 0.5));
        assertEquals(37.0, RollupAccumulator.exactPercentile(v, 4, 0.9), 1e-9);
        assertEquals(10.0, RollupAccumulator.exactPercentile(v, 1, 0.9));
        assertNull(RollupAccumulator.exactPercentile(v, 0, 0.5));
    }

    @Test
    void intArraysRoundTripThePostgresTextForm() {
        int[] values = {0, 3, 17, 123456, -2};
        assertEquals("{0,3,17,123456,-2}", IntArrays.format(values));
        assertArrayEquals(values, IntArrays.parse("{0,3,17,123456,-2}"));
        assertArrayEquals(new int[0], IntArrays.parse("{}"));
        assertThrows(IllegalArgumentException.class, () -> IntArrays.parse("{1,,2}"));
    }
}
