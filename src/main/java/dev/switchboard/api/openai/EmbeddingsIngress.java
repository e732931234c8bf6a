package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.EmbeddingRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OpenAI {@code POST /v1/embeddings} body into our neutral request: {@code input} as OpenAI takes it (a
 * string, an array of strings, an array of token ids, or an array of token id arrays), {@code encoding_format},
 * {@code dimensions} and {@code user}. The model and the routing extensions are {@link dev.switchboard.api
 * .RoutingExtensions}' to read. Anything OpenAI would refuse is refused here with a 400 naming the field, before any
 * upstream call.
 */
public final class EmbeddingsIngress {

    /** OpenAI's limit on inputs per request. */
    public static final int MAX_INPUTS = 2048;

    private EmbeddingsIngress() {
    }

    public static EmbeddingRequest parse(ObjectNode body) {
        JsonNode input = body.get("input");
        List<String> texts = new ArrayList<>();
        List<int[]> tokens = new ArrayList<>();
        if (JsonFields.absent(input)) {
            throw JsonFields.missing("input");
        }
        if (input.isTextual()) {
            texts.add(text(input, "input"));
        } else if (input.isArray()) {
            readArray((ArrayNode) input, texts, tokens);
        } else {
            throw JsonFields.wrongType("input", "a string, an array of strings, an array of token ids or an array "
                    + "of token id arrays", input);
        }
        String format = JsonFields.string(body.get("encoding_format"), "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw JsonFields.invalid("encoding_format", "expected \"float\" or \"base64\", but got \"" + format
                    + "\".");
        }
        Integer dimensions = JsonFields.integer(body.get("dimensions"), "dimensions");
        if (dimensions != null && dimensions < 1) {
            throw JsonFields.invalid("dimensions", "must be a positive integer, but got " + dimensions + ".");
        }
        String user = JsonFields.string(body.get("user"), "user");
        return new EmbeddingRequest(null, texts, tokens, dimensions, "base64".equals(format), user);
    }

    private static void readArray(ArrayNode input, List<String> texts, List<int[]> tokens) {
        if (input.isEmpty()) {
            throw JsonFields.invalid("input", "an empty array; send at least one string (or token array) to embed.");
        }
        if (input.size() > MAX_INPUTS) {
            throw JsonFields.invalid("input", "an array of " + input.size() + " inputs; at most " + MAX_INPUTS
                    + " are accepted per request.");
        }
        JsonNode first = input.get(0);
        if (first.isNumber()) {
            // one pre-tokenized input
            tokens.add(tokenIds(input, "input"));
            return;
        }
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String param = "input[" + i + "]";
            if (first.isTextual() && item.isTextual()) {
                texts.add(text(item, param));
            } else if (first.isArray() && item.isArray()) {
                tokens.add(tokenIds((ArrayNode) item, param));
            } else {
                throw JsonFields.wrongType(param, first.isTextual() ? "a string like the other inputs"
                        : first.isArray() ? "a token id array like the other inputs"
                        : "a string or a token id array", item);
            }
        }
    }

    private static String text(JsonNode node, String param) {
        String text = node.textValue();
        if (text.isEmpty()) {
            throw JsonFields.invalid(param, "an empty string; an embedding needs some text.");
        }
        return text;
    }

    private static int[] tokenIds(ArrayNode array, String param) {
        if (array.isEmpty()) {
            throw JsonFields.invalid(param, "an empty token array; an embedding needs at least one token.");
        }
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = array.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
                throw JsonFields.wrongType(param + "[" + i + "]", "a token id (a non-negative integer)", id);
            }
            ids[i] = id.intValue();
        }
        return ids;
    }
}
