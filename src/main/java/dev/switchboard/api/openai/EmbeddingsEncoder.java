package dev.switchboard.api.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.switchboard.api.Served;
import dev.switchboard.llm.EmbeddingResponse;
import dev.switchboard.llm.Float32Base64;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The OpenAI embeddings answer: {@code {object: "list", data: [{object: "embedding", index, embedding}], model,
 * usage: {prompt_tokens, total_tokens, cost}}} plus {@code provider}, as chat answers name who served them. Written
 * with a generator: a request of many 3072-float vectors would be a tree node per number otherwise.
 */
public final class EmbeddingsEncoder {

    /** A cost of 0.0000012, never 1.2E-6, as in chat answers. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private EmbeddingsEncoder() {
    }

    public static byte[] encode(EmbeddingResponse response, boolean base64, Served served) {
        int floats = response.vectors().stream().mapToInt(v -> v.length).sum();
        ByteArrayOutputStream out = new ByteArrayOutputStream(floats * (base64 ? 6 : 12) + 256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("object", "list");
            json.writeArrayFieldStart("data");
            for (int i = 0; i < response.vectors().size(); i++) {
                float[] vector = response.vectors().get(i);
                json.writeStartObject();
                json.writeStringField("object", "embedding");
                json.writeNumberField("index", i);
                if (base64) {
                    json.writeStringField("embedding", Float32Base64.encode(vector));
                } else {
                    json.writeArrayFieldStart("embedding");
                    for (float v : vector) {
                        json.writeNumber(v);
                    }
                    json.writeEndArray();
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringField("model", served.model());
            json.writeObjectFieldStart("usage");
            json.writeNumberField("prompt_tokens", response.promptTokens());
            json.writeNumberField("total_tokens", response.promptTokens());
            if (served.cost() != null) {
                json.writeNumberField("cost", served.cost());
            }
            json.writeEndObject();
            if (served.provider() != null) {
                json.writeStringField("provider", served.provider());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
