package dev.switchboard.proxy;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/** The JSON reading and writing of the pass-through writers: costs written plain (0.00000015), never 1.5E-7. */
public final class PassThroughJson {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private PassThroughJson() {
    }

    /** The object in {@code data}, or null when it is not one (it then goes out untouched). */
    public static ObjectNode parse(String data) {
        try {
            return JSON.readTree(data) instanceof ObjectNode node ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    public static String text(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    public static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
