package dev.switchboard.providers.anthropic.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** The body of a non-streamed Messages response, and the {@code message} of a stream's message_start. */
public record AnthropicMessagesResponse(
        String id,
        String type,
        String role,
        String model,
        List<AnthropicContentBlock> content,
        @JsonProperty("stop_reason") String stopReason,
        @JsonProperty("stop_sequence") String stopSequence,
        AnthropicUsage usage) {
}
