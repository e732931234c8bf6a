package dev.switchboard.usage;

import java.math.BigDecimal;

/**
 * One upstream attempt of a generation.
 *
 * @param outcome        a {@link dev.switchboard.stats.SampleOutcome} id
 * @param errorKind      the error's kind in lower case; {@link #HEDGE_LOST} for the attempt cancelled because the
 *                       other of two racing ones produced first
 * @param startedAfterMs when the attempt began, in ms after the generation did
 * @param message        what went wrong in words (already free of credentials), null on success
 * @param continuation   this attempt continued a stream another attempt had begun (its prompt ended on the partial
 *                       answer as an assistant prefill)
 * @param hedge          whether it went out as the hedge of a slow first attempt
 * @param cost           what it cost in USD when its usage is known (a lost race is usually cancelled before any
 *                       usage is reported: null then)
 */
public record AttemptRecord(String provider, long endpointId, String model, String upstreamModel, String outcome,
                            Integer httpStatus, String errorKind, String message, int startedAfterMs, Integer ttftMs,
                            int latencyMs, boolean continuation, boolean hedge, BigDecimal cost) {

    public static final String HEDGE_LOST = "hedge_lost";

    /** An attempt that was neither a continuation nor a hedge and whose cost is not known. */
    public AttemptRecord(String provider, long endpointId, String model, String upstreamModel, String outcome,
                         Integer httpStatus, String errorKind, String message, int startedAfterMs, Integer ttftMs,
                         int latencyMs) {
        this(provider, endpointId, model, upstreamModel, outcome, httpStatus, errorKind, message, startedAfterMs,
                ttftMs, latencyMs, false, false, null);
    }
}
