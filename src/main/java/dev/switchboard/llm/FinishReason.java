package dev.switchboard.llm;

/** Why the model stopped, normalised across providers; the provider's own word is kept beside it. */
public enum FinishReason {
    /** A natural end, or a stop sequence. */
    STOP,
    /** The output token limit. */
    LENGTH,
    /** The model wants tools run. */
    TOOL_CALLS,
    /** The provider's safety filter cut the answer. */
    CONTENT_FILTER,
    /** The provider ended the generation with an error. */
    ERROR
}
