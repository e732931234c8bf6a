package dev.switchboard.api.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Responses dialect's JSON writing and ids. */
final class ResponsesJson {

    /** Our own mapper: the wire shape must not change with the application's global Jackson settings. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN) // a cost of 0.0000012, never 1.2E-6
            .build();
    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private ResponsesJson() {
    }

    static byte[] write(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /**
     * {@code resp_} and the generation id's random part: the caller can look the generation up by either, and the
     * response id says which generation it was without a table to map them.
     */
    static String responseId(String generationId) {
        return "resp_" + randomPart(generationId);
    }

    /** An output item's id: its kind's prefix ({@code msg}, {@code fc}, {@code rs}), the generation, its index. */
    static String itemId(String prefix, String generationId, int outputIndex) {
        return prefix + "_" + randomPart(generationId) + "_" + outputIndex;
    }

    private static String randomPart(String generationId) {
        return generationId.startsWith("gen-") ? generationId.substring(4) : generationId;
    }
}
