package dev.switchboard.llm;

/** Who said a message. The system prompt is not a message: it is {@link ChatRequest#system()}. */
public enum Role {
    USER,
    ASSISTANT
}
