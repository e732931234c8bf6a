package dev.switchboard.stats;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.ChatResponse;

import java.time.Instant;

/**
 * What one upstream call (a probe, or an attempt of proxied traffic) saw, turned into a {@link Sample}. Times are
 * {@link System#nanoTime()} readings; a stream's events arrive one at a time (a Multi never emits concurrently),
 * and {@link #toSample} reads after the end.
 */
public final class CallMeasurement {

    private final Sample.Source source;
    private final long endpointId;
    private final Instant startedAt;
    private final long sentNanos;
    private volatile boolean anyEvent;
    private volatile long firstContentNanos = -1;
    private volatile long lastContentNanos = -1;
    private volatile int contentEvents;
    private volatile Integer inputTokens;
    private volatile Integer outputTokens;
    private volatile FinishReason finishReason;
    private volatile boolean censored;

    public CallMeasurement(Sample.Source source, long endpointId, Instant startedAt, long sentNanos) {
        this.source = source;
        this.endpointId = endpointId;
        this.startedAt = startedAt;
        this.sentNanos = sentNanos;
    }

    /** A whole (non-streamed) answer: its tokens and finish; a call without a stream has no first token. */
    public void onResponse(ChatResponse response) {
        anyEvent = true;
        finishReason = response.finishReason();
        if (response.usage() != null) {
            inputTokens = response.usage().inputTokens();
            outputTokens = response.usage().outputTokens();
        }
    }

    public void on(ChatEvent event, long nanos) {
        anyEvent = true;
        if (event.isContent()) {
            if (firstContentNanos < 0) {
                firstContentNanos = nanos;
            }
            lastContentNanos = nanos;
            contentEvents++;
        } else if (event instanceof ChatEvent.UsageReport u && u.usage() != null) {
            inputTokens = u.usage().inputTokens();
            outputTokens = u.usage().outputTokens();
        } else if (event instanceof ChatEvent.Stop s) {
            finishReason = s.reason();
        }
    }

    /**
     * The stream was cancelled because another attempt produced first (a hedge race it lost). If it had no content
     * yet, its sample's TTFT is the time until it was cancelled: a lower bound, but without it the slow tail that
     * hedging cuts off would vanish from the samples and a p90 threshold taken from them would drift ever lower.
     */
    public void lostRace() {
        censored = true;
    }

    /** The first content token's time after the request went out, ms; null when none came. */
    public Integer firstTokenMs() {
        long first = firstContentNanos;
        return first < 0 ? null : millis(first - sentNanos);
    }

    /** The sample of a stream that ended at {@code endNanos}, normally ({@code failure} null) or not. */
    public Sample toSample(Throwable failure, long endNanos) {
        SampleOutcome outcome;
        Integer httpStatus = null;
        if (failure instanceof UpstreamError e) {
            outcome = source == Sample.Source.PROBE ? outcomeOf(e, anyEvent) : trafficOutcomeOf(e, anyEvent);
            httpStatus = e.httpStatus();
        } else if (failure != null) {
            throw new IllegalArgumentException("not an upstream failure", failure);
        } else if (finishReason == null) {
            outcome = SampleOutcome.STREAM_ERROR; // ended without its Stop: cut off
        } else if (finishReason == FinishReason.ERROR) {
            outcome = SampleOutcome.ERROR_FINISH;
        } else {
            outcome = SampleOutcome.OK;
        }
        int latencyMs = millis(endNanos - sentNanos);
        Integer ttftMs = firstContentNanos >= 0 ? Integer.valueOf(millis(firstContentNanos - sentNanos))
                : censored ? Integer.valueOf(latencyMs) : null;
        Double decodeTps = null;
        Double e2eTps = null;
        if (outputTokens != null && outputTokens > 0) {
            long decodeNanos = lastContentNanos - firstContentNanos;
            if (outputTokens >= 2 && contentEvents >= 2 && decodeNanos > 0) {
                decodeTps = decodedAfterFirst(outputTokens, contentEvents) / (decodeNanos / 1e9);
            }
            long totalNanos = endNanos - sentNanos;
            if (totalNanos > 0) {
                e2eTps = outputTokens / (totalNanos / 1e9);
            }
        }
        return new Sample(endpointId, startedAt, source, outcome, httpStatus, ttftMs, latencyMs,
                inputTokens, outputTokens, decodeTps, e2eTps);
    }

    /**
     * The tokens decoded between the first content event and the last. The first event's tokens arrived at the TTFT,
     * so counting them over the first-to-last span would overstate the speed (by N/(N-1) with a token per event: +7%
     * for a 16-token probe). The usage report does not say how many tokens each event carried, so the first one is
     * taken to carry its share, {@code outputTokens / events}: exact for a token per event (OpenAI-style streams)
     * and for evenly sized chunks.
     */
    static double decodedAfterFirst(int outputTokens, int contentEvents) {
        return outputTokens * (contentEvents - 1) / (double) contentEvents;
    }

    /**
     * A probe's request is ours and trivial, so what would be the caller's fault on traffic is the endpoint's here:
     * a 400/422 (or a context-too-long) for "Reply with one short sentence." means the endpoint refuses everything
     * it is sent, most often because its model id is wrong (many providers say so with a 400, not a 404), so it is
     * counted as {@link SampleOutcome#NOT_FOUND}, the misconfigured-endpoint failure; the HTTP status is kept beside
     * it. A refusal by the safety filter of that prompt is an endpoint that does not answer: {@code ERROR_FINISH}.
     * An error after the stream began is a {@code STREAM_ERROR}, unless it is a more specific timeout, malformed
     * frame or rate limit (which must not count against uptime).
     */
    public static SampleOutcome outcomeOf(UpstreamError e, boolean midStream) {
        SampleOutcome outcome = switch (e.kind()) {
            case RATE_LIMITED -> SampleOutcome.RATE_LIMITED;
            case TIMEOUT -> SampleOutcome.TIMEOUT;
            case CONNECTION -> SampleOutcome.CONNECTION;
            case MALFORMED_RESPONSE -> SampleOutcome.MALFORMED;
            case AUTHENTICATION -> SampleOutcome.AUTH;
            case NOT_FOUND, BAD_REQUEST, CONTEXT_TOO_LONG -> SampleOutcome.NOT_FOUND;
            case SERVER_ERROR, OVERLOADED -> SampleOutcome.SERVER_ERROR;
            case CONTENT_FILTERED -> SampleOutcome.ERROR_FINISH;
            case CANCELLED -> SampleOutcome.CANCELLED;
        };
        if (midStream && (outcome == SampleOutcome.SERVER_ERROR || outcome == SampleOutcome.CONNECTION)) {
            return SampleOutcome.STREAM_ERROR;
        }
        return outcome;
    }

    /**
     * On traffic the request is the caller's: a 400/422, a prompt too long for this endpoint, or a refusal by the
     * safety filter says nothing about the provider's health ({@link SampleOutcome#CALLER_ERROR}).
     */
    public static SampleOutcome trafficOutcomeOf(UpstreamError e, boolean midStream) {
        return switch (e.kind()) {
            case BAD_REQUEST, CONTEXT_TOO_LONG, CONTENT_FILTERED -> SampleOutcome.CALLER_ERROR;
            default -> outcomeOf(e, midStream);
        };
    }

    /** Whether any event (or a whole answer) arrived: a failure after that is a failure mid-stream. */
    public boolean started() {
        return anyEvent;
    }

    private static int millis(long nanos) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, Math.round(nanos / 1e6)));
    }
}
