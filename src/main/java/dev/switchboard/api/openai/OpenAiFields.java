package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyException;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.switchboard.api.openai.JsonFields.absent;
import static dev.switchboard.api.openai.JsonFields.invalid;
import static dev.switchboard.api.openai.JsonFields.object;
import static dev.switchboard.api.openai.JsonFields.requiredString;
import static dev.switchboard.api.openai.JsonFields.string;
import static dev.switchboard.api.openai.JsonFields.wrongType;

/**
 * The request fields OpenAI's Chat Completions and Responses APIs have in common, read with the same rules and the
 * same 400s in both: {@code model}, {@code metadata} and {@code tool_choice} (whose named form alone is shaped
 * differently: nested under {@code function} in chat, flattened in Responses, so each ingress reads that itself).
 */
public final class OpenAiFields {

    private OpenAiFields() {
    }

    public static String model(JsonNode node) {
        if (absent(node)) {
            throw ProxyException.invalid("Missing required parameter: 'model'. Name a model as 'vendor/model', "
                    + "e.g. 'openai/gpt-4.1'.", "model");
        }
        String model = string(node, "model");
        if (model.isBlank()) {
            throw invalid("model", "must not be empty. Name a model as 'vendor/model', e.g. 'openai/gpt-4.1'.");
        }
        return model.strip();
    }

    public static Map<String, String> metadata(JsonNode node) {
        ObjectNode metadata = object(node, "metadata");
        if (metadata == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
            JsonNode value = entry.getValue();
            if (!value.isTextual()) {
                throw wrongType("metadata." + entry.getKey(), "a string (metadata maps strings to strings)", value);
            }
            out.put(entry.getKey(), value.textValue());
        }
        return out;
    }

    /**
     * {@code tool_choice} as a string: {@code auto}, {@code none} or {@code required}.
     *
     * @param namedForm the API's named form, as the error for an unknown value shows it
     */
    public static ToolChoice toolChoiceKeyword(String value, boolean parallel, String namedForm) {
        return switch (value) {
            case "auto" -> new ToolChoice.Auto(parallel);
            case "none" -> new ToolChoice.None();
            case "required" -> new ToolChoice.Required(parallel);
            default -> throw invalid("tool_choice", "unknown value '" + value + "'. Supported values are: 'auto', "
                    + "'none', 'required' or " + namedForm + ".");
        };
    }

    /** A named choice, which must name one of the declared tools; {@code param} is where the name stands. */
    public static ToolChoice.Named namedToolChoice(JsonNode nameNode, String param, List<ToolDefinition> tools) {
        String name = requiredString(nameNode, param);
        if (tools.stream().noneMatch(t -> t.name().equals(name))) {
            throw invalid(param, "no tool named '" + name + "' is declared in 'tools'" + (tools.isEmpty() ? "."
                    : "; declared: " + String.join(", ", tools.stream().map(ToolDefinition::name).toList()) + "."));
        }
        return new ToolChoice.Named(name);
    }

    /**
     * The choice for the request's tools: null when there are none ("auto" and "none" without tools mean nothing),
     * and a required choice without tools is an error, as on OpenAI.
     */
    public static ToolChoice forTools(ToolChoice choice, List<ToolDefinition> tools) {
        if (tools.isEmpty()) {
            if (choice instanceof ToolChoice.Required) {
                throw invalid("tool_choice", "'required' needs at least one tool in 'tools'.");
            }
            return null;
        }
        return choice;
    }
}
