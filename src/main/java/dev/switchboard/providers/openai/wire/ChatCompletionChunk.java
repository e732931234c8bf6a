package dev.switchboard.providers.openai.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One streamed chunk ({@code "object": "chat.completion.chunk"}). With {@code stream_options.include_usage} the last
 * chunk has empty (or, on some hosts, null) {@code choices} and the usage; Groq reports usage in {@code x_groq}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionChunk(
        String id,
        String object,
        Long created,
        String model,
        List<Choice> choices,
        CompletionUsage usage,
        @JsonProperty("x_groq") XGroq xGroq) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Choice(Integer index, Delta delta, @JsonProperty("finish_reason") String finishReason) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Delta(
            String role,
            JsonNode content,
            String refusal,
            @JsonProperty("reasoning_content") JsonNode reasoningContent,
            JsonNode reasoning,
            @JsonProperty("tool_calls") List<ChatCompletionMessageToolCall> toolCalls,
            @JsonProperty("function_call") ChatCompletionMessageToolCall.Function functionCall) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record XGroq(String id, CompletionUsage usage) {
    }
}
