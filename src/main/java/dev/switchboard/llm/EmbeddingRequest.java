package dev.switchboard.llm;

import java.util.List;

/**
 * An embeddings request in our neutral form (OpenAI's {@code POST /v1/embeddings} is the only dialect callers speak).
 * {@code inputs} are the texts to embed, in order; {@code model} is the upstream model id once routing has chosen an
 * endpoint. Null means "not given": the provider's default applies.
 *
 * @param dimensions     the vector length asked for (models that can shorten their vectors honour it)
 * @param base64         whether the caller wants each vector as base64 of little-endian float32s
 */
public record EmbeddingRequest(String model, List<String> inputs, Integer dimensions, boolean base64, String user) {

    public EmbeddingRequest {
        inputs = List.copyOf(inputs);
    }

    public EmbeddingRequest withModel(String upstreamModel) {
        return new EmbeddingRequest(upstreamModel, inputs, dimensions, base64, user);
    }

    /** Characters over every input: what the limiter's up-front estimate is made from. */
    public long chars() {
        long chars = 0;
        for (String input : inputs) {
            chars += input.length();
        }
        return chars;
    }
}
