package dev.switchboard.sim;

import java.util.SplittableRandom;

/**
 * The fate of one request, drawn from its model's seeded sequence before anything is sent.
 *
 * @param profile the profile it was drawn from
 * @param fault what goes wrong, if anything
 * @param ttftMs time to the first token
 * @param outputTokens output length before any max-tokens cap
 * @param faultPosition where in the stream an abort, malformed chunk, error event, stall or broken frame happens, as
 *        a fraction 0..1 of its content chunks
 * @param contentSeed seeds the text, ids and tool arguments of the answer
 */
public record SimPlan(SimProfile profile, SimFault fault, long ttftMs, int outputTokens, double faultPosition,
        long contentSeed) {

    /** A fresh generator for the answer's content, the same for the same plan. */
    public SplittableRandom contentRandom() {
        return new SplittableRandom(contentSeed);
    }

    /** Milliseconds between output tokens (0 when unpaced); a slow drip's interval when it drips. */
    public double msPerToken() {
        if (fault == SimFault.SLOW_DRIP) {
            return profile.dripIntervalMs();
        }
        return profile.tokensPerSecond() > 0 ? 1000.0 / profile.tokensPerSecond() : 0;
    }

    /** Which of {@code contentChunks} chunks (0-based) the stream fault hits; never the last for an abort. */
    public int faultChunk(int contentChunks) {
        if (contentChunks <= 1) {
            return 0;
        }
        int limit = fault == SimFault.ABORT || fault == SimFault.MID_STREAM_ERROR || fault == SimFault.STALL
                || fault == SimFault.BAD_FRAMING ? contentChunks - 1 : contentChunks;
        return Math.min(limit - 1, (int) (faultPosition * limit));
    }
}
