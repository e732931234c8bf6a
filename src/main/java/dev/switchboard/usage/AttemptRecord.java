package dev.switchboard.usage;

/**
 * One upstream attempt of a generation.
 *
 * @param outcome        a {@link dev.switchboard.stats.SampleOutcome} id
 * @param startedAfterMs when the attempt began, in ms after the generation did
 * @param message        what went wrong in words (already free of credentials), null on success
 */
public record AttemptRecord(String provider, long endpointId, String model, String upstreamModel, String outcome,
                            Integer httpStatus, String errorKind, String message, int startedAfterMs, Integer ttftMs,
                            int latencyMs) {
}
