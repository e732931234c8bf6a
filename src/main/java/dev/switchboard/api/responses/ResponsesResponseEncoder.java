package dev.switchboard.api.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;

import java.math.BigDecimal;
import java.time.Instant;

import static dev.switchboard.api.responses.ResponsesJson.NODES;

/**
 * A whole answer as an OpenAI Responses API {@code response} object, with the gateway's additions: {@code provider}
 * (who served it) and {@code usage.cost} (USD). The same object, in progress or finished, opens and closes a stream.
 */
final class ResponsesResponseEncoder {

    private ResponsesResponseEncoder() {
    }

    static byte[] encode(ChatResponse answer, Served served, ResponsesEcho echo, boolean excludeReasoning) {
        ArrayNode output = NODES.arrayNode();
        ObjectNode message = null;
        for (ContentPart part : answer.content()) {
            switch (part) {
                case ContentPart.Text t -> {
                    if (message == null) {
                        message = message(ResponsesJson.itemId("msg", served.generationId(), output.size()),
                                "completed");
                        output.add(message);
                    }
                    ((ArrayNode) message.get("content")).add(outputText(t.text()));
                }
                case ContentPart.Reasoning r when r.text() != null && !excludeReasoning -> {
                    message = null;
                    output.add(reasoning(ResponsesJson.itemId("rs", served.generationId(), output.size()),
                            r.text()));
                }
                case ContentPart.ToolCall call -> {
                    message = null;
                    output.add(functionCall(ResponsesJson.itemId("fc", served.generationId(), output.size()),
                            call.id(), call.name(), call.arguments() == null || call.arguments().isEmpty() ? "{}"
                                    : call.arguments(), "completed"));
                }
                default -> {
                    // images, tool results and redacted reasoning have no place in a Responses answer
                }
            }
        }
        Terminal terminal = Terminal.of(answer.finishReason());
        return ResponsesJson.write(response(echo, served, terminal.status(), output, usage(answer.usage(),
                served.cost()), terminal));
    }

    /** How a response ended: its status, and the details that go with an incomplete or failed one. */
    record Terminal(String status, String incompleteReason, String errorCode, String errorMessage) {

        static final Terminal IN_PROGRESS = new Terminal("in_progress", null, null, null);

        static Terminal of(FinishReason reason) {
            return switch (reason) {
                case LENGTH -> new Terminal("incomplete", "max_output_tokens", null, null);
                case CONTENT_FILTER -> new Terminal("incomplete", "content_filter", null, null);
                case ERROR -> new Terminal("failed", null, "server_error", "The provider ended the generation with "
                        + "an error; a retry may help.");
                case null, default -> new Terminal("completed", null, null, null);
            };
        }
    }

    /**
     * The response object: the answer's output and usage (null while a stream runs) and the request's settings.
     * Every field OpenAI's SDKs require is present, null where it has no value.
     */
    static ObjectNode response(ResponsesEcho echo, Served served, String status, ArrayNode output, ObjectNode usage,
                               Terminal terminal) {
        ObjectNode root = NODES.objectNode();
        root.put("id", ResponsesJson.responseId(served.generationId()));
        root.put("object", "response");
        root.put("created_at", served.created());
        root.put("status", status);
        if (status.equals("completed")) {
            root.put("completed_at", Instant.now().getEpochSecond());
        } else {
            root.putNull("completed_at");
        }
        if (terminal.errorCode() != null) {
            ObjectNode error = root.putObject("error");
            error.put("code", terminal.errorCode());
            error.put("message", terminal.errorMessage());
        } else {
            root.putNull("error");
        }
        if (terminal.incompleteReason() != null) {
            root.putObject("incomplete_details").put("reason", terminal.incompleteReason());
        } else {
            root.putNull("incomplete_details");
        }
        root.put("instructions", echo.instructions());
        root.put("max_output_tokens", echo.maxOutputTokens());
        root.put("model", served.model());
        root.put("provider", served.provider());
        root.set("output", output);
        root.put("parallel_tool_calls", echo.parallelToolCalls());
        root.putNull("previous_response_id");
        root.set("reasoning", echo.reasoning());
        root.put("store", false);
        root.put("background", false);
        root.put("temperature", echo.temperature());
        root.put("top_p", echo.topP());
        root.set("text", echo.text());
        root.set("tool_choice", echo.toolChoice());
        root.set("tools", echo.tools());
        root.put("truncation", "disabled");
        if (usage == null) {
            root.putNull("usage");
        } else {
            root.set("usage", usage);
        }
        root.put("user", echo.user());
        root.set("metadata", echo.metadata());
        return root;
    }

    static ObjectNode message(String id, String status) {
        ObjectNode item = NODES.objectNode();
        item.put("id", id);
        item.put("type", "message");
        item.put("status", status);
        item.put("role", "assistant");
        item.putArray("content");
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = NODES.objectNode();
        part.put("type", "output_text");
        part.put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    /** The model's reasoning as a summary: what OpenAI shows of its own models' reasoning, and what clients render. */
    static ObjectNode reasoning(String id, String text) {
        ObjectNode item = NODES.objectNode();
        item.put("id", id);
        item.put("type", "reasoning");
        ArrayNode summary = item.putArray("summary");
        if (text != null) {
            summary.add(summaryText(text));
        }
        return item;
    }

    static ObjectNode summaryText(String text) {
        ObjectNode part = NODES.objectNode();
        part.put("type", "summary_text");
        part.put("text", text);
        return part;
    }

    static ObjectNode functionCall(String id, String callId, String name, String arguments, String status) {
        ObjectNode item = NODES.objectNode();
        item.put("id", id);
        item.put("type", "function_call");
        item.put("status", status);
        item.put("call_id", callId);
        item.put("name", name);
        item.put("arguments", arguments == null ? "" : arguments);
        return item;
    }

    /** OpenAI's usage object, with the gateway's {@code cost} in USD when it is known. */
    static ObjectNode usage(Usage usage, BigDecimal cost) {
        Usage u = usage == null ? Usage.NONE : usage;
        ObjectNode node = NODES.objectNode();
        node.put("input_tokens", u.inputTokens());
        ObjectNode input = node.putObject("input_tokens_details");
        input.put("cached_tokens", u.cacheReadTokens());
        input.put("cache_write_tokens", u.cacheWriteTokens());
        node.put("output_tokens", u.outputTokens());
        node.putObject("output_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        node.put("total_tokens", u.totalTokens());
        if (cost != null) {
            node.put("cost", cost);
        }
        return node;
    }
}
