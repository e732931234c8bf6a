package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * What Google checks in a generateContent request before any work, worded as Google words it: unknown field names
 * (its JSON parser takes camelCase or snake_case and refuses any other name), roles, empty parts and texts, and the
 * order of function call and function response turns.
 */
final class VertexSimChecks {

    private static final Set<String> REQUEST_FIELDS = Set.of("contents", "systemInstruction", "tools", "toolConfig",
            "generationConfig", "safetySettings", "labels", "cachedContent", "model");
    private static final Set<String> CONTENT_FIELDS = Set.of("role", "parts");
    private static final Set<String> PART_FIELDS = Set.of("text", "inlineData", "fileData", "functionCall",
            "functionResponse", "executableCode", "codeExecutionResult", "thought", "thoughtSignature",
            "videoMetadata", "mediaResolution", "partMetadata");
    private static final Set<String> GENERATION_FIELDS = Set.of("temperature", "topP", "topK", "candidateCount",
            "maxOutputTokens", "stopSequences", "responseLogprobs", "logprobs", "presencePenalty", "frequencyPenalty",
            "seed", "responseMimeType", "responseSchema", "responseJsonSchema", "routingConfig",
            "modelSelectionConfig", "audioTimestamp", "responseModalities", "mediaResolution", "speechConfig",
            "enableAffectiveDialog", "thinkingConfig", "imageConfig", "enableEnhancedCivicAnswers");
    private static final Set<String> THINKING_FIELDS = Set.of("thinkingBudget", "includeThoughts", "thinkingLevel");
    private static final Set<String> DECLARATION_FIELDS = Set.of("name", "description", "parameters",
            "parametersJsonSchema", "response", "responseJsonSchema", "behavior");

    private VertexSimChecks() {
    }

    /** What Google checks before any work, worded as Google words it. */
    static String validate(JsonNode body) {
        String unknown = unknownField(body, REQUEST_FIELDS, "");
        if (unknown != null) {
            return unknown;
        }
        JsonNode generation = field(body, "generationConfig");
        if ((unknown = unknownField(generation, GENERATION_FIELDS, "generation_config")) != null
                || (unknown = unknownField(field(generation, "thinkingConfig"), THINKING_FIELDS,
                "generation_config.thinking_config")) != null) {
            return unknown;
        }
        JsonNode maxTokens = field(generation, "maxOutputTokens");
        if (!maxTokens.isMissingNode() && maxTokens.asInt(0) < 1) {
            return "Unable to submit request because it has a maxOutputTokens value of " + maxTokens + " but the "
                    + "supported range is from 1 (inclusive) to 65537 (exclusive). Update the value and try again.";
        }
        for (JsonNode tool : field(body, "tools")) {
            for (JsonNode declaration : field(tool, "functionDeclarations")) {
                if ((unknown = unknownField(declaration, DECLARATION_FIELDS, "tools[0].function_declarations[0]"))
                        != null) {
                    return unknown;
                }
                if (field(declaration, "name").asText("").isEmpty()) {
                    return "* GenerateContentRequest.tools[0].function_declarations[0].name: Name cannot be empty.\n";
                }
                if (declaration.has("parameters") && declaration.has("parametersJsonSchema")) {
                    return "parameters and parameters_json_schema cannot both be set.";
                }
            }
        }
        JsonNode system = field(body, "systemInstruction");
        if ((unknown = unknownField(system, CONTENT_FIELDS, "system_instruction")) != null) {
            return unknown;
        }
        JsonNode contents = field(body, "contents");
        if (!contents.isArray() || contents.isEmpty()) {
            return "* GenerateContentRequest.contents: contents is not specified\n";
        }
        int previousCalls = 0;
        String previousRole = null;
        for (int i = 0; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            if ((unknown = unknownField(content, CONTENT_FIELDS, "contents[" + i + "]")) != null) {
                return unknown;
            }
            String role = field(content, "role").asText("user");
            if (!role.equals("user") && !role.equals("model")) {
                return "Please use a valid role: user, model.";
            }
            JsonNode parts = field(content, "parts");
            if (!parts.isArray() || parts.isEmpty()) {
                return "* GenerateContentRequest.contents[" + i + "].parts: contents.parts must not be empty.\n";
            }
            int calls = 0;
            int responses = 0;
            for (JsonNode part : parts) {
                if ((unknown = unknownField(part, PART_FIELDS, "contents[" + i + "].parts[0]")) != null) {
                    return unknown;
                }
                if (part.has("text") && part.path("text").asText().isEmpty() && !part.has("thoughtSignature")
                        && parts.size() == 1) {
                    return "Unable to submit request because it has an empty text parameter. Add a value to the "
                            + "parameter and try again. Learn more: "
                            + "https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini";
                }
                if (field(part, "functionCall").isObject()) {
                    calls++;
                }
                if (field(part, "functionResponse").isObject()) {
                    responses++;
                    if (field(field(part, "functionResponse"), "name").asText("").isEmpty()) {
                        return "* GenerateContentRequest.contents[" + i + "].parts[0].function_response.name: Name "
                                + "cannot be empty.\n";
                    }
                }
            }
            if (calls > 0 && !(previousRole == null || previousRole.equals("user"))) {
                return "Please ensure that function call turn comes immediately after a user turn or after a function "
                        + "response turn.";
            }
            if (responses > 0 && previousCalls == 0) {
                return "Please ensure that function response turn comes immediately after a function call turn.";
            }
            if (previousCalls > 0 && responses != previousCalls) {
                return "Please ensure that the number of function response parts is equal to the number of function "
                        + "call parts of the function call turn.";
            }
            previousCalls = calls;
            previousRole = role;
        }
        return null;
    }

    /**
     * Google's JSON parser takes field names in camelCase or snake_case and refuses any name it does not know, with
     * this message; {@code at} is the proto path of the object.
     */
    private static String unknownField(JsonNode node, Set<String> known, String at) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(camel(name))) {
                return "Invalid JSON payload received. Unknown name \"" + name + "\""
                        + (at.isEmpty() ? "" : " at '" + at + "'") + ": Cannot find field.";
            }
        }
        return null;
    }

    /** A field by its camelCase name or its snake_case one. */
    static JsonNode field(JsonNode node, String camelName) {
        if (node == null || !node.isObject()) {
            return MissingNode.getInstance();
        }
        JsonNode value = node.get(camelName);
        if (value == null) {
            value = node.get(camelName.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT));
        }
        return value == null ? MissingNode.getInstance() : value;
    }

    private static String camel(String name) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }
}
