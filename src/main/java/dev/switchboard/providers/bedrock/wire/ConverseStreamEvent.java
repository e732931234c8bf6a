package dev.switchboard.providers.bedrock.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON payloads of ConverseStream's events; the event's name is not in its payload but in the frame's
 * {@code :event-type} header. Bedrock pads payloads with a {@code p} member of random length, which is ignored.
 */
public final class ConverseStreamEvent {

    private ConverseStreamEvent() {
    }

    public static final String MESSAGE_START = "messageStart";
    public static final String CONTENT_BLOCK_START = "contentBlockStart";
    public static final String CONTENT_BLOCK_DELTA = "contentBlockDelta";
    public static final String CONTENT_BLOCK_STOP = "contentBlockStop";
    public static final String MESSAGE_STOP = "messageStop";
    public static final String METADATA = "metadata";

    public record MessageStart(String role) {
    }

    /** Sent only for blocks that need a start: tool use. */
    public record ContentBlockStart(Integer contentBlockIndex, Start start) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Start(ToolUseStart toolUse) {
    }

    public record ToolUseStart(String toolUseId, String name) {
    }

    public record ContentBlockDelta(Integer contentBlockIndex, Delta delta) {
    }

    /** A union: a piece of text, of tool input (JSON text), or of reasoning. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String text, ToolUseDelta toolUse, ReasoningDelta reasoningContent) {
    }

    public record ToolUseDelta(String input) {
    }

    /** A union: reasoning text, its signature, or encrypted reasoning (base64). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReasoningDelta(String text, String signature, String redactedContent) {
    }

    public record ContentBlockStop(Integer contentBlockIndex) {
    }

    public record MessageStop(String stopReason, JsonNode additionalModelResponseFields) {
    }

    public record Metadata(TokenUsage usage, ConverseMetrics metrics) {
    }
}
