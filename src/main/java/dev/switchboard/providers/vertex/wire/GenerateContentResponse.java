package dev.switchboard.providers.vertex.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A whole answer, or one chunk of a stream (each SSE event carries a complete object holding only the new parts).
 * A blocked prompt has no candidates and says why in {@code promptFeedback}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GenerateContentResponse(
        List<Candidate> candidates,
        PromptFeedback promptFeedback,
        UsageMetadata usageMetadata,
        String modelVersion,
        String responseId,
        String createTime) {

    /** The first candidate (the gateway asks for one), or null. */
    public Candidate firstCandidate() {
        return candidates == null || candidates.isEmpty() ? null : candidates.getFirst();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Candidate(Content content, String finishReason, String finishMessage, Integer index) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PromptFeedback(String blockReason, String blockReasonMessage) {
    }

    /**
     * Token counts. {@code promptTokenCount} includes {@code cachedContentTokenCount}; {@code candidatesTokenCount}
     * excludes {@code thoughtsTokenCount}; {@code toolUsePromptTokenCount} is input read from built-in tools.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UsageMetadata(
            Integer promptTokenCount,
            Integer candidatesTokenCount,
            Integer cachedContentTokenCount,
            Integer thoughtsTokenCount,
            Integer toolUsePromptTokenCount,
            Integer totalTokenCount) {
    }
}
