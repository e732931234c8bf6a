package dev.switchboard.api.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;

import java.math.BigDecimal;

/**
 * A whole answer as an OpenAI {@code chat.completion} object, with OpenRouter's additions: {@code provider} (who
 * served it), {@code message.reasoning} (the model's reasoning as a string) and {@code usage.cost} (USD).
 */
public final class OpenAiResponseEncoder {

    /** Our own mapper: the wire shape must not change with the application's global Jackson settings. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN) // a cost of 0.0000012, never 1.2E-6
            .build();
    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private OpenAiResponseEncoder() {
    }

    public static byte[] encode(ChatResponse response, Served served, boolean excludeReasoning) {
        ObjectNode root = NODES.objectNode();
        root.put("id", served.generationId());
        root.put("object", "chat.completion");
        root.put("created", served.created());
        root.put("model", served.model());
        root.put("provider", served.provider());
        root.putNull("system_fingerprint");

        ObjectNode message = NODES.objectNode();
        message.put("role", "assistant");
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        StringBuilder reasoning = new StringBuilder();
        ArrayNode toolCalls = NODES.arrayNode();
        for (ContentPart part : response.content()) {
            switch (part) {
                case ContentPart.Text t -> {
                    text.append(t.text());
                    hasText = true;
                }
                case ContentPart.Reasoning r when r.text() != null -> reasoning.append(r.text());
                case ContentPart.ToolCall call -> toolCalls.add(toolCall(call));
                default -> {
                    // images, tool results and redacted reasoning have no place in a Chat Completions answer
                }
            }
        }
        // content is null only for an answer that is nothing but tool calls, as OpenAI sends it
        if (!hasText && !toolCalls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        message.putNull("refusal");
        if (!excludeReasoning && !reasoning.isEmpty()) {
            message.put("reasoning", reasoning.toString());
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }

        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(response.finishReason()));
        root.set("usage", usage(response.usage(), served.cost()));
        return write(root);
    }

    private static ObjectNode toolCall(ContentPart.ToolCall call) {
        ObjectNode node = NODES.objectNode();
        node.put("id", call.id());
        node.put("type", "function");
        ObjectNode function = node.putObject("function");
        function.put("name", call.name());
        function.put("arguments", call.arguments() == null || call.arguments().isEmpty() ? "{}" : call.arguments());
        return node;
    }

    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case null -> "stop";
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            case ERROR -> "error";
        };
    }

    /** OpenAI's usage object, with OpenRouter's {@code cost} in USD when it is known. */
    static ObjectNode usage(Usage usage, BigDecimal cost) {
        Usage u = usage == null ? Usage.NONE : usage;
        ObjectNode node = NODES.objectNode();
        node.put("prompt_tokens", u.inputTokens());
        node.put("completion_tokens", u.outputTokens());
        node.put("total_tokens", u.totalTokens());
        node.putObject("prompt_tokens_details").put("cached_tokens", u.cacheReadTokens());
        node.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        if (cost != null) {
            node.put("cost", cost);
        }
        return node;
    }

    static byte[] write(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }
}
