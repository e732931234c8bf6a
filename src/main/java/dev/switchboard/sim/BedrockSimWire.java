package dev.switchboard.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Bedrock Converse as the real service writes it: the JSON answer, and ConverseStream's binary event stream, each
 * event a frame encoded with the AWS event-stream library ({@code :event-type}, {@code :content-type},
 * {@code :message-type} headers, a JSON payload padded with a {@code p} member as Bedrock pads it); and the
 * {@code chunk} frames in which InvokeModelWithResponseStream carries Claude's own stream events.
 */
final class BedrockSimWire {

    static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    /** Bedrock pads each event payload with a prefix of this alphabet, of varying length. */
    private static final String PADDING = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private BedrockSimWire() {
    }

    static String stopReason(SimReply.Finish finish) {
        return switch (finish) {
            case STOP -> "end_turn";
            case LENGTH -> "max_tokens";
            case TOOL_CALL -> "tool_use";
        };
    }

    /** Token counts; input excludes what was read from or written to the prompt cache. */
    record Usage(int inputTokens, int cacheReadTokens, int cacheWriteTokens, boolean caching) {
        ObjectNode json(int outputTokens) {
            ObjectNode usage = SimRuntime.JSON.createObjectNode();
            usage.put("inputTokens", inputTokens);
            usage.put("outputTokens", outputTokens);
            usage.put("totalTokens", inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens);
            if (caching) {
                usage.put("cacheReadInputTokens", cacheReadTokens);
                usage.put("cacheWriteInputTokens", cacheWriteTokens);
            }
            return usage;
        }
    }

    /** {@code {"message": ...}}, the body of every Bedrock error (its type is in the x-amzn-ErrorType header). */
    static ObjectNode error(String message) {
        return SimRuntime.JSON.createObjectNode().put("message", message);
    }

    /** The x-amzn-ErrorType header value, with the namespace suffix the service adds. */
    static String errorTypeHeader(String type) {
        boolean coral = type.endsWith("SignatureException") || type.equals("UnrecognizedClientException")
                || type.equals("MissingAuthenticationTokenException");
        return type + ":http://internal.amazon.com/coral/" + (coral ? "com.amazon.coral.service/"
                : "com.amazon.bedrock/");
    }

    static ObjectNode converse(SimReply reply, Usage usage, String toolUseId, long latencyMs) {
        ObjectNode root = SimRuntime.JSON.createObjectNode();
        ObjectNode message = root.putObject("output").putObject("message");
        message.put("role", "assistant");
        ArrayNode content = message.putArray("content");
        if (!reply.thinking().isEmpty()) {
            content.addObject().putObject("reasoningContent").putObject("reasoningText")
                    .put("text", reply.joinedThinking()).put("signature", reply.thinkingSignature());
        }
        if (reply.toolCall() != null) {
            ObjectNode toolUse = content.addObject().putObject("toolUse");
            toolUse.put("toolUseId", toolUseId).put("name", reply.toolCall().name());
            toolUse.set("input", parse(reply.toolCall().arguments()));
        } else if (!reply.text().isEmpty() || reply.thinking().isEmpty()) {
            content.addObject().put("text", reply.joinedText());
        }
        root.put("stopReason", stopReason(reply.finish()));
        root.set("usage", usage.json(reply.outputTokens()));
        root.putObject("metrics").put("latencyMs", latencyMs);
        return root;
    }

    /**
     * The events of a reply: messageStart; reasoning deltas (one token each) and the signature; a toolUse block
     * opened by contentBlockStart with its input in fragments, or text deltas; contentBlockStop after each block;
     * messageStop; metadata with usage and metrics. Only tool blocks have a start event, as on Bedrock.
     */
    static List<SimFrame> events(SimReply reply, Usage usage, String toolUseId, long latencyMs,
                                 SplittableRandom padding) {
        List<SimFrame> frames = new ArrayList<>();
        frames.add(SimFrame.framing(event("messageStart", SimRuntime.JSON.createObjectNode().put("role", "assistant"),
                padding)));
        int index = 0;
        if (!reply.thinking().isEmpty()) {
            for (String token : reply.thinking()) {
                ObjectNode delta = SimRuntime.JSON.createObjectNode();
                delta.putObject("reasoningContent").put("text", token);
                frames.add(delta(index, delta, padding));
            }
            ObjectNode signature = SimRuntime.JSON.createObjectNode();
            signature.putObject("reasoningContent").put("signature", reply.thinkingSignature());
            frames.add(SimFrame.framing(event("contentBlockDelta", blockDelta(index, signature), padding)));
            frames.add(blockStop(index++, padding));
        }
        if (reply.toolCall() != null) {
            ObjectNode start = SimRuntime.JSON.createObjectNode().put("contentBlockIndex", index);
            start.putObject("start").putObject("toolUse").put("toolUseId", toolUseId)
                    .put("name", reply.toolCall().name());
            frames.add(SimFrame.framing(event("contentBlockStart", start, padding)));
            for (String fragment : reply.toolCall().fragments()) {
                ObjectNode delta = SimRuntime.JSON.createObjectNode();
                delta.putObject("toolUse").put("input", fragment);
                frames.add(delta(index, delta, padding));
            }
            frames.add(blockStop(index, padding));
        } else if (!reply.text().isEmpty() || reply.thinking().isEmpty()) {
            for (String token : reply.text()) {
                frames.add(delta(index, SimRuntime.JSON.createObjectNode().put("text", token), padding));
            }
            frames.add(blockStop(index, padding));
        }
        frames.add(SimFrame.framing(event("messageStop", SimRuntime.JSON.createObjectNode()
                .put("stopReason", stopReason(reply.finish())), padding)));
        ObjectNode metadata = SimRuntime.JSON.createObjectNode();
        metadata.set("usage", usage.json(reply.outputTokens()));
        metadata.putObject("metrics").put("latencyMs", latencyMs);
        frames.add(SimFrame.framing(event("metadata", metadata, padding)));
        return frames;
    }

    /**
     * InvokeModelWithResponseStream's frames for Claude: each Anthropic stream event a {@code chunk} event whose
     * payload is {@code {"bytes": base64 of the event's JSON, "p": padding}}. Bedrock passes no pings on, and adds
     * its invocation metrics to message_stop.
     */
    static List<SimFrame> chunks(List<AnthropicSimWire.StreamEvent> events, ObjectNode invocationMetrics,
                                 SplittableRandom padding) {
        List<SimFrame> frames = new ArrayList<>();
        for (AnthropicSimWire.StreamEvent event : events) {
            if (event.type().equals("ping")) {
                continue;
            }
            ObjectNode data = event.data();
            if (event.type().equals("message_stop")) {
                data = data.deepCopy();
                data.set("amazon-bedrock-invocationMetrics", invocationMetrics);
            }
            ObjectNode payload = SimRuntime.JSON.createObjectNode().put("bytes", Base64.getEncoder()
                    .encodeToString(data.toString().getBytes(StandardCharsets.UTF_8)));
            String json = withPadding(payload, padding).toString();
            Buffer bytes = frame(eventHeaders("chunk"), json.getBytes(StandardCharsets.UTF_8));
            // the malformed twin: a sound frame whose payload JSON is cut in half
            frames.add(event.tokens() == 0 ? SimFrame.framing(bytes) : new SimFrame(bytes, event.tokens(),
                    frame(eventHeaders("chunk"),
                            json.substring(0, json.length() / 2).getBytes(StandardCharsets.UTF_8))));
        }
        return frames;
    }

    /** The {@code amazon-bedrock-invocationMetrics} of a streamed Claude answer. */
    static ObjectNode invocationMetrics(int inputTokens, int outputTokens, long latencyMs, long firstByteMs) {
        return SimRuntime.JSON.createObjectNode().put("inputTokenCount", inputTokens)
                .put("outputTokenCount", outputTokens).put("invocationLatency", latencyMs)
                .put("firstByteLatency", firstByteMs);
    }

    /** An exception frame, as ConverseStream ends a stream that fails after it began. */
    static Buffer exception(String exceptionType, ObjectNode body) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":exception-type", HeaderValue.fromString(exceptionType));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("exception"));
        return frame(headers, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static SimFrame delta(int index, ObjectNode delta, SplittableRandom padding) {
        ObjectNode payload = blockDelta(index, delta);
        String json = withPadding(payload, padding).toString();
        // the malformed twin: the same frame, sound framing and checksums, its JSON cut in half
        return new SimFrame(frame(eventHeaders("contentBlockDelta"), json.getBytes(StandardCharsets.UTF_8)), 1,
                frame(eventHeaders("contentBlockDelta"),
                        json.substring(0, json.length() / 2).getBytes(StandardCharsets.UTF_8)));
    }

    private static SimFrame blockStop(int index, SplittableRandom padding) {
        return SimFrame.framing(event("contentBlockStop", SimRuntime.JSON.createObjectNode()
                .put("contentBlockIndex", index), padding));
    }

    private static ObjectNode blockDelta(int index, ObjectNode delta) {
        ObjectNode event = SimRuntime.JSON.createObjectNode().put("contentBlockIndex", index);
        event.set("delta", delta);
        return event;
    }

    private static Buffer event(String type, ObjectNode payload, SplittableRandom padding) {
        return frame(eventHeaders(type), withPadding(payload, padding).toString().getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode withPadding(ObjectNode payload, SplittableRandom padding) {
        return payload.put("p", PADDING.substring(0, 1 + padding.nextInt(PADDING.length())));
    }

    private static Map<String, HeaderValue> eventHeaders(String type) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        return headers;
    }

    private static Buffer frame(Map<String, HeaderValue> headers, byte[] payload) {
        ByteBuffer bytes = new Message(headers, payload).toByteBuffer();
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        return Buffer.buffer(out);
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return SimRuntime.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
