package dev.switchboard.providers.anthropic.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The body of {@code POST /v1/messages}, in Anthropic's names. Null fields are left out, which is how one record
 * serves every host of the Messages dialect: Anthropic itself (model in the body, version in a header), Vertex AI
 * ({@code anthropic_version} in the body, model in the URL) and Bedrock's InvokeModel (likewise, and no
 * {@code stream} flag).
 *
 * @param system a {@code String}, or a {@code List<AnthropicContentBlock.Text>} when a block carries cache_control
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnthropicMessagesRequest(
        String model,
        @JsonProperty("anthropic_version") String anthropicVersion,
        @JsonProperty("max_tokens") int maxTokens,
        Object system,
        List<AnthropicMessage> messages,
        List<AnthropicTool> tools,
        @JsonProperty("tool_choice") AnthropicToolChoice toolChoice,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("top_k") Integer topK,
        @JsonProperty("stop_sequences") List<String> stopSequences,
        AnthropicMetadata metadata,
        AnthropicThinking thinking,
        @JsonProperty("output_config") AnthropicOutputConfig outputConfig,
        Boolean stream) {

    /** One turn; roles alternate, and content is always given as blocks. */
    public record AnthropicMessage(String role, List<AnthropicContentBlock> content) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AnthropicTool(
            String name,
            String description,
            @JsonProperty("input_schema") JsonNode inputSchema,
            Boolean strict) {
    }

    /** {@code auto}, {@code any}, {@code tool} (with a name) or {@code none}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AnthropicToolChoice(
            String type,
            String name,
            @JsonProperty("disable_parallel_tool_use") Boolean disableParallelToolUse) {
    }

    public record AnthropicMetadata(@JsonProperty("user_id") String userId) {
    }

    public record AnthropicThinking(String type, @JsonProperty("budget_tokens") int budgetTokens) {

        public static AnthropicThinking enabled(int budgetTokens) {
            return new AnthropicThinking("enabled", budgetTokens);
        }
    }

    /** Structured outputs: {@code {"format": {"type": "json_schema", "schema": {...}}}}. */
    public record AnthropicOutputConfig(AnthropicOutputFormat format) {
    }

    public record AnthropicOutputFormat(String type, JsonNode schema) {

        public static AnthropicOutputFormat jsonSchema(JsonNode schema) {
            return new AnthropicOutputFormat("json_schema", schema);
        }
    }
}
