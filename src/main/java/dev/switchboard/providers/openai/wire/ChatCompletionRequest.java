package dev.switchboard.providers.openai.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** The body of {@code POST /chat/completions}. {@code toolChoice} is a string or a {@link NamedToolChoice}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionRequest(
        String model,
        List<ChatCompletionMessageParam> messages,
        List<ChatCompletionTool> tools,
        @JsonProperty("tool_choice") Object toolChoice,
        @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        List<String> stop,
        Long seed,
        @JsonProperty("random_seed") Long randomSeed,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        @JsonProperty("presence_penalty") Double presencePenalty,
        @JsonProperty("response_format") ResponseFormatParam responseFormat,
        @JsonProperty("reasoning_effort") String reasoningEffort,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        String user) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NamedToolChoice(String type, FunctionName function) {

        public static NamedToolChoice of(String name) {
            return new NamedToolChoice("function", new FunctionName(name));
        }
    }

    public record FunctionName(String name) {
    }
}
