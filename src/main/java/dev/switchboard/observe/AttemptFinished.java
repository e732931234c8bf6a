package dev.switchboard.observe;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.Usage;
import dev.switchboard.stats.SampleOutcome;

/**
 * How one attempt ended, as its traffic sample records it.
 *
 * @param attempt    the attempt
 * @param outcome    the sample's outcome ({@code ok}, {@code server_error}, {@code rate_limited}, ...)
 * @param httpStatus the upstream's status (200 for an answer), null when none arrived
 * @param error      what went wrong, null when it answered
 * @param ttftMs     sent to first content token, null for whole answers or when none arrived
 * @param endNanos   a {@link System#nanoTime()} reading when it ended
 * @param usage      the tokens it reported, null when unknown
 */
public record AttemptFinished(AttemptStarted attempt, SampleOutcome outcome, Integer httpStatus, UpstreamError error,
                              Integer ttftMs, long endNanos, Usage usage) {

    public long latencyNanos() {
        return endNanos - attempt.sentNanos();
    }
}
