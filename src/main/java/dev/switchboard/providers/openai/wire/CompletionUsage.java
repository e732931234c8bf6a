package dev.switchboard.providers.openai.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Token counts. {@code prompt_tokens} includes cached ones, {@code completion_tokens} includes reasoning ones.
 * DeepSeek reports its cache hits as {@code prompt_cache_hit_tokens} instead of {@code prompt_tokens_details}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CompletionUsage(
        @JsonProperty("prompt_tokens") Integer promptTokens,
        @JsonProperty("completion_tokens") Integer completionTokens,
        @JsonProperty("total_tokens") Integer totalTokens,
        @JsonProperty("prompt_tokens_details") PromptTokensDetails promptTokensDetails,
        @JsonProperty("completion_tokens_details") CompletionTokensDetails completionTokensDetails,
        @JsonProperty("prompt_cache_hit_tokens") Integer promptCacheHitTokens) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PromptTokensDetails(@JsonProperty("cached_tokens") Integer cachedTokens) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CompletionTokensDetails(@JsonProperty("reasoning_tokens") Integer reasoningTokens) {
    }
}
