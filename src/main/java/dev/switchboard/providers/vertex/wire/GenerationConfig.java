package dev.switchboard.providers.vertex.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** Sampling, limits, output shape and thinking. {@code maxOutputTokens} counts thinking tokens too. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GenerationConfig(
        Integer maxOutputTokens,
        Double temperature,
        Double topP,
        Integer topK,
        List<String> stopSequences,
        Integer seed,
        Double presencePenalty,
        Double frequencyPenalty,
        String responseMimeType,
        JsonNode responseSchema,
        JsonNode responseJsonSchema,
        ThinkingConfig thinkingConfig) {

    /** {@code thinkingBudget}: tokens, 0 = off (where the model allows), -1 = the model decides. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ThinkingConfig(Integer thinkingBudget, Boolean includeThoughts) {
    }
}
