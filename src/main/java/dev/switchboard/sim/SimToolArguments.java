package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Tool-call arguments made up from the tool's JSON schema: every required property (or the first one, when the
 * schema names none as required) with a plausible value of its type, respecting enums, consts and numeric bounds.
 */
final class SimToolArguments {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] CITIES = {"Paris", "Berlin", "Tokyo", "Lisbon", "Toronto", "Nairobi", "Seoul"};
    private static final String[] NAMES = {"Alex", "Sam", "Priya", "Jonas", "Mei", "Tomás"};

    private SimToolArguments() {
    }

    static ObjectNode generate(JsonNode schema, SplittableRandom random) {
        JsonNode value = value(schema, "", random, 0);
        return value instanceof ObjectNode object ? object : NODES.objectNode();
    }

    private static JsonNode value(JsonNode schema, String name, SplittableRandom random, int depth) {
        if (schema == null || !schema.isObject() || depth > 6) {
            return NODES.textNode(SimText.word(random));
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        JsonNode enumValues = schema.get("enum");
        if (enumValues != null && enumValues.isArray() && !enumValues.isEmpty()) {
            return enumValues.get(random.nextInt(enumValues.size()));
        }
        for (String combinator : new String[] {"anyOf", "oneOf", "allOf"}) {
            JsonNode options = schema.get(combinator);
            if (options != null && options.isArray() && !options.isEmpty()) {
                return value(options.get(0), name, random, depth + 1);
            }
        }
        return switch (type(schema)) {
            case "object" -> object(schema, random, depth);
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                int items = Math.max(1, schema.path("minItems").asInt(1));
                for (int i = 0; i < items; i++) {
                    array.add(value(schema.get("items"), name, random, depth + 1));
                }
                yield array;
            }
            case "integer" -> {
                long min = schema.path("minimum").asLong(1);
                long max = schema.path("maximum").asLong(min + 99);
                yield NODES.numberNode(min + (max > min ? random.nextLong(max - min + 1) : 0));
            }
            case "number" -> {
                double min = schema.path("minimum").asDouble(0);
                double max = schema.path("maximum").asDouble(min + 100);
                yield NODES.numberNode(Math.round((min + random.nextDouble() * (max - min)) * 100) / 100.0);
            }
            case "boolean" -> NODES.booleanNode(random.nextBoolean());
            case "null" -> NODES.nullNode();
            default -> NODES.textNode(string(schema, name, random));
        };
    }

    private static ObjectNode object(JsonNode schema, SplittableRandom random, int depth) {
        ObjectNode object = NODES.objectNode();
        JsonNode properties = schema.path("properties");
        JsonNode required = schema.get("required");
        if (required != null && required.isArray()) {
            for (JsonNode property : required) {
                String key = property.asText();
                object.set(key, value(properties.get(key), key, random, depth + 1));
            }
        } else if (properties.isObject() && !properties.isEmpty()) {
            String key = properties.fieldNames().next();
            object.set(key, value(properties.get(key), key, random, depth + 1));
        }
        return object;
    }

    private static String type(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isArray()) {
            for (Iterator<JsonNode> it = type.elements(); it.hasNext(); ) {
                String t = it.next().asText();
                if (!t.equals("null")) {
                    return t;
                }
            }
            return "null";
        }
        if (type != null && type.isTextual()) {
            return type.asText();
        }
        return schema.has("properties") ? "object" : "string";
    }

    private static String string(JsonNode schema, String name, SplittableRandom random) {
        String format = schema.path("format").asText("");
        String n = name.toLowerCase(Locale.ROOT);
        if (format.equals("date-time")) return "2025-03-14T09:30:00Z";
        if (format.equals("date") || n.contains("date")) return "2025-03-14";
        if (format.equals("email") || n.contains("email")) return "alex@example.com";
        if (format.startsWith("uri") || n.contains("url")) return "https://example.com/" + SimText.word(random);
        if (n.contains("city")) return CITIES[random.nextInt(CITIES.length)];
        if (n.contains("location") || n.contains("place")) return CITIES[random.nextInt(CITIES.length)] + ", Earth";
        if (n.contains("unit")) return "celsius";
        if (n.contains("name")) return NAMES[random.nextInt(NAMES.length)];
        if (n.endsWith("id")) return SimText.base62(random, 12);
        return SimText.word(random) + " " + SimText.word(random);
    }
}
