package dev.switchboard.stats;

import java.time.Instant;
import java.util.Objects;

/**
 * One observed call to an endpoint, as the prober or the proxy saw it.
 *
 * @param endpointId   the catalog endpoint called
 * @param startedAt    when the upstream request was sent; decides the sample's day partition and rollup buckets
 * @param source       who made the call
 * @param outcome      how it ended
 * @param httpStatus   the upstream's HTTP status, null when none arrived (connection error, timeout before headers)
 * @param ttftMs       request sent to first content token; null for non-streaming calls or when none arrived, but for
 *                     a stream that lost a hedge race before its first token: the time until it was cancelled
 * @param latencyMs    request sent to the end of the call (or to the failure)
 * @param inputTokens  as the upstream reported them, null when unknown
 * @param outputTokens as the upstream reported them, null when unknown
 * @param decodeTps    output tokens per second from the first token to the last; null when not measurable
 * @param e2eTps       output tokens per second over the whole call; null when not measurable
 */
public record Sample(
        long endpointId,
        Instant startedAt,
        Source source,
        SampleOutcome outcome,
        Integer httpStatus,
        Integer ttftMs,
        int latencyMs,
        Integer inputTokens,
        Integer outputTokens,
        Double decodeTps,
        Double e2eTps) {

    /** Who made the call. */
    public enum Source {
        PROBE("probe"),
        TRAFFIC("traffic");

        private final String id;

        Source(String id) {
            this.id = id;
        }

        /** The id stored in {@code samples.source}. */
        public String id() {
            return id;
        }
    }

    /**
     * Rejects what the database would refuse: one bad sample inside a batch would otherwise cost the whole batch a
     * round trip to find it.
     */
    public Sample {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(outcome, "outcome");
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latencyMs must not be negative: " + latencyMs);
        }
        if (ttftMs != null && ttftMs < 0) {
            throw new IllegalArgumentException("ttftMs must not be negative: " + ttftMs);
        }
        if (decodeTps != null && !(decodeTps >= 0 && Double.isFinite(decodeTps))) {
            throw new IllegalArgumentException("decodeTps must be a finite non-negative number: " + decodeTps);
        }
        if (e2eTps != null && !(e2eTps >= 0 && Double.isFinite(e2eTps))) {
            throw new IllegalArgumentException("e2eTps must be a finite non-negative number: " + e2eTps);
        }
    }
}
