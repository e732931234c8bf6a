package dev.switchboard.providers.bedrock.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Token counts. {@code inputTokens} excludes the tokens read from or written to the prompt cache; {@code totalTokens}
 * is input + output + both cache counts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenUsage(Integer inputTokens, Integer outputTokens, Integer totalTokens, Integer cacheReadInputTokens,
        Integer cacheWriteInputTokens) {
}
