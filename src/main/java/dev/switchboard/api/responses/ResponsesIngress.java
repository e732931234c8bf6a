package dev.switchboard.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyException;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.ResponseFormat;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.api.openai.FunctionTools;
import dev.switchboard.api.openai.OpenAiFields;
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
import static dev.switchboard.api.openai.JsonFields.missing;
import static dev.switchboard.api.openai.JsonFields.number;
import static dev.switchboard.api.openai.JsonFields.object;
import static dev.switchboard.api.openai.JsonFields.requiredString;
import static dev.switchboard.api.openai.JsonFields.string;
import static dev.switchboard.api.openai.JsonFields.wrongType;

/**
 * Reads an OpenAI Responses API request ({@code POST /v1/responses}) into a {@link ProxyRequest}, validating it as
 * OpenAI does so that what we can tell is malformed gets a 400 naming the field, with no upstream call.
 *
 * <p>The gateway is stateless: whatever needs a response or conversation stored on the server
 * ({@code previous_response_id}, {@code conversation}, {@code store: true}, {@code background}, stored
 * {@code prompt}s, {@code item_reference}s) is refused with a 400 that says to send the whole conversation in
 * {@code input}, rather than answered as if it had been honoured. Built-in tools (web search, file search, computer
 * use...) run on OpenAI's servers and cannot run through other providers: refused, naming the tool. Routing
 * extensions are left in the body for the routing parser, and unknown fields are ignored, as on chat completions.
 */
public final class ResponsesIngress {

    private static final String STATELESS = "this gateway is stateless and keeps no responses or conversations; "
            + "send the whole conversation in 'input' (earlier output items included) instead.";

    private ResponsesIngress() {
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
            throw ProxyException.invalid("The request body could not be read as a Responses API request.", null);
        }
    }

    private static ProxyRequest read(ObjectNode body) {
        String model = OpenAiFields.model(body.get("model"));
        stateless(body);
        List<ToolDefinition> tools = tools(body.get("tools"));
        ToolChoice toolChoice = toolChoice(body.get("tool_choice"),
                bool(body.get("parallel_tool_calls"), "parallel_tool_calls"), tools);
        ResponsesInput.Parsed input = ResponsesInput.parse(body.get("input"));
        List<dev.switchboard.llm.ContentPart> system = new ArrayList<>();
        String instructions = instructions(body.get("instructions"));
        if (instructions != null && !instructions.isEmpty()) {
            system.add(dev.switchboard.llm.ContentPart.Text.of(instructions));
        }
        system.addAll(input.system());
        Integer maxOutputTokens = integer(body.get("max_output_tokens"), "max_output_tokens");
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw invalid("max_output_tokens", "must be at least 1, but got " + maxOutputTokens + ".");
        }
        include(body.get("include"));
        truncation(body.get("truncation"));
        Boolean stream = bool(body.get("stream"), "stream");

        ChatRequest chat = new ChatRequest(
                model,
                system,
                input.messages(),
                tools,
                toolChoice,
                maxOutputTokens,
                number(body.get("temperature"), "temperature", 0, 2),
                number(body.get("top_p"), "top_p", 0, 1),
                null,
                List.of(),
                null,
                null,
                null,
                textFormat(body.get("text")),
                reasoning(body.get("reasoning")),
                string(body.get("user"), "user"),
                OpenAiFields.metadata(body.get("metadata")));
        return new ProxyRequest(chat, RoutingRequest.of(model), Boolean.TRUE.equals(stream), true, body);
    }

    /** What only a server that stores responses could do: refused, never silently ignored. */
    private static void stateless(ObjectNode body) {
        if (string(body.get("previous_response_id"), "previous_response_id") != null) {
            throw invalid("previous_response_id", "previous responses cannot be continued: " + STATELESS);
        }
        if (!absent(body.get("conversation"))) {
            throw invalid("conversation", "conversations cannot be continued: " + STATELESS);
        }
        if (Boolean.TRUE.equals(bool(body.get("store"), "store"))) {
            throw invalid("store", "this gateway does not store responses; send \"store\": false (or leave it out) "
                    + "and keep the conversation on your side.");
        }
        if (Boolean.TRUE.equals(bool(body.get("background"), "background"))) {
            throw invalid("background", "background responses need a stored response to poll, and " + STATELESS);
        }
        if (!absent(body.get("prompt"))) {
            throw invalid("prompt", "stored prompt templates live on OpenAI's servers and cannot be used through "
                    + "this gateway; send the prompt's text in 'instructions' and 'input'.");
        }
    }

    /** A string; OpenAI's list form (input items of role system) is read by the input parser when sent there. */
    private static String instructions(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType("instructions", "a string (put system or developer messages in 'input' instead)", node);
        }
        return node.textValue();
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
                throw invalid(param + ".type", "the built-in tool '" + type + "' is not supported by this gateway: "
                        + "built-in tools run on OpenAI's own servers. Declare your own tools with type 'function' "
                        + "and run them yourself.");
            }
            // flattened, unlike chat completions: {"type": "function", "name": ..., "parameters": ...}
            tools.add(FunctionTools.read(tool, param, names));
        }
        return tools;
    }

    /**
     * Null when there are no tools ("auto" and "none" without tools mean nothing); without a tool_choice, tools mean
     * "auto". The named form is flattened: {@code {"type": "function", "name": "..."}}.
     */
    private static ToolChoice toolChoice(JsonNode node, Boolean parallelCalls, List<ToolDefinition> tools) {
        boolean parallel = !Boolean.FALSE.equals(parallelCalls);
        ToolChoice choice;
        if (absent(node)) {
            choice = new ToolChoice.Auto(parallel);
        } else if (node.isTextual()) {
            choice = OpenAiFields.toolChoiceKeyword(node.textValue(), parallel,
                    "{\"type\": \"function\", \"name\": \"...\"}");
        } else if (node.isObject()) {
            String type = requiredString(node.get("type"), "tool_choice.type");
            if (!type.equals("function")) {
                throw invalid("tool_choice.type", "only 'function' is supported by this gateway, but got '" + type
                        + "'.");
            }
            choice = OpenAiFields.namedToolChoice(node.get("name"), "tool_choice.name", tools);
        } else {
            throw wrongType("tool_choice", "a string or an object", node);
        }
        return OpenAiFields.forTools(choice, tools);
    }

    /** {@code text.format}: flattened too, {@code {"type": "json_schema", "name", "schema", "strict"}}. */
    private static ResponseFormat textFormat(JsonNode node) {
        ObjectNode text = object(node, "text");
        if (text == null) {
            return null;
        }
        string(text.get("verbosity"), "text.verbosity");
        ObjectNode format = object(text.get("format"), "text.format");
        if (format == null) {
            return null;
        }
        String type = requiredString(format.get("type"), "text.format.type");
        return switch (type) {
            case "text" -> new ResponseFormat.Text();
            case "json_object" -> new ResponseFormat.JsonObject();
            case "json_schema" -> {
                String name = requiredString(format.get("name"), "text.format.name");
                if (!FunctionTools.NAME.matcher(name).matches()) {
                    throw invalid("text.format.name", "'" + name + "' is not a valid name: use 1 to 64 letters, "
                            + "digits, underscores or dashes.");
                }
                if (absent(format.get("schema"))) {
                    throw missing("text.format.schema");
                }
                yield new ResponseFormat.JsonSchema(name, object(format.get("schema"), "text.format.schema"),
                        Boolean.TRUE.equals(bool(format.get("strict"), "text.format.strict")));
            }
            default -> throw invalid("text.format.type", "unknown value '" + type + "'. Supported values are: "
                    + "'text', 'json_object' and 'json_schema'.");
        };
    }

    /** {@code reasoning.effort}; {@code summary} asks for the reasoning to be shown, which the gateway always does. */
    private static ReasoningOptions reasoning(JsonNode node) {
        ObjectNode reasoning = object(node, "reasoning");
        if (reasoning == null) {
            return null;
        }
        String summary = string(reasoning.get("summary"), "reasoning.summary");
        if (summary != null && !List.of("auto", "concise", "detailed").contains(summary)) {
            throw invalid("reasoning.summary", "unknown value '" + summary + "'. Supported values are: 'auto', "
                    + "'concise' and 'detailed'.");
        }
        String effort = string(reasoning.get("effort"), "reasoning.effort");
        if (effort == null) {
            return null;
        }
        ReasoningOptions.Effort level = switch (effort.toLowerCase(Locale.ROOT)) {
            case "none" -> null;
            case "minimal" -> ReasoningOptions.Effort.MINIMAL;
            case "low" -> ReasoningOptions.Effort.LOW;
            case "medium" -> ReasoningOptions.Effort.MEDIUM;
            case "high", "xhigh" -> ReasoningOptions.Effort.HIGH;
            default -> throw invalid("reasoning.effort", "unknown value '" + effort + "'. Supported values are: "
                    + "'none', 'minimal', 'low', 'medium', 'high' and 'xhigh'.");
        };
        return level == null ? null : new ReasoningOptions(level, null, false);
    }

    /**
     * Extra output asked for by name. Accepted so that clients which always ask (Codex asks for encrypted reasoning)
     * work; none of these extras exists in every provider's answer, so none is added: the README says so.
     */
    private static void include(JsonNode node) {
        ArrayNode include = array(node, "include");
        if (include == null) {
            return;
        }
        for (int i = 0; i < include.size(); i++) {
            requiredString(include.get(i), "include[" + i + "]");
        }
    }

    /** Only "disabled": the gateway never drops items from a conversation, so "auto" would be a promise broken. */
    private static void truncation(JsonNode node) {
        String truncation = string(node, "truncation");
        if (truncation == null || truncation.equals("disabled")) {
            return;
        }
        if (truncation.equals("auto")) {
            throw invalid("truncation", "this gateway does not truncate conversations; send 'disabled' (or leave it "
                    + "out) and keep 'input' within the model's context window.");
        }
        throw invalid("truncation", "unknown value '" + truncation + "'. Supported values are: 'auto' and "
                + "'disabled'.");
    }
}
