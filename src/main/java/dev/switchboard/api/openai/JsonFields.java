package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyException;

/**
 * Typed reads of a caller's JSON with OpenAI-style 400s: every wrong type names the field ({@code param}) and says
 * what was expected and what came. A JSON null counts as "not given", as OpenAI treats it for optional fields.
 */
public final class JsonFields {

    private JsonFields() {
    }

    public static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    public static ProxyException invalid(String param, String message) {
        return ProxyException.invalid("Invalid '" + param + "': " + message, param);
    }

    public static ProxyException wrongType(String param, String expected, JsonNode got) {
        return invalid(param, "expected " + expected + ", but got " + describe(got) + ".");
    }

    public static ProxyException missing(String param) {
        return ProxyException.invalid("Missing required parameter: '" + param + "'.", param);
    }

    /** What the caller sent, in words: "a number", "an array", "the string \"x\"". */
    public static String describe(JsonNode node) {
        if (absent(node)) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    public static String string(JsonNode node, String param) {
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(param, "a string", node);
        }
        return node.textValue();
    }

    public static String requiredString(JsonNode node, String param) {
        String value = string(node, param);
        if (value == null) {
            throw missing(param);
        }
        return value;
    }

    public static Boolean bool(JsonNode node, String param) {
        if (absent(node)) {
            return null;
        }
        if (!node.isBoolean()) {
            throw wrongType(param, "a boolean", node);
        }
        return node.booleanValue();
    }

    public static Integer integer(JsonNode node, String param) {
        if (absent(node)) {
            return null;
        }
        if (!node.isNumber() || !isWhole(node) || !node.canConvertToInt()) {
            throw wrongType(param, "an integer", node);
        }
        return node.intValue();
    }

    public static Long longValue(JsonNode node, String param) {
        if (absent(node)) {
            return null;
        }
        if (!node.isNumber() || !isWhole(node) || !node.canConvertToLong()) {
            throw wrongType(param, "an integer", node);
        }
        return node.longValue();
    }

    /** A number within [min, max]. */
    public static Double number(JsonNode node, String param, double min, double max) {
        if (absent(node)) {
            return null;
        }
        if (!node.isNumber()) {
            throw wrongType(param, "a number", node);
        }
        double value = node.doubleValue();
        if (!(value >= min && value <= max)) {
            throw invalid(param, "must be between " + plain(min) + " and " + plain(max) + ", but got " + node
                    + ".");
        }
        return value;
    }

    public static ObjectNode object(JsonNode node, String param) {
        if (absent(node)) {
            return null;
        }
        if (!node.isObject()) {
            throw wrongType(param, "an object", node);
        }
        return (ObjectNode) node;
    }

    public static ArrayNode array(JsonNode node, String param) {
        if (absent(node)) {
            return null;
        }
        if (!node.isArray()) {
            throw wrongType(param, "an array", node);
        }
        return (ArrayNode) node;
    }

    /** 3.0 is a whole number as much as 3 is: some clients serialise every number as a double. */
    private static boolean isWhole(JsonNode node) {
        return node.isIntegralNumber() || node.isFloatingPointNumber() && node.decimalValue().stripTrailingZeros()
                .scale() <= 0;
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
