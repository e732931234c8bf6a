package dev.switchboard.providers.openai.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** A whole answer ({@code "object": "chat.completion"}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionResponse(
        String id,
        String object,
        Long created,
        String model,
        List<Choice> choices,
        CompletionUsage usage) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Choice(Integer index, ChatCompletionMessage message,
                         @JsonProperty("finish_reason") String finishReason) {
    }
}
