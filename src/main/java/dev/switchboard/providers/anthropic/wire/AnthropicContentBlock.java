package dev.switchboard.providers.anthropic.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A content block of a message, in requests and responses alike, told apart by {@code type}. Block types this
 * gateway does not map (server tool use, search results, documents...) read as {@link Unknown}, so a new block type
 * from the API never breaks a response.
 *
 * <p>Each block writes its own {@code type} (an existing property, not a type id added by Jackson), so that it is
 * written wherever the block sits, including in the {@code system} field whose static type is Object.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type",
        visible = true, defaultImpl = AnthropicContentBlock.Unknown.class)
@JsonPropertyOrder("type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AnthropicContentBlock.Text.class, name = "text"),
        @JsonSubTypes.Type(value = AnthropicContentBlock.Image.class, name = "image"),
        @JsonSubTypes.Type(value = AnthropicContentBlock.ToolUse.class, name = "tool_use"),
        @JsonSubTypes.Type(value = AnthropicContentBlock.ToolResult.class, name = "tool_result"),
        @JsonSubTypes.Type(value = AnthropicContentBlock.Thinking.class, name = "thinking"),
        @JsonSubTypes.Type(value = AnthropicContentBlock.RedactedThinking.class, name = "redacted_thinking")
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface AnthropicContentBlock {

    @JsonProperty("type")
    String type();

    record Text(String text, @JsonProperty("cache_control") CacheControl cacheControl)
            implements AnthropicContentBlock {

        @Override
        public String type() {
            return "text";
        }
    }

    record Image(ImageSource source, @JsonProperty("cache_control") CacheControl cacheControl)
            implements AnthropicContentBlock {

        @Override
        public String type() {
            return "image";
        }
    }

    /** {@code base64} (with media_type and data) or {@code url}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ImageSource(String type, @JsonProperty("media_type") String mediaType, String data, String url) {

        public static ImageSource base64(String mediaType, String data) {
            return new ImageSource("base64", mediaType, data, null);
        }

        public static ImageSource url(String url) {
            return new ImageSource("url", null, null, url);
        }
    }

    /** The model calls a tool; {@code input} is a JSON object. */
    record ToolUse(String id, String name, JsonNode input, @JsonProperty("cache_control") CacheControl cacheControl)
            implements AnthropicContentBlock {

        @Override
        public String type() {
            return "tool_use";
        }
    }

    /** A tool's result, sent in a user turn; {@code content} holds text and image blocks. */
    record ToolResult(
            @JsonProperty("tool_use_id") String toolUseId,
            List<AnthropicContentBlock> content,
            @JsonProperty("is_error") Boolean isError,
            @JsonProperty("cache_control") CacheControl cacheControl) implements AnthropicContentBlock {

        @Override
        public String type() {
            return "tool_result";
        }
    }

    /** Extended thinking; the signature must travel back with the text, unchanged, in later turns. */
    record Thinking(String thinking, String signature) implements AnthropicContentBlock {

        @Override
        public String type() {
            return "thinking";
        }
    }

    /** Thinking the safety systems encrypted; {@code data} is opaque and goes back as is. */
    record RedactedThinking(String data) implements AnthropicContentBlock {

        @Override
        public String type() {
            return "redacted_thinking";
        }
    }

    /** Any block type not listed above, by its type. Read from responses only, never sent. */
    record Unknown(String type) implements AnthropicContentBlock {
    }

    /** {@code {"type": "ephemeral"}}: cache the prompt up to and including this block. */
    record CacheControl(String type) {

        public static final CacheControl EPHEMERAL = new CacheControl("ephemeral");
    }
}
