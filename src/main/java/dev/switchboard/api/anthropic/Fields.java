package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyException;

/**
 * Typed reads of a request's JSON fields that fail with a 400 naming the field, never with a Jackson exception or
 * an NPE. Paths are written the way Anthropic's own errors write them ({@code messages.0.content.1.text}), and the
 * same path is the error's {@code param}.
 */
final class Fields {

    private Fields() {
    }

    static String path(String parent, String field) {
        return parent == null || parent.isEmpty() ? field : parent + "." + field;
    }

    static String path(String parent, int index) {
        return parent + "." + index;
    }

    static ProxyException invalid(String path, String message) {
        return ProxyException.invalid(path == null ? message : path + ": " + message, path);
    }

    /** Absent and JSON null read the same: "not given". */
    static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    static JsonNode required(ObjectNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (absent(node)) {
            throw invalid(path, "Field required");
        }
        return node;
    }

    static String requiredString(ObjectNode parent, String field, String path) {
        JsonNode node = required(parent, field, path);
        if (!node.isTextual()) {
            throw invalid(path, "Input should be a valid string, not " + kind(node));
        }
        return node.textValue();
    }

    static String requiredNonEmptyString(ObjectNode parent, String field, String path) {
        String value = requiredString(parent, field, path);
        if (value.isEmpty()) {
            throw invalid(path, "must not be empty");
        }
        return value;
    }

    static String optionalString(ObjectNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid(path, "Input should be a valid string, not " + kind(node));
        }
        return node.textValue();
    }

    static ObjectNode object(JsonNode node, String path) {
        if (!(node instanceof ObjectNode object)) {
            throw invalid(path, "Input should be an object, not " + kind(node));
        }
        return object;
    }

    static ObjectNode requiredObject(ObjectNode parent, String field, String path) {
        return object(required(parent, field, path), path);
    }

    static ObjectNode optionalObject(ObjectNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        return absent(node) ? null : object(node, path);
    }

    static JsonNode optionalArray(ObjectNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isArray()) {
            throw invalid(path, "Input should be a valid list, not " + kind(node));
        }
        return node;
    }

    /** An integer; 1024.0 counts as one, as Anthropic's validation lets it. */
    static Integer optionalInt(ObjectNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (absent(node)) {
            return null;
        }
        return integer(node, path);
    }

    static int integer(JsonNode node, String path) {
        if (!node.isNumber()) {
            throw invalid(path, "Input should be a valid integer, not " + kind(node));
        }
        if (!node.isIntegralNumber() && node.doubleValue() != Math.rint(node.doubleValue())) {
            throw invalid(path, "Input should be a valid integer, got a number with a fractional part ("
                    + node.asText() + ")");
        }
        if (!node.canConvertToInt() || Math.abs(node.doubleValue()) > Integer.MAX_VALUE) {
            throw invalid(path, "Input is too large (" + node.asText() + ")");
        }
        return node.intValue();
    }

    static Double optionalNumber(ObjectNode parent, String field, String path, double min, double max) {
        JsonNode node = parent.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isNumber()) {
            throw invalid(path, "Input should be a valid number, not " + kind(node));
        }
        double value = node.doubleValue();
        if (!(value >= min && value <= max)) {
            throw invalid(path, "must be between " + format(min) + " and " + format(max) + ", got " + node.asText());
        }
        return value;
    }

    static Boolean optionalBoolean(ObjectNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isBoolean()) {
            throw invalid(path, "Input should be a valid boolean, not " + kind(node));
        }
        return node.booleanValue();
    }

    /** What a node is, in the words JSON users know. */
    static String kind(JsonNode node) {
        if (absent(node)) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
