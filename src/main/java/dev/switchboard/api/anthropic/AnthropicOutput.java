package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;

import java.math.BigDecimal;
import java.util.Map;

/** What the whole-message and the streamed answers share: stop reasons, usage objects and JSON writing. */
final class AnthropicOutput {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Anthropic's own stop reasons, each with the neutral reason it means. */
    private static final Map<String, FinishReason> NATIVE = Map.of(
            "end_turn", FinishReason.STOP,
            "stop_sequence", FinishReason.STOP,
            "pause_turn", FinishReason.STOP,
            "max_tokens", FinishReason.LENGTH,
            "model_context_window_exceeded", FinishReason.LENGTH,
            "tool_use", FinishReason.TOOL_CALLS,
            "refusal", FinishReason.CONTENT_FILTER);

    private AnthropicOutput() {
    }

    /**
     * The stop_reason for a neutral finish reason. When the provider's own word is an Anthropic stop reason that
     * means the same (stop_sequence, pause_turn, model_context_window_exceeded from a Claude upstream), it is kept;
     * another provider's words ("stop", "length") become the Anthropic equivalent. ERROR and an unknown reason read
     * as end_turn: a response that reached an encoder is a completed one, and the proxy turns provider failures
     * into error responses before it gets here.
     */
    static String stopReason(FinishReason reason, String nativeReason) {
        if (reason != null && nativeReason != null && NATIVE.get(nativeReason) == reason) {
            return nativeReason;
        }
        return switch (reason) {
            case LENGTH -> "max_tokens";
            case TOOL_CALLS -> "tool_use";
            case CONTENT_FILTER -> "refusal";
            case STOP, ERROR -> "end_turn";
            case null -> "end_turn";
        };
    }

    /** Anthropic's input_tokens leaves cached tokens out; ours counts them in. */
    static ObjectNode usage(Usage usage, BigDecimal cost) {
        Usage u = usage == null ? Usage.NONE : usage;
        ObjectNode node = JSON.createObjectNode();
        node.put("input_tokens", Math.max(0, u.inputTokens() - u.cacheReadTokens() - u.cacheWriteTokens()));
        node.put("output_tokens", u.outputTokens());
        node.put("cache_creation_input_tokens", u.cacheWriteTokens());
        node.put("cache_read_input_tokens", u.cacheReadTokens());
        if (cost != null) {
            node.put("cost", cost);
        }
        return node;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write a JSON tree", e);
        }
    }
}
