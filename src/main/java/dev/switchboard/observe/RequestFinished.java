package dev.switchboard.observe;

import dev.switchboard.api.ProxyError;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;

import java.math.BigDecimal;

/**
 * How a request ended.
 *
 * @param request       the request
 * @param outcome       its outcome class
 * @param httpStatus    its status as the generation records it (a stream that failed after it began: 502, though
 *                      its head said 200; a caller that went away: 499)
 * @param served        the attempt that answered (or was under way when the call ended), null when none did
 * @param attempts      attempts made (0 when it was refused before any)
 * @param usage         the served attempt's tokens, null when unknown
 * @param cost          USD, null when unknown
 * @param finishReason  null when none arrived
 * @param error         what the caller was told went wrong, null on success or cancellation
 * @param endNanos      a {@link System#nanoTime()} reading when it ended
 * @param upstreamNanos time spent waiting on upstream calls (the sum of the attempts' latencies)
 */
public record RequestFinished(RequestStarted request, RequestOutcome outcome, int httpStatus, AttemptFinished served,
                              int attempts, Usage usage, BigDecimal cost, FinishReason finishReason, ProxyError error,
                              long endNanos, long upstreamNanos) {

    public long totalNanos() {
        return endNanos - request.startNanos();
    }

    /** Time spent in the gateway itself: the whole request less the time its attempts were waiting upstream. */
    public long gatewayNanos() {
        return Math.max(0, totalNanos() - upstreamNanos);
    }

    /** False for a request refused before routing: it has no generation id and made no attempt. */
    public boolean routed() {
        return request.generationId() != null;
    }

    /** A request answered by the gateway itself before any attempt: bad key, bad body, unknown model, key limits. */
    public static RequestFinished refused(RequestStarted request, ProxyError error, long endNanos) {
        return new RequestFinished(request, RequestOutcome.of(error.type()), error.status(), null, 0, null, null,
                null, error, endNanos, 0);
    }
}
