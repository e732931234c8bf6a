package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;

import java.io.IOException;

/**
 * A whole {@link ChatResponse} as a Messages API response body, as {@code client.messages().create(...)} reads it,
 * plus the gateway's additions: {@code provider} (who served it) and {@code usage.cost} (USD, when known).
 *
 * <h2>Decisions a caller may not expect</h2>
 * <ul>
 *   <li>{@code id} is the gateway's generation id, unchanged (no {@code msg_} prefix is added), so the id in the
 *   body, the {@code x-switchboard-generation-id} header and {@code GET /api/v1/generation?id=} are one value.</li>
 *   <li>Reasoning without an Anthropic signature (from another provider) is a thinking block with an empty
 *   signature, which the SDK requires as a string; sent back, it reads as unsigned and is not forwarded to
 *   Claude.</li>
 *   <li>Tool arguments that are not a JSON object (a provider produced broken JSON) are not replaced by an empty
 *   {@code {}}, which could run a tool with defaults the model never chose: the input becomes
 *   {@code {"_unparsed_arguments": "<the text as produced>"}}, which keeps them visible and fails a schema
 *   check.</li>
 *   <li>{@code stop_sequence} is always null: the neutral response does not say which sequence matched.</li>
 * </ul>
 */
public final class AnthropicResponseEncoder {

    static final String UNPARSED_ARGUMENTS = "_unparsed_arguments";

    private AnthropicResponseEncoder() {
    }

    /** @param excludeReasoning leave thinking blocks out (the caller asked for reasoning to be kept from it) */
    public static byte[] encode(ChatResponse response, Served served, boolean excludeReasoning) {
        ObjectNode body = AnthropicOutput.JSON.createObjectNode();
        body.put("id", served.generationId());
        body.put("type", "message");
        body.put("role", "assistant");
        body.put("model", served.model());
        body.put("provider", served.provider());
        ArrayNode content = body.putArray("content");
        for (ContentPart part : response.content()) {
            ObjectNode block = block(part, excludeReasoning);
            if (block != null) {
                content.add(block);
            }
        }
        body.put("stop_reason", AnthropicOutput.stopReason(response.finishReason(), response.nativeFinishReason()));
        body.putNull("stop_sequence");
        body.set("usage", AnthropicOutput.usage(response.usage(), served.cost()));
        return AnthropicOutput.bytes(body);
    }

    private static ObjectNode block(ContentPart part, boolean excludeReasoning) {
        ObjectNode block = AnthropicOutput.JSON.createObjectNode();
        switch (part) {
            case ContentPart.Text t -> {
                if (t.text().isEmpty()) {
                    return null;
                }
                block.put("type", "text").put("text", t.text());
            }
            case ContentPart.Reasoning r -> {
                if (excludeReasoning) {
                    return null;
                }
                if (r.redacted() != null) {
                    block.put("type", "redacted_thinking").put("data", r.redacted());
                } else {
                    block.put("type", "thinking").put("thinking", r.text() == null ? "" : r.text())
                            .put("signature", r.signature() == null ? "" : r.signature());
                }
            }
            case ContentPart.ToolCall c -> block.put("type", "tool_use").put("id", c.id()).put("name", c.name())
                    .set("input", toolInput(c.arguments()));
            // a response holds no images or tool results in the Messages API
            case ContentPart.Image i -> {
                return null;
            }
            case ContentPart.ToolResult r -> {
                return null;
            }
        }
        return block;
    }

    static ObjectNode toolInput(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return AnthropicOutput.JSON.createObjectNode();
        }
        try {
            JsonNode input = AnthropicOutput.JSON.readTree(arguments);
            if (input instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // kept as text below
        }
        return AnthropicOutput.JSON.createObjectNode().put(UNPARSED_ARGUMENTS, arguments);
    }
}
