package dev.switchboard.providers.openai.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code error} of {@code {"error":{"message","type","code","param"}}}. {@code code} is a string on OpenAI and a
 * number on some hosts (Google's compatibility layer adds {@code status}); {@code message} is a string on OpenAI and
 * an object on some validation errors (Mistral), so those are trees.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorObject(JsonNode message, String type, JsonNode code, JsonNode param, String status) {

    public String messageText() {
        return text(message);
    }

    public String codeText() {
        return text(code);
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }
}
