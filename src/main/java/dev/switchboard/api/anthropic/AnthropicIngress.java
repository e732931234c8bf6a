package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyException;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.ResponseFormat;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;
import dev.switchboard.routing.RoutingRequest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.switchboard.api.anthropic.Fields.invalid;
import static dev.switchboard.api.anthropic.Fields.path;

/**
 * A Messages API request body ({@code POST /v1/messages}) as a {@link ProxyRequest}: validated as Anthropic validates
 * it, so what is malformed gets a 400 naming the field ({@code param} and the message both carry the path, e.g.
 * {@code messages.0.content.1.source.media_type}) before any upstream call. Unknown fields are ignored, as they are
 * on the pass-through path. Routing extensions are read elsewhere: the routing here is the bare model.
 *
 * <h2>Decisions a caller may not expect</h2>
 * <ul>
 *   <li>Server tools (a tool with a {@code type} such as {@code web_search_20250305}) and content blocks other than
 *   text, image, tool_use, tool_result, thinking and redacted_thinking (document, search_result, container_upload,
 *   server tool results...) are refused with a 400 rather than dropped: the gateway may route to a provider that
 *   cannot honour them, and a silent drop would change the answer.</li>
 *   <li>cache_control's {@code ttl} is not carried, and cache_control on tools and on image or tool_result blocks
 *   is ignored: our neutral breakpoint is a flag on text parts.</li>
 *   <li>A thinking block with an empty signature reads as unsigned reasoning (our responses carry one for reasoning
 *   from a provider that signs none); the Anthropic adapter leaves unsigned reasoning out of the history.</li>
 *   <li>Structured outputs ({@code output_config.format} or the beta {@code output_format}, type json_schema) map
 *   to a strict JSON-schema response format.</li>
 * </ul>
 */
public final class AnthropicIngress {

    static final int MIN_THINKING_BUDGET = 1024;
    private static final Pattern TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    private AnthropicIngress() {
    }

    /** The request, or a {@link ProxyException} with a 400 that says what to fix. */
    public static ProxyRequest parse(ObjectNode body) {
        if (body == null) {
            throw ProxyException.invalid("The request body must be a JSON object", null);
        }
        try {
            return parseChecked(body);
        } catch (ProxyException e) {
            throw e;
        } catch (RuntimeException e) {
            // a validation gap must still answer as a 400, not a 500 carrying a stack trace
            throw ProxyException.invalid("The request body could not be read as a Messages request", null);
        }
    }

    private static ProxyRequest parseChecked(ObjectNode body) {
        String model = Fields.optionalString(body, "model", "model");
        if (model == null || model.isBlank()) {
            throw invalid("model", "Field required: name the model to use, e.g. \"anthropic/claude-sonnet-4\"");
        }
        Integer maxTokens = Fields.optionalInt(body, "max_tokens", "max_tokens");
        if (maxTokens == null) {
            throw invalid("max_tokens", "Field required: the Messages API needs the maximum number of tokens to "
                    + "generate, e.g. \"max_tokens\": 1024");
        }
        if (maxTokens < 1) {
            throw invalid("max_tokens", "must be at least 1, got " + maxTokens);
        }

        List<ContentPart> system = AnthropicContentParser.system(body.get("system"));
        var messages = AnthropicContentParser.messages(body.get("messages"));
        List<ToolDefinition> tools = tools(body);
        ToolChoice toolChoice = toolChoice(body, tools);

        List<String> stop = stopSequences(body);
        Double temperature = Fields.optionalNumber(body, "temperature", "temperature", 0, 1);
        Double topP = Fields.optionalNumber(body, "top_p", "top_p", 0, 1);
        Integer topK = Fields.optionalInt(body, "top_k", "top_k");
        if (topK != null && topK < 0) {
            throw invalid("top_k", "must be 0 or more, got " + topK);
        }
        ReasoningOptions reasoning = thinking(body, maxTokens);
        ResponseFormat format = outputFormat(body);

        String user = null;
        ObjectNode metadata = Fields.optionalObject(body, "metadata", "metadata");
        if (metadata != null) {
            user = Fields.optionalString(metadata, "user_id", "metadata.user_id");
        }
        Boolean stream = Fields.optionalBoolean(body, "stream", "stream");

        ChatRequest chat = new ChatRequest(model, system, messages, tools, toolChoice, maxTokens, temperature, topP,
                topK, stop, null, null, null, format, reasoning, user, null);
        return new ProxyRequest(chat, RoutingRequest.of(model), Boolean.TRUE.equals(stream), true, body);
    }

    private static List<ToolDefinition> tools(ObjectNode body) {
        JsonNode node = Fields.optionalArray(body, "tools", "tools");
        if (node == null) {
            return List.of();
        }
        List<ToolDefinition> tools = new ArrayList<>(node.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "tools." + i;
            ObjectNode tool = Fields.object(node.get(i), path);
            String type = Fields.optionalString(tool, "type", path(path, "type"));
            if (type != null && !"custom".equals(type)) {
                throw invalid(path(path, "type"), "server tool '" + type + "' is not supported by this gateway; "
                        + "define your own tool with name, description and input_schema instead");
            }
            String namePath = path(path, "name");
            String name = Fields.requiredString(tool, "name", namePath);
            if (!TOOL_NAME.matcher(name).matches()) {
                throw invalid(namePath, "String should match pattern '^[a-zA-Z0-9_-]{1,64}$' (letters, digits, _ "
                        + "and -, at most 64), got '" + name + "'");
            }
            if (!names.add(name)) {
                throw invalid(namePath, "tool names must be unique; '" + name + "' is defined twice");
            }
            String description = Fields.optionalString(tool, "description", path(path, "description"));
            String schemaPath = path(path, "input_schema");
            ObjectNode schema = Fields.requiredObject(tool, "input_schema", schemaPath);
            JsonNode schemaType = schema.get("type");
            if (schemaType == null || !"object".equals(schemaType.asText())) {
                throw invalid(path(schemaPath, "type"), "the input_schema of a tool must be a JSON Schema with "
                        + "\"type\": \"object\"");
            }
            Boolean strict = Fields.optionalBoolean(tool, "strict", path(path, "strict"));
            tools.add(new ToolDefinition(name, description, schema, Boolean.TRUE.equals(strict)));
        }
        return List.copyOf(tools);
    }

    private static ToolChoice toolChoice(ObjectNode body, List<ToolDefinition> tools) {
        ObjectNode choice = Fields.optionalObject(body, "tool_choice", "tool_choice");
        if (choice == null) {
            return null;
        }
        String type = Fields.requiredString(choice, "type", "tool_choice.type");
        Boolean disable = Fields.optionalBoolean(choice, "disable_parallel_tool_use",
                "tool_choice.disable_parallel_tool_use");
        boolean parallel = !Boolean.TRUE.equals(disable);
        if (!"none".equals(type) && tools.isEmpty()) {
            throw invalid("tool_choice", "tool_choice may only be specified while providing tools");
        }
        return switch (type) {
            case "auto" -> new ToolChoice.Auto(parallel);
            case "any" -> new ToolChoice.Required(parallel);
            case "none" -> new ToolChoice.None();
            case "tool" -> {
                String name = Fields.requiredString(choice, "name", "tool_choice.name");
                if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                    throw invalid("tool_choice.name", "no tool named '" + name + "' is defined in tools");
                }
                yield new ToolChoice.Named(name);
            }
            default -> throw invalid("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none', got '"
                    + type + "'");
        };
    }

    private static List<String> stopSequences(ObjectNode body) {
        JsonNode node = Fields.optionalArray(body, "stop_sequences", "stop_sequences");
        if (node == null) {
            return List.of();
        }
        List<String> stop = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual()) {
                throw invalid("stop_sequences." + i, "Input should be a valid string, not " + Fields.kind(item));
            }
            stop.add(item.textValue());
        }
        return List.copyOf(stop);
    }

    private static ReasoningOptions thinking(ObjectNode body, int maxTokens) {
        ObjectNode thinking = Fields.optionalObject(body, "thinking", "thinking");
        if (thinking == null) {
            return null;
        }
        String type = Fields.requiredString(thinking, "type", "thinking.type");
        return switch (type) {
            case "disabled" -> null;
            case "enabled" -> {
                Integer budget = Fields.optionalInt(thinking, "budget_tokens", "thinking.budget_tokens");
                if (budget == null) {
                    throw invalid("thinking.budget_tokens", "Field required when thinking is enabled, e.g. "
                            + "\"budget_tokens\": 2048");
                }
                if (budget < MIN_THINKING_BUDGET) {
                    throw invalid("thinking.budget_tokens", "must be at least " + MIN_THINKING_BUDGET + ", got "
                            + budget);
                }
                if (budget >= maxTokens) {
                    throw invalid("thinking.budget_tokens", "must be less than max_tokens (" + maxTokens
                            + "), got " + budget + "; raise max_tokens or lower the budget");
                }
                yield new ReasoningOptions(null, budget, false);
            }
            default -> throw invalid("thinking.type", "Input should be 'enabled' or 'disabled', got '" + type + "'");
        };
    }

    private static ResponseFormat outputFormat(ObjectNode body) {
        ObjectNode format = null;
        String path = null;
        ObjectNode config = Fields.optionalObject(body, "output_config", "output_config");
        if (config != null) {
            format = Fields.optionalObject(config, "format", "output_config.format");
            path = "output_config.format";
        }
        if (format == null) {
            format = Fields.optionalObject(body, "output_format", "output_format");
            path = "output_format";
        }
        if (format == null) {
            return null;
        }
        String type = Fields.requiredString(format, "type", path + ".type");
        if (!"json_schema".equals(type)) {
            throw invalid(path + ".type", "Input should be 'json_schema', got '" + type + "'");
        }
        ObjectNode schema = Fields.requiredObject(format, "schema", path + ".schema");
        return new ResponseFormat.JsonSchema(null, schema, true);
    }
}
