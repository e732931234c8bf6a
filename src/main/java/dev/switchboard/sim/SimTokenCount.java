package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The simulator's token count for the count_tokens APIs (Anthropic, Claude on Vertex, Bedrock, Gemini's countTokens):
 * the words of every text, name and description in the messages (contents), system prompt and tools, plus
 * {@value #PER_MESSAGE} per message and
 * {@value #PER_REQUEST} per request. Deterministic and unlike the gateway's chars/4 estimate, so a test can tell
 * which of the two answered: one user message of five words counts 5 + 3 + 4 = 12 on every protocol.
 */
public final class SimTokenCount {

    public static final int PER_MESSAGE = 3;
    public static final int PER_REQUEST = 4;
    private static final Set<String> TEXT_FIELDS = Set.of("text", "content", "system", "name", "description");

    private SimTokenCount() {
    }

    /**
     * {@code messages}, {@code system} and {@code tools} (Anthropic), {@code toolConfig} (Converse), or
     * {@code contents} and {@code systemInstruction} (Gemini) of a body.
     */
    public static int of(JsonNode body) {
        int words = 0;
        for (String field : FIELDS) {
            JsonNode node = body.path(field);
            words += field.equals("system") && node.isTextual() ? words(node.asText()) : walk(node);
        }
        int messages = (body.path("messages").isArray() ? body.path("messages").size() : 0)
                + (body.path("contents").isArray() ? body.path("contents").size() : 0);
        return words + PER_MESSAGE * messages + PER_REQUEST;
    }

    /** The characters of the texts {@link #of} counts words of (Vertex's {@code totalBillableCharacters}). */
    public static int characters(JsonNode body) {
        int chars = 0;
        for (String field : FIELDS) {
            JsonNode node = body.path(field);
            chars += field.equals("system") && node.isTextual() ? node.asText().length() : charsIn(node);
        }
        return chars;
    }

    private static final String[] FIELDS = {"messages", "system", "tools", "toolConfig", "contents",
            "systemInstruction"};

    private static int charsIn(JsonNode node) {
        int chars = 0;
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                chars += value.isTextual() ? (TEXT_FIELDS.contains(field.getKey()) ? value.asText().length() : 0)
                        : charsIn(value);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                chars += charsIn(element);
            }
        }
        return chars;
    }

    private static int walk(JsonNode node) {
        int words = 0;
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                words += value.isTextual() ? (TEXT_FIELDS.contains(field.getKey()) ? words(value.asText()) : 0)
                        : walk(value);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                words += walk(element);
            }
        }
        return words;
    }

    public static int words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? 0 : stripped.split("\\s+").length;
    }
}
