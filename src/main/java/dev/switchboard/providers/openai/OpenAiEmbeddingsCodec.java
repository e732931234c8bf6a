package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.EmbeddingRequest;
import dev.switchboard.llm.EmbeddingResponse;
import dev.switchboard.llm.Float32Base64;

import java.util.Collection;

/**
 * Pure mapping between our neutral embeddings request/response and OpenAI's {@code /embeddings} JSON (OpenAI, Azure,
 * Mistral and the other OpenAI-compatible hosts). The upstream is asked for base64 only when the caller asked for
 * it; its answer is read in either encoding, whatever was asked, since some hosts ignore the option.
 */
final class OpenAiEmbeddingsCodec {

    private OpenAiEmbeddingsCodec() {
    }

    static byte[] encode(EmbeddingRequest request, String model) {
        ObjectNode body = OpenAiCodec.JSON.createObjectNode();
        body.put("model", model);
        ArrayNode input = body.putArray("input");
        if (request.tokenInputs().isEmpty()) {
            request.inputs().forEach(input::add);
        } else {
            for (int[] tokens : request.tokenInputs()) {
                ArrayNode ids = input.addArray();
                for (int id : tokens) {
                    ids.add(id);
                }
            }
        }
        if (request.dimensions() != null) {
            body.put("dimensions", request.dimensions());
        }
        if (request.base64()) {
            body.put("encoding_format", "base64");
        }
        if (request.user() != null) {
            body.put("user", request.user());
        }
        try {
            return OpenAiCodec.JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /**
     * The vectors in input order (by each item's {@code index}), checked against the number of inputs: an answer
     * with a vector missing, repeated or unreadable is malformed, never passed on with a gap.
     */
    static EmbeddingResponse decode(ObjectNode json, int inputs, String text, Collection<String> secrets) {
        JsonNode data = json.get("data");
        if (data == null || !data.isArray()) {
            throw OpenAiErrors.malformed("The provider's embeddings answer has no data array", text, secrets);
        }
        if (data.size() != inputs) {
            throw OpenAiErrors.malformed("The provider answered " + data.size() + " embeddings for " + inputs
                    + " inputs", text, secrets);
        }
        float[][] vectors = new float[inputs][];
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").asInt(i);
            if (index < 0 || index >= inputs || vectors[index] != null) {
                throw OpenAiErrors.malformed("The provider's embeddings answer has a bad or repeated index " + index,
                        text, secrets);
            }
            vectors[index] = vector(item.get("embedding"), text, secrets);
        }
        JsonNode usage = json.path("usage");
        int promptTokens = usage.path("prompt_tokens").asInt(usage.path("total_tokens").asInt(0));
        return new EmbeddingResponse(java.util.List.of(vectors), promptTokens);
    }

    private static float[] vector(JsonNode embedding, String text, Collection<String> secrets) {
        if (embedding != null && embedding.isTextual()) {
            try {
                return Float32Base64.decode(embedding.textValue());
            } catch (IllegalArgumentException e) {
                throw OpenAiErrors.malformed("The provider's base64 embedding cannot be read (" + e.getMessage()
                        + ")", text, secrets);
            }
        }
        if (embedding == null || !embedding.isArray() || embedding.isEmpty()) {
            throw OpenAiErrors.malformed("The provider's answer holds an embedding that is not a vector", text,
                    secrets);
        }
        float[] vector = new float[embedding.size()];
        for (int i = 0; i < vector.length; i++) {
            JsonNode value = embedding.get(i);
            if (!value.isNumber()) {
                throw OpenAiErrors.malformed("The provider's embedding holds a value that is not a number", text,
                        secrets);
            }
            vector[i] = value.floatValue();
        }
        return vector;
    }
}
