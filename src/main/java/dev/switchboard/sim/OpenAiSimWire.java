package dev.switchboard.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/** OpenAI Chat Completions JSON as the real API writes it: errors, completions, stream chunks. */
final class OpenAiSimWire {

    static final String FINGERPRINT = "fp_5im0a1c0de";

    private OpenAiSimWire() {
    }

    /** {@code {"error":{"message","type","param","code"}}}. */
    static ObjectNode error(String message, String type, String param, String code) {
        ObjectNode root = SimRuntime.JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }

    static String finishReason(SimReply.Finish finish) {
        return switch (finish) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_CALL -> "tool_calls";
        };
    }

    /** Everything a response or chunk repeats. */
    record Head(String id, long created, String model) {
        ObjectNode object(String kind) {
            ObjectNode o = SimRuntime.JSON.createObjectNode();
            o.put("id", id);
            o.put("object", kind);
            o.put("created", created);
            o.put("model", model);
            o.put("service_tier", "default");
            o.put("system_fingerprint", FINGERPRINT);
            return o;
        }
    }

    static ObjectNode usage(int promptTokens, int cachedTokens, SimReply reply) {
        ObjectNode usage = SimRuntime.JSON.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", reply.outputTokens());
        usage.put("total_tokens", promptTokens + reply.outputTokens());
        ObjectNode prompt = usage.putObject("prompt_tokens_details");
        prompt.put("cached_tokens", cachedTokens);
        prompt.put("audio_tokens", 0);
        ObjectNode completion = usage.putObject("completion_tokens_details");
        completion.put("reasoning_tokens", 0);
        completion.put("audio_tokens", 0);
        completion.put("accepted_prediction_tokens", 0);
        completion.put("rejected_prediction_tokens", 0);
        return usage;
    }

    static ObjectNode completion(Head head, SimReply reply, ObjectNode usage, String toolCallId) {
        ObjectNode root = head.object("chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (reply.toolCall() != null) {
            message.putNull("content");
            ObjectNode call = message.putArray("tool_calls").addObject();
            call.put("id", toolCallId);
            call.put("type", "function");
            call.putObject("function").put("name", reply.toolCall().name())
                    .put("arguments", reply.toolCall().arguments());
        } else {
            message.put("content", reply.joinedText());
        }
        message.putNull("refusal");
        message.putArray("annotations");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(reply.finish()));
        root.set("usage", usage);
        return root;
    }

    /**
     * The stream of a reply: a first chunk with the role (and the tool call's id and name), one chunk per token or
     * argument fragment, a chunk with the finish reason, the usage chunk when asked for, and {@code [DONE]}.
     */
    static List<SimFrame> chunks(Head head, SimReply reply, ObjectNode usage, boolean includeUsage,
            String toolCallId) {
        List<SimFrame> frames = new ArrayList<>();
        ObjectNode first = SimRuntime.JSON.createObjectNode();
        first.put("role", "assistant");
        if (reply.toolCall() != null) {
            first.putNull("content");
            ObjectNode call = first.putArray("tool_calls").addObject();
            call.put("index", 0);
            call.put("id", toolCallId);
            call.put("type", "function");
            call.putObject("function").put("name", reply.toolCall().name()).put("arguments", "");
        } else {
            first.put("content", "");
        }
        first.putNull("refusal");
        frames.add(SimFrame.framing(data(chunk(head, first, null, includeUsage).toString())));
        if (reply.toolCall() != null) {
            for (String fragment : reply.toolCall().fragments()) {
                ObjectNode delta = SimRuntime.JSON.createObjectNode();
                ObjectNode call = delta.putArray("tool_calls").addObject();
                call.put("index", 0);
                call.putObject("function").put("arguments", fragment);
                frames.add(content(chunk(head, delta, null, includeUsage).toString()));
            }
        } else {
            for (String token : reply.text()) {
                ObjectNode delta = SimRuntime.JSON.createObjectNode().put("content", token);
                frames.add(content(chunk(head, delta, null, includeUsage).toString()));
            }
        }
        frames.add(SimFrame.framing(data(chunk(head, SimRuntime.JSON.createObjectNode(),
                finishReason(reply.finish()), includeUsage).toString())));
        if (includeUsage) {
            ObjectNode last = head.object("chat.completion.chunk");
            last.putArray("choices");
            last.set("usage", usage);
            frames.add(SimFrame.framing(data(last.toString())));
        }
        frames.add(SimFrame.framing(data("[DONE]")));
        return frames;
    }

    /** Mistral's stream: OpenAI's chunks, the finishing one carrying the usage, no separate usage chunk. */
    static List<SimFrame> mistralChunks(Head head, SimReply reply, ObjectNode usage, String toolCallId) {
        List<SimFrame> frames = new java.util.ArrayList<>(chunks(head, reply, usage, false, toolCallId));
        int finish = frames.size() - 2; // before [DONE]
        ObjectNode last = head.object("chat.completion.chunk");
        ObjectNode choice = last.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.put("finish_reason", finishReason(reply.finish()));
        last.set("usage", usage);
        frames.set(finish, SimFrame.framing(data(last.toString())));
        return frames;
    }

    /** What OpenAI sends when a stream fails after it began: an error object as a data line, no {@code [DONE]}. */
    static Buffer streamError() {
        return data(error("The server had an error while processing your request. Sorry about that!",
                "server_error", null, null).toString());
    }

    private static ObjectNode chunk(Head head, ObjectNode delta, String finishReason, boolean includeUsage) {
        ObjectNode root = head.object("chat.completion.chunk");
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (includeUsage) {
            root.putNull("usage");
        }
        return root;
    }

    private static SimFrame content(String json) {
        return new SimFrame(data(json), 1, data(json.substring(0, json.length() / 2)));
    }

    static Buffer data(String payload) {
        return Buffer.buffer("data: " + payload + "\n\n");
    }
}
