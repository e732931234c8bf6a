package dev.switchboard.providers.openai.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * One message of a request: {@code system}, {@code user}, {@code assistant} or {@code tool}. {@code content} is a
 * string or a list of {@link ChatCompletionContentPart}s; an assistant message that only calls tools has none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionMessageParam(
        String role,
        Object content,
        @JsonProperty("tool_calls") List<ChatCompletionMessageToolCall> toolCalls,
        @JsonProperty("tool_call_id") String toolCallId,
        /** Mistral's and DeepSeek's mark on a final assistant message: continue it (a prefill); null elsewhere. */
        Boolean prefix) {

    public ChatCompletionMessageParam(String role, Object content, List<ChatCompletionMessageToolCall> toolCalls,
                                      String toolCallId) {
        this(role, content, toolCalls, toolCallId, null);
    }

    public static ChatCompletionMessageParam of(String role, Object content) {
        return new ChatCompletionMessageParam(role, content, null, null);
    }

    /** This assistant message, marked as the prefill the answer continues. */
    public ChatCompletionMessageParam asPrefix() {
        return new ChatCompletionMessageParam(role, content, toolCalls, toolCallId, Boolean.TRUE);
    }
}
