package dev.switchboard.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * How one simulated endpoint behaves. Times are milliseconds, rates are probabilities per request (0..1).
 *
 * <p>The fault rates {@code rateLimitedRate}, {@code overloadedRate}, {@code unavailableRate},
 * {@code serverErrorRate} and {@code hangRate} decide the fate of a request before its first byte and together are at
 * most 1; a request that survives them may then be aborted, carry a malformed chunk, or end in an error event
 * ({@code abortRate + malformedRate + midStreamErrorRate}, also at most 1).
 *
 * @param ttftMs median time to the first token
 * @param ttftSpread sigma of the lognormal TTFT distribution around the median (0 = always the median)
 * @param tokensPerSecond decode speed after the first token (0 = no pacing, everything at once)
 * @param outputTokens median output length in tokens; a request's max tokens caps it (finish reason "length")
 * @param outputTokensSpread sigma of the lognormal output-length distribution (0 = always the median)
 * @param rateLimitedRate 429 rate limited, with a Retry-After of {@code retryAfterSeconds}
 * @param retryAfterSeconds the Retry-After of injected 429s
 * @param overloadedRate overloaded: 529 {@code overloaded_error} on Anthropic; OpenAI has no 529 and answers 503
 * @param unavailableRate 503 service unavailable
 * @param serverErrorRate 500 internal server error
 * @param hangRate never answers, not even headers, until the client gives up
 * @param abortRate closes the connection after some chunks (a stream) or halfway through the body
 * @param malformedRate one chunk's JSON is cut short (a stream), or the JSON body is truncated
 * @param midStreamErrorRate the stream ends with the protocol's error event after some chunks
 */
public record SimProfile(
        double ttftMs,
        double ttftSpread,
        double tokensPerSecond,
        int outputTokens,
        double outputTokensSpread,
        double rateLimitedRate,
        int retryAfterSeconds,
        double overloadedRate,
        double unavailableRate,
        double serverErrorRate,
        double hangRate,
        double abortRate,
        double malformedRate,
        double midStreamErrorRate) {

    /** A healthy, mid-sized hosted model. */
    public static final SimProfile DEFAULT = new SimProfile(400, 0.35, 80, 120, 0.4,
            0, 2, 0, 0, 0, 0, 0, 0, 0);

    public SimProfile {
        List<String> problems = problems(ttftMs, ttftSpread, tokensPerSecond, outputTokens, outputTokensSpread,
                retryAfterSeconds, new double[] {rateLimitedRate, overloadedRate, unavailableRate, serverErrorRate,
                        hangRate, abortRate, malformedRate, midStreamErrorRate});
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static List<String> problems(double ttftMs, double ttftSpread, double tokensPerSecond, int outputTokens,
            double outputTokensSpread, int retryAfterSeconds, double[] rates) {
        List<String> problems = new ArrayList<>();
        if (!(ttftMs >= 0)) problems.add("ttftMs must be >= 0");
        if (!(ttftSpread >= 0)) problems.add("ttftSpread must be >= 0");
        if (!(tokensPerSecond >= 0)) problems.add("tokensPerSecond must be >= 0 (0 = unpaced)");
        if (outputTokens < 1) problems.add("outputTokens must be >= 1");
        if (!(outputTokensSpread >= 0)) problems.add("outputTokensSpread must be >= 0");
        if (retryAfterSeconds < 0) problems.add("retryAfterSeconds must be >= 0");
        for (double rate : rates) {
            if (!(rate >= 0 && rate <= 1)) {
                problems.add("rates must be between 0 and 1");
                break;
            }
        }
        if (rates[0] + rates[1] + rates[2] + rates[3] + rates[4] > 1 + 1e-9) {
            problems.add("rateLimitedRate + overloadedRate + unavailableRate + serverErrorRate + hangRate must be <= 1");
        }
        if (rates[5] + rates[6] + rates[7] > 1 + 1e-9) {
            problems.add("abortRate + malformedRate + midStreamErrorRate must be <= 1");
        }
        return problems;
    }

    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable copy for tests and code that set a few knobs over a base profile. */
    public static final class Builder {
        private double ttftMs;
        private double ttftSpread;
        private double tokensPerSecond;
        private int outputTokens;
        private double outputTokensSpread;
        private double rateLimitedRate;
        private int retryAfterSeconds;
        private double overloadedRate;
        private double unavailableRate;
        private double serverErrorRate;
        private double hangRate;
        private double abortRate;
        private double malformedRate;
        private double midStreamErrorRate;

        private Builder(SimProfile p) {
            ttftMs = p.ttftMs;
            ttftSpread = p.ttftSpread;
            tokensPerSecond = p.tokensPerSecond;
            outputTokens = p.outputTokens;
            outputTokensSpread = p.outputTokensSpread;
            rateLimitedRate = p.rateLimitedRate;
            retryAfterSeconds = p.retryAfterSeconds;
            overloadedRate = p.overloadedRate;
            unavailableRate = p.unavailableRate;
            serverErrorRate = p.serverErrorRate;
            hangRate = p.hangRate;
            abortRate = p.abortRate;
            malformedRate = p.malformedRate;
            midStreamErrorRate = p.midStreamErrorRate;
        }

        public Builder ttftMs(double v) { ttftMs = v; return this; }
        public Builder ttftSpread(double v) { ttftSpread = v; return this; }
        public Builder tokensPerSecond(double v) { tokensPerSecond = v; return this; }
        public Builder outputTokens(int v) { outputTokens = v; return this; }
        public Builder outputTokensSpread(double v) { outputTokensSpread = v; return this; }
        public Builder rateLimitedRate(double v) { rateLimitedRate = v; return this; }
        public Builder retryAfterSeconds(int v) { retryAfterSeconds = v; return this; }
        public Builder overloadedRate(double v) { overloadedRate = v; return this; }
        public Builder unavailableRate(double v) { unavailableRate = v; return this; }
        public Builder serverErrorRate(double v) { serverErrorRate = v; return this; }
        public Builder hangRate(double v) { hangRate = v; return this; }
        public Builder abortRate(double v) { abortRate = v; return this; }
        public Builder malformedRate(double v) { malformedRate = v; return this; }
        public Builder midStreamErrorRate(double v) { midStreamErrorRate = v; return this; }

        public SimProfile build() {
            return new SimProfile(ttftMs, ttftSpread, tokensPerSecond, outputTokens, outputTokensSpread,
                    rateLimitedRate, retryAfterSeconds, overloadedRate, unavailableRate, serverErrorRate, hangRate,
                    abortRate, malformedRate, midStreamErrorRate);
        }
    }
}
