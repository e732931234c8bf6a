package dev.switchboard.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.DoubleStream;

/**
 * How one simulated endpoint behaves. Times are milliseconds, rates are probabilities per request (0..1).
 *
 * <p>The fault rates {@code rateLimitedRate}, {@code overloadedRate}, {@code unavailableRate},
 * {@code serverErrorRate}, {@code hangRate}, {@code rateLimitedNoRetryAfterRate} and {@code badGatewayRate} decide
 * the fate of a request before its first byte and together are at most 1; a request that survives them may then be
 * aborted, carry a malformed chunk, end in an error event, lose its connection right after the headers, stall, carry
 * broken framing or drip slowly ({@code abortRate + malformedRate + midStreamErrorRate + resetAfterHeadersRate +
 * stallRate + badFramingRate + slowDripRate + badChecksumRate}, also at most 1).
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
 * @param rateLimitedNoRetryAfterRate 429 rate limited with no Retry-After (nor any other reset header)
 * @param badGatewayRate 502 bad gateway, as a provider's load balancer answers when its backend is gone
 * @param resetAfterHeadersRate the 200 status and headers go out at the TTFT, then the connection is closed
 * @param stallRate the headers and some chunks (or half the body) go out, then nothing more, the connection kept
 *        open, until the client gives up
 * @param badFramingRate one frame's framing is broken: on SSE its blank-line separator is missing, so it runs into
 *        the next event; on Bedrock's event stream the frame is cut short and the response ends there. A
 *        non-streaming answer has no framing and gets the malformed body instead
 * @param slowDripRate every token comes {@code dripIntervalMs} after the previous one, whatever the decode speed
 * @param dripIntervalMs the gap between tokens of a slow drip
 * @param badChecksumRate one frame of Bedrock's event stream has a wrong message checksum (its bytes otherwise
 *        intact); SSE carries no checksum, so an SSE stream or a whole answer gets the malformed chunk or body
 * @param badFramingCutBytes where broken framing cuts an event-stream frame: after this many of its bytes (below the
 *        12 of the prelude cuts the prelude); 0 cuts it in half, inside its payload
 * @param slowFirstTokenRate a heavy TTFT tail: this share of requests waits {@code slowFirstTokenMs} for its first
 *        token instead of the drawn TTFT (a provider's queueing or cold start; the benchmark of hedged requests)
 * @param slowFirstTokenMs the TTFT of a request in the slow tail
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
        double midStreamErrorRate,
        double rateLimitedNoRetryAfterRate,
        double badGatewayRate,
        double resetAfterHeadersRate,
        double stallRate,
        double badFramingRate,
        double slowDripRate,
        int dripIntervalMs,
        double badChecksumRate,
        int badFramingCutBytes,
        double slowFirstTokenRate,
        double slowFirstTokenMs) {

    /** A healthy, mid-sized hosted model. */
    public static final SimProfile DEFAULT = new SimProfile(400, 0.35, 80, 120, 0.4,
            0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2000, 0, 0, 0, 0);

    public SimProfile {
        List<String> problems = problems(ttftMs, ttftSpread, tokensPerSecond, outputTokens, outputTokensSpread,
                retryAfterSeconds, dripIntervalMs, badFramingCutBytes, new double[] {rateLimitedRate, overloadedRate, unavailableRate,
                        serverErrorRate, hangRate, rateLimitedNoRetryAfterRate, badGatewayRate},
                new double[] {abortRate, malformedRate, midStreamErrorRate, resetAfterHeadersRate, stallRate,
                        badFramingRate, slowDripRate, badChecksumRate});
        if (!(slowFirstTokenRate >= 0 && slowFirstTokenRate <= 1)) {
            problems.add("slowFirstTokenRate must be between 0 and 1");
        }
        if (!(slowFirstTokenMs >= 0)) {
            problems.add("slowFirstTokenMs must be >= 0");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static List<String> problems(double ttftMs, double ttftSpread, double tokensPerSecond, int outputTokens,
            double outputTokensSpread, int retryAfterSeconds, int dripIntervalMs, int badFramingCutBytes,
            double[] beforeFirstByte,
            double[] inStream) {
        List<String> problems = new ArrayList<>();
        if (!(ttftMs >= 0)) problems.add("ttftMs must be >= 0");
        if (!(ttftSpread >= 0)) problems.add("ttftSpread must be >= 0");
        if (!(tokensPerSecond >= 0)) problems.add("tokensPerSecond must be >= 0 (0 = unpaced)");
        if (outputTokens < 1) problems.add("outputTokens must be >= 1");
        if (!(outputTokensSpread >= 0)) problems.add("outputTokensSpread must be >= 0");
        if (retryAfterSeconds < 0) problems.add("retryAfterSeconds must be >= 0");
        if (dripIntervalMs < 0) problems.add("dripIntervalMs must be >= 0");
        if (badFramingCutBytes < 0) problems.add("badFramingCutBytes must be >= 0 (0 = half the frame)");
        if (!DoubleStream.concat(Arrays.stream(beforeFirstByte),
                Arrays.stream(inStream)).allMatch(rate -> rate >= 0 && rate <= 1)) {
            problems.add("rates must be between 0 and 1");
        }
        if (Arrays.stream(beforeFirstByte).sum() > 1 + 1e-9) {
            problems.add("rateLimitedRate + overloadedRate + unavailableRate + serverErrorRate + hangRate"
                    + " + rateLimitedNoRetryAfterRate + badGatewayRate must be <= 1");
        }
        if (Arrays.stream(inStream).sum() > 1 + 1e-9) {
            problems.add("abortRate + malformedRate + midStreamErrorRate + resetAfterHeadersRate + stallRate"
                    + " + badFramingRate + slowDripRate + badChecksumRate must be <= 1");
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
        private double rateLimitedNoRetryAfterRate;
        private double badGatewayRate;
        private double resetAfterHeadersRate;
        private double stallRate;
        private double badFramingRate;
        private double slowDripRate;
        private int dripIntervalMs;
        private double badChecksumRate;
        private int badFramingCutBytes;
        private double slowFirstTokenRate;
        private double slowFirstTokenMs;

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
            rateLimitedNoRetryAfterRate = p.rateLimitedNoRetryAfterRate;
            badGatewayRate = p.badGatewayRate;
            resetAfterHeadersRate = p.resetAfterHeadersRate;
            stallRate = p.stallRate;
            badFramingRate = p.badFramingRate;
            slowDripRate = p.slowDripRate;
            dripIntervalMs = p.dripIntervalMs;
            badChecksumRate = p.badChecksumRate;
            badFramingCutBytes = p.badFramingCutBytes;
            slowFirstTokenRate = p.slowFirstTokenRate;
            slowFirstTokenMs = p.slowFirstTokenMs;
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
        public Builder rateLimitedNoRetryAfterRate(double v) { rateLimitedNoRetryAfterRate = v; return this; }
        public Builder badGatewayRate(double v) { badGatewayRate = v; return this; }
        public Builder resetAfterHeadersRate(double v) { resetAfterHeadersRate = v; return this; }
        public Builder stallRate(double v) { stallRate = v; return this; }
        public Builder badFramingRate(double v) { badFramingRate = v; return this; }
        public Builder slowDripRate(double v) { slowDripRate = v; return this; }
        public Builder dripIntervalMs(int v) { dripIntervalMs = v; return this; }
        public Builder badChecksumRate(double v) { badChecksumRate = v; return this; }
        public Builder badFramingCutBytes(int v) { badFramingCutBytes = v; return this; }
        public Builder slowFirstTokenRate(double v) { slowFirstTokenRate = v; return this; }
        public Builder slowFirstTokenMs(double v) { slowFirstTokenMs = v; return this; }

        public SimProfile build() {
            return new SimProfile(ttftMs, ttftSpread, tokensPerSecond, outputTokens, outputTokensSpread,
                    rateLimitedRate, retryAfterSeconds, overloadedRate, unavailableRate, serverErrorRate, hangRate,
                    abortRate, malformedRate, midStreamErrorRate, rateLimitedNoRetryAfterRate, badGatewayRate,
                    resetAfterHeadersRate, stallRate, badFramingRate, slowDripRate, dripIntervalMs, badChecksumRate,
                    badFramingCutBytes, slowFirstTokenRate, slowFirstTokenMs);
        }
    }
}
