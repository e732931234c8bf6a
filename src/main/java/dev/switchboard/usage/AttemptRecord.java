package dev.switchboard.usage;

/**
 * One upstream attempt of a generation.
 *
 * @param outcome        a {@link dev.switchboard.stats.SampleOutcome} id
 * @param startedAfterMs when the attempt began, in ms after the generation did
 * @param message        what went wrong in words (already free of credentials), null on success
 * @param continuation   this attempt continued a stream another attempt had begun (its prompt ended on the partial
 *                       answer as an assistant prefill)
 */
public record AttemptRecord(String provider, long endpointId, String model, String upstreamModel, String outcome,
                            Integer httpStatus, String errorKind, String message, int startedAfterMs, Integer ttftMs,
                            int latencyMs, boolean continuation) {

    public AttemptRecord(String provider, long endpointId, String model, String upstreamModel, String outcome,
                         Integer httpStatus, String errorKind, String message, int startedAfterMs, Integer ttftMs,
                         int latencyMs) {
        this(provider, endpointId, model, upstreamModel, outcome, httpStatus, errorKind, message, startedAfterMs,
                ttftMs, latencyMs, false);
    }
}
