package dev.switchboard.providers.vertex.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The body of {@code models/*:generateContent} and {@code :streamGenerateContent}, the same on Vertex AI and the
 * Gemini API. Only what the gateway sends is modelled; null fields are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerateContentRequest(
        List<Content> contents,
        Content systemInstruction,
        List<Tool> tools,
        ToolConfig toolConfig,
        GenerationConfig generationConfig) {
}
