package dev.switchboard.providers.anthropic.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One event of a streamed Messages response, told apart by the {@code type} inside its data (which equals the SSE
 * event name on Anthropic and Vertex, and is all there is on Bedrock's binary stream). Event types this gateway does
 * not know read as {@link Unknown} and are skipped, as Anthropic's versioning policy asks of clients.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = AnthropicStreamEvent.Unknown.class)
@JsonSubTypes({
        @JsonSubTypes.Type(value = AnthropicStreamEvent.MessageStart.class, name = "message_start"),
        @JsonSubTypes.Type(value = AnthropicStreamEvent.ContentBlockStart.class, name = "content_block_start"),
        @JsonSubTypes.Type(value = AnthropicStreamEvent.ContentBlockDelta.class, name = "content_block_delta"),
        @JsonSubTypes.Type(value = AnthropicStreamEvent.ContentBlockStop.class, name = "content_block_stop"),
        @JsonSubTypes.Type(value = AnthropicStreamEvent.MessageDelta.class, name = "message_delta"),
        @JsonSubTypes.Type(value = AnthropicStreamEvent.MessageStop.class, name = "message_stop"),
        @JsonSubTypes.Type(value = AnthropicStreamEvent.Ping.class, name = "ping"),
        @JsonSubTypes.Type(value = AnthropicStreamEvent.Error.class, name = "error")
})
public sealed interface AnthropicStreamEvent {

    /** The message with empty content and the input side of its usage. */
    record MessageStart(AnthropicMessagesResponse message) implements AnthropicStreamEvent {
    }

    /** A block opens at {@code index}: text or thinking (usually empty), tool_use (input {}), redacted_thinking. */
    record ContentBlockStart(Integer index, @JsonProperty("content_block") AnthropicContentBlock contentBlock)
            implements AnthropicStreamEvent {
    }

    record ContentBlockDelta(Integer index, AnthropicDelta delta) implements AnthropicStreamEvent {
    }

    record ContentBlockStop(Integer index) implements AnthropicStreamEvent {
    }

    /** Message-level changes at the end: stop reason and cumulative usage. */
    record MessageDelta(MessageDeltaBody delta, AnthropicUsage usage) implements AnthropicStreamEvent {
    }

    record MessageDeltaBody(@JsonProperty("stop_reason") String stopReason,
                            @JsonProperty("stop_sequence") String stopSequence) {
    }

    record MessageStop() implements AnthropicStreamEvent {
    }

    record Ping() implements AnthropicStreamEvent {
    }

    /** An error after the 200 status, e.g. {@code overloaded_error}; the stream ends with it. */
    record Error(AnthropicErrorBody.AnthropicError error) implements AnthropicStreamEvent {
    }

    record Unknown() implements AnthropicStreamEvent {
    }

    /** The payload of a content_block_delta. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = AnthropicDelta.Unknown.class)
    @JsonSubTypes({
            @JsonSubTypes.Type(value = AnthropicDelta.TextDelta.class, name = "text_delta"),
            @JsonSubTypes.Type(value = AnthropicDelta.InputJsonDelta.class, name = "input_json_delta"),
            @JsonSubTypes.Type(value = AnthropicDelta.ThinkingDelta.class, name = "thinking_delta"),
            @JsonSubTypes.Type(value = AnthropicDelta.SignatureDelta.class, name = "signature_delta")
    })
    sealed interface AnthropicDelta {

        record TextDelta(String text) implements AnthropicDelta {
        }

        /** A piece of the tool input's JSON text; only the pieces joined parse. */
        record InputJsonDelta(@JsonProperty("partial_json") String partialJson) implements AnthropicDelta {
        }

        record ThinkingDelta(String thinking) implements AnthropicDelta {
        }

        record SignatureDelta(String signature) implements AnthropicDelta {
        }

        /** citations_delta and whatever comes next. */
        record Unknown() implements AnthropicDelta {
        }
    }
}
