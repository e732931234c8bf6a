package dev.switchboard.providers.anthropic.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Token counts as Anthropic reports them. {@code input_tokens} excludes the cached prompt: the prompt's full size is
 * input + cache read + cache creation. In a stream, message_start carries the input side and message_delta the
 * cumulative output (and, on newer API versions, the input side again); absent fields are null.
 */
public record AnthropicUsage(
        @JsonProperty("input_tokens") Integer inputTokens,
        @JsonProperty("output_tokens") Integer outputTokens,
        @JsonProperty("cache_creation_input_tokens") Integer cacheCreationInputTokens,
        @JsonProperty("cache_read_input_tokens") Integer cacheReadInputTokens) {
}
