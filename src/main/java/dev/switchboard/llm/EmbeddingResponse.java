package dev.switchboard.llm;

import java.util.List;

/**
 * The vectors of an embeddings call, one per input in the request's order, and the prompt tokens the provider
 * counted. Vectors are always floats here: the caller's base64 encoding is the gateway's to apply.
 */
public record EmbeddingResponse(List<float[]> vectors, int promptTokens) {

    public EmbeddingResponse {
        vectors = List.copyOf(vectors);
    }

    public Usage usage() {
        return new Usage(promptTokens, 0, 0, 0, 0);
    }
}
