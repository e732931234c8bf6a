package dev.switchboard.providers.bedrock.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** One block of a message: a union, exactly one member set. Blob members ({@code bytes}) are base64 in JSON. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContentBlock(
        String text,
        ImageBlock image,
        ToolUseBlock toolUse,
        ToolResultBlock toolResult,
        ReasoningContentBlock reasoningContent,
        CachePointBlock cachePoint) {

    public static ContentBlock ofText(String text) {
        return new ContentBlock(text, null, null, null, null, null);
    }

    public static ContentBlock ofImage(ImageBlock image) {
        return new ContentBlock(null, image, null, null, null, null);
    }

    public static ContentBlock ofToolUse(ToolUseBlock toolUse) {
        return new ContentBlock(null, null, toolUse, null, null, null);
    }

    public static ContentBlock ofToolResult(ToolResultBlock toolResult) {
        return new ContentBlock(null, null, null, toolResult, null, null);
    }

    public static ContentBlock ofReasoning(ReasoningContentBlock reasoning) {
        return new ContentBlock(null, null, null, null, reasoning, null);
    }

    public static ContentBlock ofCachePoint() {
        return new ContentBlock(null, null, null, null, null, CachePointBlock.DEFAULT);
    }

    /** {@code format}: png, jpeg, gif or webp. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ImageBlock(String format, ImageSource source) {
    }

    /** Inline bytes (base64) or an S3 object; Bedrock fetches no other URL. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ImageSource(String bytes, S3Location s3Location) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record S3Location(String uri, String bucketOwner) {
    }

    /** {@code input} is a JSON document: an object for every model we know. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolUseBlock(String toolUseId, String name, JsonNode input) {
    }

    /** {@code status}: success or error. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolResultBlock(String toolUseId, List<ToolResultContentBlock> content, String status) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolResultContentBlock(String text, JsonNode json, ImageBlock image) {
        public static ToolResultContentBlock ofText(String text) {
            return new ToolResultContentBlock(text, null, null);
        }
    }

    /** Reasoning as text with its signature, or encrypted ({@code redactedContent}, base64) to return as is. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReasoningContentBlock(ReasoningTextBlock reasoningText, String redactedContent) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReasoningTextBlock(String text, String signature) {
    }

    /** Caches the prompt up to here. */
    public record CachePointBlock(String type) {
        public static final CachePointBlock DEFAULT = new CachePointBlock("default");
    }
}
