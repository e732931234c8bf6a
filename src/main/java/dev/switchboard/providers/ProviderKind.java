package dev.switchboard.providers;

import java.util.Arrays;
import java.util.Optional;

/** The wire protocol a provider's adapter speaks. */
public enum ProviderKind {
    /** OpenAI Chat Completions: OpenAI and every OpenAI-compatible host (Azure, Groq, Together, AI Studio...). */
    OPENAI("openai"),
    /** Anthropic Messages. */
    ANTHROPIC("anthropic"),
    /** Google Vertex AI: Gemini generateContent and Claude rawPredict. */
    VERTEX("vertex"),
    /** Amazon Bedrock Converse / ConverseStream, SigV4 signed. */
    BEDROCK("bedrock");

    private final String id;

    ProviderKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<ProviderKind> fromId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }
}
