package dev.switchboard.stats;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CallMeasurementTest {

    private static final long MS = 1_000_000L;

    @Test
    void measuresTtftDecodeAndEndToEndSpeed() {
        CallMeasurement m = new CallMeasurement(Sample.Source.PROBE, 7, Instant.EPOCH, 0);
        m.on(new ChatEvent.Start("id", "m"), 50 * MS);
        m.on(new ChatEvent.TextDelta(""), 80 * MS); // not content
        m.on(new ChatEvent.TextDelta("Hi"), 100 * MS);
        m.on(new ChatEvent.TextDelta(" there."), 600 * MS);
        m.on(new ChatEvent.Stop(FinishReason.STOP, "stop"), 610 * MS);
        m.on(new ChatEvent.UsageReport(new Usage(9, 10, 0, 0, 0)), 620 * MS);
        Sample s = m.toSample(null, 1000 * MS);
        assertThat(s.source()).isEqualTo(Sample.Source.PROBE);
        assertThat(s.outcome()).isEqualTo(SampleOutcome.OK);
        assertThat(s.ttftMs()).isEqualTo(100);
        assertThat(s.latencyMs()).isEqualTo(1000);
        assertThat(s.inputTokens()).isEqualTo(9);
        assertThat(s.outputTokens()).isEqualTo(10);
        // two content events: the first one's share (5 of 10 tokens) came at the TTFT, the other 5 over 500 ms
        assertThat(s.decodeTps()).isCloseTo(10.0, within(1e-9));
        assertThat(s.e2eTps()).isCloseTo(10.0, within(1e-9));
        assertThat(s.httpStatus()).isNull();
    }

    @Test
    void decodeSpeedCountsTheTokensAfterTheFirstOneOverTheSpanFromFirstToLast() {
        // 16 tokens, one per event, 10 ms apart: 15 tokens in 150 ms is 100 tok/s (not 16 / 0.15 s)
        CallMeasurement m = new CallMeasurement(Sample.Source.PROBE, 7, Instant.EPOCH, 0);
        for (int i = 0; i < 16; i++) {
            m.on(new ChatEvent.TextDelta("t"), (50 + 10 * i) * MS);
        }
        m.on(new ChatEvent.UsageReport(new Usage(9, 16, 0, 0, 0)), 201 * MS);
        m.on(new ChatEvent.Stop(FinishReason.LENGTH, "length"), 201 * MS);
        assertThat(m.toSample(null, 202 * MS).decodeTps()).isCloseTo(100.0, within(1e-9));
        // chunks of 4 tokens every 40 ms: the first chunk's 4 came at the TTFT, 12 more in 120 ms
        CallMeasurement chunked = new CallMeasurement(Sample.Source.PROBE, 7, Instant.EPOCH, 0);
        for (int i = 0; i < 4; i++) {
            chunked.on(new ChatEvent.TextDelta("four"), (50 + 40 * i) * MS);
        }
        chunked.on(new ChatEvent.UsageReport(new Usage(9, 16, 0, 0, 0)), 171 * MS);
        chunked.on(new ChatEvent.Stop(FinishReason.LENGTH, "length"), 171 * MS);
        assertThat(chunked.toSample(null, 172 * MS).decodeTps()).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void oneTokenHasNoDecodeSpeed() {
        CallMeasurement m = new CallMeasurement(Sample.Source.PROBE, 7, Instant.EPOCH, 0);
        m.on(new ChatEvent.TextDelta("Hi"), 100 * MS);
        m.on(new ChatEvent.UsageReport(new Usage(9, 1, 0, 0, 0)), 120 * MS);
        m.on(new ChatEvent.Stop(FinishReason.LENGTH, "length"), 130 * MS);
        Sample s = m.toSample(null, 200 * MS);
        assertThat(s.decodeTps()).isNull();
        assertThat(s.e2eTps()).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void errorFinishAndCutOffStreamsAreFailures() {
        CallMeasurement finish = new CallMeasurement(Sample.Source.PROBE, 7, Instant.EPOCH, 0);
        finish.on(new ChatEvent.Stop(FinishReason.ERROR, "error"), MS);
        assertThat(finish.toSample(null, 2 * MS).outcome()).isEqualTo(SampleOutcome.ERROR_FINISH);
        CallMeasurement cut = new CallMeasurement(Sample.Source.PROBE, 7, Instant.EPOCH, 0);
        cut.on(new ChatEvent.TextDelta("Hi"), MS);
        assertThat(cut.toSample(null, 2 * MS).outcome()).isEqualTo(SampleOutcome.STREAM_ERROR);
    }

    @Test
    void upstreamErrorsMapToOutcomesWithTheirStatus() {
        CallMeasurement m = new CallMeasurement(Sample.Source.PROBE, 7, Instant.EPOCH, 0);
        Sample s = m.toSample(new UpstreamError(UpstreamErrorKind.RATE_LIMITED, 429, null, "slow down", null), MS);
        assertThat(s.outcome()).isEqualTo(SampleOutcome.RATE_LIMITED);
        assertThat(s.httpStatus()).isEqualTo(429);
        assertThat(s.ttftMs()).isNull();
        assertThat(out(UpstreamErrorKind.TIMEOUT, false)).isEqualTo(SampleOutcome.TIMEOUT);
        assertThat(out(UpstreamErrorKind.CONNECTION, false)).isEqualTo(SampleOutcome.CONNECTION);
        assertThat(out(UpstreamErrorKind.MALFORMED_RESPONSE, false)).isEqualTo(SampleOutcome.MALFORMED);
        assertThat(out(UpstreamErrorKind.AUTHENTICATION, false)).isEqualTo(SampleOutcome.AUTH);
        assertThat(out(UpstreamErrorKind.NOT_FOUND, false)).isEqualTo(SampleOutcome.NOT_FOUND);
        assertThat(out(UpstreamErrorKind.OVERLOADED, false)).isEqualTo(SampleOutcome.SERVER_ERROR);
        assertThat(out(UpstreamErrorKind.SERVER_ERROR, false)).isEqualTo(SampleOutcome.SERVER_ERROR);
        // the probe's own trivial request refused: the endpoint's fault, never a caller error
        assertThat(out(UpstreamErrorKind.BAD_REQUEST, false).category()).isEqualTo(SampleOutcome.Category.FAILURE);
        assertThat(out(UpstreamErrorKind.CONTEXT_TOO_LONG, false).category())
                .isEqualTo(SampleOutcome.Category.FAILURE);
        // mid-stream
        assertThat(out(UpstreamErrorKind.SERVER_ERROR, true)).isEqualTo(SampleOutcome.STREAM_ERROR);
        assertThat(out(UpstreamErrorKind.OVERLOADED, true)).isEqualTo(SampleOutcome.STREAM_ERROR);
        assertThat(out(UpstreamErrorKind.TIMEOUT, true)).isEqualTo(SampleOutcome.TIMEOUT);
        assertThat(out(UpstreamErrorKind.RATE_LIMITED, true)).isEqualTo(SampleOutcome.RATE_LIMITED);
    }

    private static SampleOutcome out(UpstreamErrorKind kind, boolean midStream) {
        return CallMeasurement.outcomeOf(UpstreamError.of(kind, "x"), midStream);
    }

    @Test
    void trafficCountsRefusalsOfTheCallersRequestAsCallerErrorsNotAgainstTheEndpoint() {
        assertThat(CallMeasurement.trafficOutcomeOf(UpstreamError.of(UpstreamErrorKind.BAD_REQUEST, "x"), false))
                .isEqualTo(SampleOutcome.CALLER_ERROR);
        assertThat(CallMeasurement.trafficOutcomeOf(UpstreamError.of(UpstreamErrorKind.CONTEXT_TOO_LONG, "x"), false))
                .isEqualTo(SampleOutcome.CALLER_ERROR);
        assertThat(CallMeasurement.trafficOutcomeOf(UpstreamError.of(UpstreamErrorKind.SERVER_ERROR, "x"), true))
                .isEqualTo(SampleOutcome.STREAM_ERROR);
        assertThat(CallMeasurement.trafficOutcomeOf(UpstreamError.of(UpstreamErrorKind.RATE_LIMITED, "x"), false))
                .isEqualTo(SampleOutcome.RATE_LIMITED);
    }

    @Test
    void aTrafficSampleOfAWholeAnswerHasTokensButNoFirstToken() {
        CallMeasurement m = new CallMeasurement(Sample.Source.TRAFFIC, 7, Instant.EPOCH, 0);
        m.onResponse(new dev.switchboard.llm.ChatResponse("id", "m", java.util.List.of(), FinishReason.STOP, "stop",
                new Usage(10, 20, 0, 0, 0)));
        Sample s = m.toSample(null, 2_000_000_000L);
        assertThat(s.source()).isEqualTo(Sample.Source.TRAFFIC);
        assertThat(s.outcome()).isEqualTo(SampleOutcome.OK);
        assertThat(s.ttftMs()).isNull();
        assertThat(s.outputTokens()).isEqualTo(20);
        assertThat(s.e2eTps()).isCloseTo(10.0, within(0.001));
    }

    @Test
    void aStreamThatLostAHedgeRaceBeforeItsFirstTokenHasTheTimeUntilItWasCancelledAsItsTtft() {
        CallMeasurement lost = new CallMeasurement(Sample.Source.TRAFFIC, 7, Instant.EPOCH, 0);
        lost.on(new ChatEvent.Start("id", "m"), 50 * MS);
        lost.lostRace();
        Sample s = lost.toSample(UpstreamError.of(UpstreamErrorKind.CANCELLED, "cancelled"), 400 * MS);
        assertThat(s.outcome()).isEqualTo(SampleOutcome.CANCELLED);
        assertThat(s.ttftMs()).isEqualTo(400);

        CallMeasurement lostAfterContent = new CallMeasurement(Sample.Source.TRAFFIC, 7, Instant.EPOCH, 0);
        lostAfterContent.on(new ChatEvent.TextDelta("Hi"), 120 * MS);
        lostAfterContent.lostRace();
        assertThat(lostAfterContent.toSample(UpstreamError.of(UpstreamErrorKind.CANCELLED, "cancelled"), 400 * MS)
                .ttftMs()).isEqualTo(120);

        CallMeasurement cancelledByCaller = new CallMeasurement(Sample.Source.TRAFFIC, 7, Instant.EPOCH, 0);
        assertThat(cancelledByCaller.toSample(UpstreamError.of(UpstreamErrorKind.CANCELLED, "cancelled"), 400 * MS)
                .ttftMs()).isNull();
    }
}
