package dev.switchboard.llm;

import java.util.List;

/**
 * An embeddings request in our neutral form (OpenAI's {@code POST /v1/embeddings} is the only dialect callers speak).
 * The inputs are texts, or token id arrays (OpenAI's pre-tokenized form), never both; they are embedded in order.
 * {@code model} is the upstream model id once routing has chosen an endpoint. Null means "not given": the provider's
 * default applies.
 *
 * @param tokenInputs    pre-tokenized inputs, empty when {@code inputs} holds texts
 * @param dimensions     the vector length asked for (models that can shorten their vectors honour it)
 * @param base64         whether the caller wants each vector as base64 of little-endian float32s; upstream is asked
 *                       for base64 only then, and answers are decoded to floats either way
 */
public record EmbeddingRequest(String model, List<String> inputs, List<int[]> tokenInputs, Integer dimensions,
                               boolean base64, String user) {

    public EmbeddingRequest {
        inputs = List.copyOf(inputs);
        tokenInputs = tokenInputs == null ? List.of() : List.copyOf(tokenInputs);
    }

    /** Texts only. */
    public EmbeddingRequest(String model, List<String> inputs, Integer dimensions, boolean base64, String user) {
        this(model, inputs, List.of(), dimensions, base64, user);
    }

    public EmbeddingRequest withModel(String upstreamModel) {
        return new EmbeddingRequest(upstreamModel, inputs, tokenInputs, dimensions, base64, user);
    }

    /** How many vectors the answer must hold. */
    public int size() {
        return inputs.isEmpty() ? tokenInputs.size() : inputs.size();
    }

    /** Characters over every input (a token counted as four): what the limiter's up-front estimate is made from. */
    public long chars() {
        long chars = 0;
        for (String input : inputs) {
            chars += input.length();
        }
        for (int[] tokens : tokenInputs) {
            chars += 4L * tokens.length;
        }
        return chars;
    }
}
