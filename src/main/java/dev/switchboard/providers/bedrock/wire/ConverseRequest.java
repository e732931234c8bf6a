package dev.switchboard.providers.bedrock.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The body of {@code POST /model/{modelId}/converse} and {@code /converse-stream} (the model id is in the path).
 * {@code additionalModelRequestFields} carries what a model family takes beyond the common set (Claude's
 * {@code thinking} and {@code top_k}, Nova's {@code inferenceConfig.topK}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConverseRequest(
        List<Message> messages,
        List<SystemContentBlock> system,
        InferenceConfiguration inferenceConfig,
        ToolConfiguration toolConfig,
        ObjectNode additionalModelRequestFields) {

    /** A system prompt block: text, or a cache point after the text before it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SystemContentBlock(String text, ContentBlock.CachePointBlock cachePoint) {
        public static SystemContentBlock ofText(String text) {
            return new SystemContentBlock(text, null);
        }

        public static SystemContentBlock ofCachePoint() {
            return new SystemContentBlock(null, ContentBlock.CachePointBlock.DEFAULT);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InferenceConfiguration(Integer maxTokens, Double temperature, Double topP,
            List<String> stopSequences) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolConfiguration(List<Tool> tools, ToolChoice toolChoice) {
    }

    /** A union: a tool specification, or a cache point after the tools before it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tool(ToolSpecification toolSpec, ContentBlock.CachePointBlock cachePoint) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolSpecification(String name, String description, ToolInputSchema inputSchema) {
    }

    /** The JSON Schema of the tool's input, as a JSON document under {@code json}. */
    public record ToolInputSchema(JsonNode json) {
    }

    /** A union: {@code auto: {}}, {@code any: {}} (some tool must be called) or {@code tool: {name}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolChoice(Empty auto, Empty any, SpecificToolChoice tool) {
        public static final ToolChoice AUTO = new ToolChoice(Empty.INSTANCE, null, null);
        public static final ToolChoice ANY = new ToolChoice(null, Empty.INSTANCE, null);

        public static ToolChoice tool(String name) {
            return new ToolChoice(null, null, new SpecificToolChoice(name));
        }
    }

    public record SpecificToolChoice(String name) {
    }

    /** An empty JSON object. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Empty() {
        public static final Empty INSTANCE = new Empty();
    }
}
