package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyException;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.ResponseFormat;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;
import dev.switchboard.routing.RoutingRequest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static dev.switchboard.api.openai.JsonFields.absent;
import static dev.switchboard.api.openai.JsonFields.array;
import static dev.switchboard.api.openai.JsonFields.bool;
import static dev.switchboard.api.openai.JsonFields.integer;
import static dev.switchboard.api.openai.JsonFields.invalid;
import static dev.switchboard.api.openai.JsonFields.longValue;
import static dev.switchboard.api.openai.JsonFields.missing;
import static dev.switchboard.api.openai.JsonFields.number;
import static dev.switchboard.api.openai.JsonFields.object;
import static dev.switchboard.api.openai.JsonFields.requiredString;
import static dev.switchboard.api.openai.JsonFields.string;
import static dev.switchboard.api.openai.JsonFields.wrongType;

/**
 * Reads an OpenAI Chat Completions request body into a {@link ProxyRequest}, validating it as OpenAI does so that
 * what we can tell is malformed gets a 400 naming the field, with no upstream call. OpenRouter's extensions
 * ({@code top_k}, {@code reasoning}, {@code include_reasoning}) are read too; routing extensions are left in the
 * body for the routing parser, and unknown fields are ignored.
 */
public final class OpenAiIngress {

    private static final int MAX_STOP = 4;

    private OpenAiIngress() {
    }

    /** @throws ProxyException INVALID_REQUEST naming the field at fault; never any other exception */
    public static ProxyRequest parse(ObjectNode body) {
        if (body == null) {
            throw ProxyException.invalid("The request body must be a JSON object.", null);
        }
        try {
            return read(body);
        } catch (ProxyException e) {
            throw e;
        } catch (RuntimeException e) {
            // a shape we did not foresee: still the caller's request at fault, never a 500
            throw ProxyException.invalid("The request body could not be read as a Chat Completions request.", null);
        }
    }

    private static ProxyRequest read(ObjectNode body) {
        String model = OpenAiFields.model(body.get("model"));
        OpenAiMessages.Parsed messages = OpenAiMessages.parse(body.get("messages"));
        List<ToolDefinition> tools = tools(body.get("tools"));
        ToolChoice toolChoice = toolChoice(body.get("tool_choice"), bool(body.get("parallel_tool_calls"),
                "parallel_tool_calls"), tools);

        Integer n = integer(body.get("n"), "n");
        if (n != null && n != 1) {
            throw invalid("n", "n>1 is not supported by this gateway: ask for one choice (n=1) and send the request "
                    + "again for more.");
        }
        Integer maxTokens = positive(body.get("max_tokens"), "max_tokens");
        Integer maxCompletionTokens = positive(body.get("max_completion_tokens"), "max_completion_tokens");
        Integer topK = integer(body.get("top_k"), "top_k");
        if (topK != null && topK < 0) {
            throw invalid("top_k", "must be 0 or more, but got " + topK + ".");
        }
        JsonNode streamOptions = object(body.get("stream_options"), "stream_options");
        Boolean includeUsage = streamOptions == null ? null
                : bool(streamOptions.get("include_usage"), "stream_options.include_usage");
        Boolean stream = bool(body.get("stream"), "stream");

        ChatRequest chat = new ChatRequest(
                model,
                messages.system(),
                messages.messages(),
                tools,
                toolChoice,
                maxCompletionTokens != null ? maxCompletionTokens : maxTokens,
                number(body.get("temperature"), "temperature", 0, 2),
                number(body.get("top_p"), "top_p", 0, 1),
                topK == null || topK == 0 ? null : topK, // 0 is OpenRouter's "off"
                stop(body.get("stop")),
                longValue(body.get("seed"), "seed"),
                number(body.get("frequency_penalty"), "frequency_penalty", -2, 2),
                number(body.get("presence_penalty"), "presence_penalty", -2, 2),
                responseFormat(body.get("response_format")),
                reasoning(body),
                string(body.get("user"), "user"),
                OpenAiFields.metadata(body.get("metadata")));
        return new ProxyRequest(chat, RoutingRequest.of(model), Boolean.TRUE.equals(stream),
                Boolean.TRUE.equals(includeUsage), body);
    }

    private static Integer positive(JsonNode node, String param) {
        Integer value = integer(node, param);
        if (value != null && value < 1) {
            throw invalid(param, "must be at least 1, but got " + value + ".");
        }
        return value;
    }

    private static List<String> stop(JsonNode node) {
        if (absent(node)) {
            return List.of();
        }
        if (node.isTextual()) {
            return node.textValue().isEmpty() ? List.of() : List.of(node.textValue());
        }
        if (!node.isArray()) {
            throw wrongType("stop", "a string or an array of up to " + MAX_STOP + " strings", node);
        }
        if (node.size() > MAX_STOP) {
            throw invalid("stop", "at most " + MAX_STOP + " stop sequences are allowed, but got " + node.size()
                    + ".");
        }
        List<String> stop = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String value = requiredString(node.get(i), "stop[" + i + "]");
            if (!value.isEmpty()) {
                stop.add(value);
            }
        }
        return stop;
    }

    private static List<ToolDefinition> tools(JsonNode node) {
        ArrayNode array = array(node, "tools");
        if (array == null) {
            return List.of();
        }
        List<ToolDefinition> tools = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            String param = "tools[" + i + "]";
            ObjectNode tool = object(array.get(i), param);
            if (tool == null) {
                throw wrongType(param, "an object", array.get(i));
            }
            String type = requiredString(tool.get("type"), param + ".type");
            if (!type.equals("function")) {
                throw invalid(param + ".type", "only tools of type 'function' are supported, but got '" + type
                        + "'.");
            }
            if (absent(tool.get("function"))) {
                throw missing(param + ".function");
            }
            ObjectNode function = object(tool.get("function"), param + ".function");
            tools.add(FunctionTools.read(function, param + ".function", names));
        }
        return tools;
    }

    /**
     * Null when there are no tools ("auto" and "none" without tools mean nothing); without a tool_choice, tools
     * mean "auto". A required or named choice without tools is an error, as on OpenAI.
     */
    private static ToolChoice toolChoice(JsonNode node, Boolean parallelCalls, List<ToolDefinition> tools) {
        boolean parallel = !Boolean.FALSE.equals(parallelCalls);
        ToolChoice choice;
        if (absent(node)) {
            choice = new ToolChoice.Auto(parallel);
        } else if (node.isTextual()) {
            choice = OpenAiFields.toolChoiceKeyword(node.textValue(), parallel,
                    "{\"type\": \"function\", \"function\": {\"name\": \"...\"}}");
        } else if (node.isObject()) {
            String type = requiredString(node.get("type"), "tool_choice.type");
            if (!type.equals("function")) {
                throw invalid("tool_choice.type", "only 'function' is supported, but got '" + type + "'.");
            }
            if (absent(node.get("function"))) {
                throw missing("tool_choice.function");
            }
            ObjectNode function = object(node.get("function"), "tool_choice.function");
            choice = OpenAiFields.namedToolChoice(function.get("name"), "tool_choice.function.name", tools);
        } else {
            throw wrongType("tool_choice", "a string or an object", node);
        }
        return OpenAiFields.forTools(choice, tools);
    }

    private static ResponseFormat responseFormat(JsonNode node) {
        ObjectNode format = object(node, "response_format");
        if (format == null) {
            return null;
        }
        String type = requiredString(format.get("type"), "response_format.type");
        return switch (type) {
            case "text" -> new ResponseFormat.Text();
            case "json_object" -> new ResponseFormat.JsonObject();
            case "json_schema" -> {
                if (absent(format.get("json_schema"))) {
                    throw missing("response_format.json_schema");
                }
                ObjectNode schema = object(format.get("json_schema"), "response_format.json_schema");
                String name = requiredString(schema.get("name"), "response_format.json_schema.name");
                if (!FunctionTools.NAME.matcher(name).matches()) {
                    throw invalid("response_format.json_schema.name", "'" + name + "' is not a valid name: use 1 to "
                            + "64 letters, digits, underscores or dashes.");
                }
                yield new ResponseFormat.JsonSchema(name,
                        object(schema.get("schema"), "response_format.json_schema.schema"),
                        Boolean.TRUE.equals(bool(schema.get("strict"), "response_format.json_schema.strict")));
            }
            default -> throw invalid("response_format.type", "unknown value '" + type + "'. Supported values are: "
                    + "'text', 'json_object' and 'json_schema'.");
        };
    }

    /**
     * OpenAI's {@code reasoning_effort}, OpenRouter's {@code reasoning} object (which wins when both are given) and
     * its legacy {@code include_reasoning}. {@code reasoning.enabled: true} alone means medium effort, as on
     * OpenRouter; {@code enabled: false} leaves the provider's default.
     */
    private static ReasoningOptions reasoning(ObjectNode body) {
        ReasoningOptions.Effort effort = effort(body.get("reasoning_effort"), "reasoning_effort");
        Integer budget = null;
        boolean exclude = Boolean.FALSE.equals(bool(body.get("include_reasoning"), "include_reasoning"));
        ObjectNode reasoning = object(body.get("reasoning"), "reasoning");
        if (reasoning != null) {
            ReasoningOptions.Effort objectEffort = effort(reasoning.get("effort"), "reasoning.effort");
            Integer maxTokens = integer(reasoning.get("max_tokens"), "reasoning.max_tokens");
            if (maxTokens != null && maxTokens < 0) {
                throw invalid("reasoning.max_tokens", "must be 0 or more, but got " + maxTokens + ".");
            }
            if (objectEffort != null && maxTokens != null) {
                throw invalid("reasoning", "give either 'effort' or 'max_tokens', not both.");
            }
            Boolean enabled = bool(reasoning.get("enabled"), "reasoning.enabled");
            if (objectEffort != null || maxTokens != null) {
                effort = objectEffort;
                budget = maxTokens;
            } else if (Boolean.TRUE.equals(enabled) && effort == null) {
                effort = ReasoningOptions.Effort.MEDIUM;
            } else if (Boolean.FALSE.equals(enabled)) {
                effort = null;
            }
            Boolean excludeFlag = bool(reasoning.get("exclude"), "reasoning.exclude");
            if (excludeFlag != null) {
                exclude = excludeFlag;
            }
        }
        if (effort == null && budget == null && !exclude) {
            return null;
        }
        return new ReasoningOptions(effort, budget, exclude);
    }

    private static ReasoningOptions.Effort effort(JsonNode node, String param) {
        String value = string(node, param);
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "minimal" -> ReasoningOptions.Effort.MINIMAL;
            case "low" -> ReasoningOptions.Effort.LOW;
            case "medium" -> ReasoningOptions.Effort.MEDIUM;
            case "high" -> ReasoningOptions.Effort.HIGH;
            default -> throw invalid(param, "unknown value '" + value + "'. Supported values are: 'minimal', 'low', "
                    + "'medium' and 'high'.");
        };
    }
}
