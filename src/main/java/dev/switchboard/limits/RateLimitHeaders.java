package dev.switchboard.limits;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A key's rate-limit state as each provider's own headers say it, so clients that read them (SDK retry logic,
 * dashboards) work unchanged: OpenAI's {@code x-ratelimit-*} with resets as durations ({@code 6s}, {@code 1m0s},
 * {@code 20ms}), Anthropic's {@code anthropic-ratelimit-*} with resets as RFC 3339 times. A kind of limit the key
 * does not have is left out.
 */
public final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    public static Map<String, String> openAi(RateLimitState s) {
        Map<String, String> h = new LinkedHashMap<>();
        if (s.requestsLimit() != null) {
            h.put("x-ratelimit-limit-requests", s.requestsLimit().toString());
            h.put("x-ratelimit-remaining-requests", Long.toString(s.requestsRemaining()));
            h.put("x-ratelimit-reset-requests", duration(s.requestsResetMs()));
        }
        if (s.tokensLimit() != null) {
            h.put("x-ratelimit-limit-tokens", s.tokensLimit().toString());
            h.put("x-ratelimit-remaining-tokens", Long.toString(s.tokensRemaining()));
            h.put("x-ratelimit-reset-tokens", duration(s.tokensResetMs()));
        }
        return h;
    }

    public static Map<String, String> anthropic(RateLimitState s, Instant now) {
        Map<String, String> h = new LinkedHashMap<>();
        if (s.requestsLimit() != null) {
            h.put("anthropic-ratelimit-requests-limit", s.requestsLimit().toString());
            h.put("anthropic-ratelimit-requests-remaining", Long.toString(s.requestsRemaining()));
            h.put("anthropic-ratelimit-requests-reset", time(now, s.requestsResetMs()));
        }
        if (s.tokensLimit() != null) {
            h.put("anthropic-ratelimit-tokens-limit", s.tokensLimit().toString());
            h.put("anthropic-ratelimit-tokens-remaining", Long.toString(s.tokensRemaining()));
            h.put("anthropic-ratelimit-tokens-reset", time(now, s.tokensResetMs()));
        }
        return h;
    }

    /** Go's duration notation, as OpenAI sends it: {@code 0s}, {@code 20ms}, {@code 6s}, {@code 7.66s}, {@code 1m30s}. */
    static String duration(long ms) {
        if (ms <= 0) {
            return "0s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        long minutes = ms / 60_000;
        long restMs = ms % 60_000;
        String seconds = java.math.BigDecimal.valueOf(restMs, 3).stripTrailingZeros().toPlainString() + "s";
        return minutes == 0 ? seconds : minutes + "m" + seconds;
    }

    /** The instant the bucket is full again, rounded up to the second. */
    static String time(Instant now, long ms) {
        Instant at = now.plusMillis(ms);
        Instant whole = at.truncatedTo(ChronoUnit.SECONDS);
        return (whole.equals(at) ? whole : whole.plusSeconds(1)).toString();
    }
}
