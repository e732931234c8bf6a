package dev.switchboard.llm;

/**
 * Tokens of one call. {@code inputTokens} counts every prompt token including cached ones, so cost is
 * (input - cacheRead - cacheWrite) x input price + cacheRead x cache-read price + cacheWrite x cache-write price
 * + output x output price. {@code reasoningTokens} are part of {@code outputTokens}.
 */
public record Usage(int inputTokens, int outputTokens, int cacheReadTokens, int cacheWriteTokens, int reasoningTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0);

    public int totalTokens() {
        return inputTokens + outputTokens;
    }
}
