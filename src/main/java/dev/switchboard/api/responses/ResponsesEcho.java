package dev.switchboard.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ToolDefinition;

import static dev.switchboard.api.responses.ResponsesJson.NODES;

/**
 * The request's settings as every response object repeats them ({@code instructions}, {@code tools},
 * {@code tool_choice}, {@code temperature}...): OpenAI's clients read them back, and its SDKs require several.
 * Values are what the gateway applied: a setting the caller left out is null (the provider's default applies), except
 * where OpenAI has a fixed default ({@code tool_choice} "auto", {@code parallel_tool_calls} true, text format "text").
 * Built from a body the ingress has already validated.
 */
record ResponsesEcho(String instructions, ArrayNode tools, JsonNode toolChoice, boolean parallelToolCalls,
                     Double temperature, Double topP, Integer maxOutputTokens, ObjectNode text, ObjectNode reasoning,
                     ObjectNode metadata, String user) {

    static ResponsesEcho of(ProxyRequest request) {
        ObjectNode body = request.body();
        ChatRequest chat = request.chat();
        ArrayNode tools = NODES.arrayNode();
        for (ToolDefinition tool : chat.tools()) {
            ObjectNode node = tools.addObject();
            node.put("type", "function");
            node.put("name", tool.name());
            node.put("description", tool.description());
            if (tool.parameters() == null) {
                node.putNull("parameters");
            } else {
                node.set("parameters", tool.parameters());
            }
            node.put("strict", tool.strict());
        }
        JsonNode toolChoice = present(body.get("tool_choice")) ? body.get("tool_choice") : NODES.textNode("auto");
        JsonNode parallel = body.get("parallel_tool_calls");
        ObjectNode text = present(body.get("text")) ? ((ObjectNode) body.get("text")).deepCopy() : NODES.objectNode();
        if (!present(text.get("format"))) {
            text.putObject("format").put("type", "text");
        }
        ObjectNode reasoning = NODES.objectNode();
        JsonNode given = body.get("reasoning");
        reasoning.set("effort", present(given) ? given.path("effort").isTextual() ? given.get("effort")
                : NODES.nullNode() : NODES.nullNode());
        reasoning.set("summary", present(given) && given.path("summary").isTextual() ? given.get("summary")
                : NODES.nullNode());
        ObjectNode metadata = NODES.objectNode();
        chat.metadata().forEach(metadata::put);
        JsonNode instructions = body.get("instructions");
        return new ResponsesEcho(present(instructions) ? instructions.textValue() : null, tools, toolChoice,
                parallel == null || !parallel.isBoolean() || parallel.booleanValue(), chat.temperature(), chat.topP(),
                chat.maxTokens(), text, reasoning, metadata, chat.user());
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }
}
