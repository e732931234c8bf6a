package dev.switchboard.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/** Anthropic Messages JSON as the real API writes it: errors, messages, and the SSE event sequence. */
final class AnthropicSimWire {

    private AnthropicSimWire() {
    }

    /** {@code {"type":"error","error":{"type","message"},"request_id"}}. */
    static ObjectNode error(String type, String message, String requestId) {
        ObjectNode root = SimRuntime.JSON.createObjectNode();
        root.put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        if (requestId != null) {
            root.put("request_id", requestId);
        }
        return root;
    }

    static String stopReason(SimReply.Finish finish) {
        return switch (finish) {
            case STOP -> "end_turn";
            case LENGTH -> "max_tokens";
            case TOOL_CALL -> "tool_use";
        };
    }

    /** Token counts of one answer; input tokens exclude what was read from or written to the prompt cache. */
    record Usage(int inputTokens, int cacheReadTokens, int cacheWriteTokens) {
        ObjectNode json(int outputTokens) {
            ObjectNode usage = SimRuntime.JSON.createObjectNode();
            usage.put("input_tokens", inputTokens);
            usage.put("cache_creation_input_tokens", cacheWriteTokens);
            usage.put("cache_read_input_tokens", cacheReadTokens);
            ObjectNode creation = usage.putObject("cache_creation");
            creation.put("ephemeral_5m_input_tokens", cacheWriteTokens);
            creation.put("ephemeral_1h_input_tokens", 0);
            usage.put("output_tokens", outputTokens);
            usage.put("service_tier", "standard");
            return usage;
        }
    }

    static ObjectNode message(String id, String model, SimReply reply, Usage usage, String toolUseId) {
        ObjectNode root = SimRuntime.JSON.createObjectNode();
        root.put("id", id);
        root.put("type", "message");
        root.put("role", "assistant");
        root.put("model", model);
        ArrayNode content = root.putArray("content");
        if (!reply.thinking().isEmpty()) {
            content.addObject().put("type", "thinking").put("thinking", reply.joinedThinking())
                    .put("signature", reply.thinkingSignature());
        }
        if (reply.toolCall() != null) {
            ObjectNode toolUse = content.addObject().put("type", "tool_use").put("id", toolUseId)
                    .put("name", reply.toolCall().name());
            toolUse.putObject("caller").put("type", "direct");
            try {
                toolUse.set("input", SimRuntime.JSON.readTree(reply.toolCall().arguments()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        } else if (!reply.text().isEmpty() || reply.thinking().isEmpty()) {
            content.addObject().put("type", "text").put("text", reply.joinedText()).putNull("citations");
        }
        root.put("stop_reason", stopReason(reply.finish()));
        root.putNull("stop_sequence");
        root.set("usage", usage.json(reply.outputTokens()));
        return root;
    }

    /** One event of a Messages stream: its type, its JSON, and the output tokens it carries (1 for a delta). */
    record StreamEvent(String type, ObjectNode data, int tokens) {
    }

    /** The SSE frames of a reply: {@link #streamEvents} as {@code event:}/{@code data:} pairs. */
    static List<SimFrame> events(String id, String model, SimReply reply, Usage usage, String toolUseId) {
        List<SimFrame> frames = new ArrayList<>();
        for (StreamEvent event : streamEvents(id, model, reply, usage, toolUseId)) {
            String json = event.data().toString();
            // the malformed twin of a token frame: the same event with its JSON cut in half
            frames.add(event.tokens() == 0 ? SimFrame.framing(event(event.type(), json))
                    : new SimFrame(event(event.type(), json), event.tokens(),
                    event(event.type(), json.substring(0, json.length() / 2))));
        }
        return frames;
    }

    /**
     * The event sequence of a reply: message_start, then per content block content_block_start (with a ping after the
     * first), its deltas (one token each) and content_block_stop, then message_delta and message_stop. Shared by
     * every host of Claude; each frames the events its own way.
     */
    static List<StreamEvent> streamEvents(String id, String model, SimReply reply, Usage usage, String toolUseId) {
        List<StreamEvent> events = new ArrayList<>();
        ObjectNode start = SimRuntime.JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = start.putObject("message");
        message.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", usage.json(1));
        events.add(framing(start));

        int index = 0;
        if (!reply.thinking().isEmpty()) {
            ObjectNode block = SimRuntime.JSON.createObjectNode().put("type", "thinking").put("thinking", "")
                    .put("signature", "");
            blockStart(events, index, block);
            for (String token : reply.thinking()) {
                events.add(delta(index, SimRuntime.JSON.createObjectNode().put("type", "thinking_delta")
                        .put("thinking", token)));
            }
            events.add(framing(blockDelta(index, SimRuntime.JSON.createObjectNode().put("type", "signature_delta")
                    .put("signature", reply.thinkingSignature()))));
            blockStop(events, index++);
        }
        if (reply.toolCall() != null) {
            ObjectNode block = SimRuntime.JSON.createObjectNode().put("type", "tool_use").put("id", toolUseId)
                    .put("name", reply.toolCall().name());
            block.putObject("input");
            block.putObject("caller").put("type", "direct");
            blockStart(events, index, block);
            events.add(framing(blockDelta(index, SimRuntime.JSON.createObjectNode().put("type", "input_json_delta")
                    .put("partial_json", ""))));
            for (String fragment : reply.toolCall().fragments()) {
                events.add(delta(index, SimRuntime.JSON.createObjectNode().put("type", "input_json_delta")
                        .put("partial_json", fragment)));
            }
            blockStop(events, index);
        } else if (!reply.text().isEmpty() || reply.thinking().isEmpty()) {
            blockStart(events, index, SimRuntime.JSON.createObjectNode().put("type", "text").put("text", ""));
            for (String token : reply.text()) {
                events.add(delta(index, SimRuntime.JSON.createObjectNode().put("type", "text_delta")
                        .put("text", token)));
            }
            blockStop(events, index);
        }

        ObjectNode messageDelta = SimRuntime.JSON.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", stopReason(reply.finish())).putNull("stop_sequence");
        ObjectNode finalUsage = usage.json(reply.outputTokens());
        finalUsage.remove("service_tier");
        finalUsage.remove("cache_creation");
        messageDelta.set("usage", finalUsage);
        events.add(framing(messageDelta));
        events.add(framing(SimRuntime.JSON.createObjectNode().put("type", "message_stop")));
        return events;
    }

    /** How Anthropic ends a stream that fails after it began. */
    static Buffer overloadedEvent(String requestId) {
        return event("error", error("overloaded_error", "Overloaded", requestId));
    }

    private static StreamEvent framing(ObjectNode data) {
        return new StreamEvent(data.path("type").asText(), data, 0);
    }

    private static void blockStart(List<StreamEvent> events, int index, ObjectNode block) {
        ObjectNode start = SimRuntime.JSON.createObjectNode().put("type", "content_block_start").put("index", index);
        start.set("content_block", block);
        events.add(framing(start));
        if (index == 0) {
            events.add(framing(SimRuntime.JSON.createObjectNode().put("type", "ping")));
        }
    }

    private static void blockStop(List<StreamEvent> events, int index) {
        events.add(framing(SimRuntime.JSON.createObjectNode().put("type", "content_block_stop").put("index", index)));
    }

    private static ObjectNode blockDelta(int index, ObjectNode delta) {
        ObjectNode event = SimRuntime.JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        return event;
    }

    private static StreamEvent delta(int index, ObjectNode delta) {
        return new StreamEvent("content_block_delta", blockDelta(index, delta), 1);
    }

    static Buffer event(String name, ObjectNode data) {
        return event(name, data.toString());
    }

    private static Buffer event(String name, String data) {
        return Buffer.buffer("event: " + name + "\ndata: " + data + "\n\n");
    }
}
