package dev.switchboard.providers.openai.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The message of a response choice. {@code content} is a string on OpenAI, a list of parts on some hosts (Mistral).
 * {@code reasoning_content} (DeepSeek, Together, vLLM) and {@code reasoning} (Groq, OpenRouter-style hosts) carry
 * the model's reasoning text where a host returns it. {@code function_call} is the legacy single call.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionMessage(
        String role,
        JsonNode content,
        String refusal,
        @JsonProperty("reasoning_content") JsonNode reasoningContent,
        JsonNode reasoning,
        @JsonProperty("tool_calls") List<ChatCompletionMessageToolCall> toolCalls,
        @JsonProperty("function_call") ChatCompletionMessageToolCall.Function functionCall) {
}
