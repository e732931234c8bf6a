package dev.switchboard.providers.bedrock.wire;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer of {@code converse}. {@code stopReason}: end_turn, tool_use, max_tokens, stop_sequence,
 * guardrail_intervened, content_filtered, model_context_window_exceeded. The request id is not in the body but in
 * the {@code x-amzn-RequestId} header.
 */
public record ConverseResponse(
        ConverseOutput output,
        String stopReason,
        TokenUsage usage,
        ConverseMetrics metrics,
        JsonNode additionalModelResponseFields) {

    public record ConverseOutput(Message message) {
    }
}
