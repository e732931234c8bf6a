package dev.switchboard.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Gemini's JSON as Vertex AI and the Gemini API write it: GenerateContentResponse objects (whole, or one per SSE event
 * with only the new parts), usage metadata, and Google's error body. The two hosts differ in small ways, kept here:
 * Vertex adds {@code createTime}, {@code trafficType} and per-modality token details, the Gemini API numbers its
 * candidates.
 */
final class VertexSimWire {

    /** Tokens per stream chunk: Gemini sends a few words at a time, not one token per event. */
    static final int TOKENS_PER_CHUNK = 4;

    private VertexSimWire() {
    }

    /** Which host answers. */
    enum Host {
        VERTEX,
        GEMINI_API
    }

    /** What is the same in every chunk of one answer. */
    record Head(Host host, String model, String responseId, String createTime) {
    }

    /** The token counts of one answer; {@code candidates} excludes {@code thoughts}. */
    record Usage(int prompt, int cached, int candidates, int thoughts) {
    }

    /** {@code {"error":{"code","message","status"}}}, with {@code details} when given. */
    static ObjectNode error(int code, String message, String status, ObjectNode... details) {
        ObjectNode root = SimRuntime.JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        error.put("status", status);
        if (details.length > 0) {
            ArrayNode array = error.putArray("details");
            for (ObjectNode detail : details) {
                array.add(detail);
            }
        }
        return root;
    }

    /** A google.rpc.ErrorInfo detail. */
    static ObjectNode errorInfo(String reason, String service, String method) {
        ObjectNode info = SimRuntime.JSON.createObjectNode();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", reason);
        info.put("domain", "googleapis.com");
        ObjectNode metadata = info.putObject("metadata");
        metadata.put("service", service);
        if (method != null) {
            metadata.put("method", method);
        }
        return info;
    }

    /** A google.rpc.RetryInfo detail. */
    static ObjectNode retryInfo(int seconds) {
        ObjectNode info = SimRuntime.JSON.createObjectNode();
        info.put("@type", "type.googleapis.com/google.rpc.RetryInfo");
        info.put("retryDelay", seconds + "s");
        return info;
    }

    static String finishReason(SimReply.Finish finish) {
        return finish == SimReply.Finish.LENGTH ? "MAX_TOKENS" : "STOP";
    }

    /**
     * The whole answer: thought summary (when asked for), then the function call or the text; the thought signature
     * rides on the first part after the thoughts, as Gemini puts it.
     */
    static ObjectNode response(Head head, SimReply reply, Usage usage, boolean includeThoughts) {
        ArrayNode parts = SimRuntime.JSON.createArrayNode();
        if (includeThoughts && !reply.thinking().isEmpty()) {
            parts.addObject().put("text", reply.joinedThinking()).put("thought", true);
        }
        ObjectNode part;
        if (reply.toolCall() != null) {
            part = parts.addObject();
            part.set("functionCall", functionCall(reply.toolCall()));
        } else {
            part = parts.addObject().put("text", reply.joinedText());
        }
        if (reply.thinkingSignature() != null) {
            part.put("thoughtSignature", reply.thinkingSignature());
        }
        ObjectNode root = chunk(head, parts, finishReason(reply.finish()));
        if (head.host() == Host.VERTEX) {
            ((ObjectNode) root.get("candidates").get(0)).put("avgLogprobs", -0.0931);
        }
        root.set("usageMetadata", usage(head, usage));
        return root;
    }

    /**
     * The SSE events of an answer: thought chunks, text chunks of {@value #TOKENS_PER_CHUNK} tokens or one chunk
     * with the whole function call, then a closing chunk with an empty text part, the finish reason and the usage.
     */
    static List<SimFrame> events(Head head, SimReply reply, Usage usage, boolean includeThoughts) {
        List<SimFrame> frames = new ArrayList<>();
        if (includeThoughts) {
            for (int i = 0; i < reply.thinking().size(); i += TOKENS_PER_CHUNK) {
                List<String> tokens = reply.thinking().subList(i, Math.min(reply.thinking().size(),
                        i + TOKENS_PER_CHUNK));
                ArrayNode parts = SimRuntime.JSON.createArrayNode();
                parts.addObject().put("text", String.join("", tokens)).put("thought", true);
                frames.add(frame(chunk(head, parts, null), tokens.size()));
            }
        }
        // thinking that is not shown still takes its time before the first visible token
        int hiddenThinking = includeThoughts ? 0 : reply.thinking().size();
        String signature = reply.thinkingSignature();
        if (reply.toolCall() != null) {
            ArrayNode parts = SimRuntime.JSON.createArrayNode();
            ObjectNode part = parts.addObject();
            part.set("functionCall", functionCall(reply.toolCall()));
            if (signature != null) {
                part.put("thoughtSignature", signature);
            }
            frames.add(frame(chunk(head, parts, null), hiddenThinking + reply.toolCall().fragments().size()));
        } else {
            for (int i = 0; i < reply.text().size(); i += TOKENS_PER_CHUNK) {
                List<String> tokens = reply.text().subList(i, Math.min(reply.text().size(), i + TOKENS_PER_CHUNK));
                ArrayNode parts = SimRuntime.JSON.createArrayNode();
                ObjectNode part = parts.addObject().put("text", String.join("", tokens));
                if (i == 0 && signature != null) {
                    part.put("thoughtSignature", signature);
                }
                frames.add(frame(chunk(head, parts, null), (i == 0 ? hiddenThinking : 0) + tokens.size()));
            }
        }
        ArrayNode closing = SimRuntime.JSON.createArrayNode();
        closing.addObject().put("text", "");
        ObjectNode last = chunk(head, closing, finishReason(reply.finish()));
        last.set("usageMetadata", usage(head, usage));
        frames.add(SimFrame.framing(sse(last.toString())));
        return frames;
    }

    /** How Google ends an SSE stream that fails after it began: an error object as the last event. */
    static Buffer streamError() {
        return sse(error(500, "Internal error encountered.", "INTERNAL").toString());
    }

    private static ObjectNode functionCall(SimReply.ToolCall call) {
        ObjectNode functionCall = SimRuntime.JSON.createObjectNode().put("name", call.name());
        try {
            functionCall.set("args", SimRuntime.JSON.readTree(call.arguments()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return functionCall;
    }

    private static ObjectNode chunk(Head head, ArrayNode parts, String finishReason) {
        ObjectNode root = SimRuntime.JSON.createObjectNode();
        ObjectNode candidate = root.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.put("role", "model");
        content.set("parts", parts);
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        if (head.host() == Host.GEMINI_API) {
            candidate.put("index", 0);
        }
        root.put("modelVersion", head.model());
        if (head.createTime() != null) {
            root.put("createTime", head.createTime());
        }
        root.put("responseId", head.responseId());
        return root;
    }

    private static ObjectNode usage(Head head, Usage usage) {
        ObjectNode node = SimRuntime.JSON.createObjectNode();
        node.put("promptTokenCount", usage.prompt());
        node.put("candidatesTokenCount", usage.candidates());
        node.put("totalTokenCount", usage.prompt() + usage.candidates() + usage.thoughts());
        if (usage.cached() > 0) {
            node.put("cachedContentTokenCount", usage.cached());
        }
        if (usage.thoughts() > 0) {
            node.put("thoughtsTokenCount", usage.thoughts());
        }
        node.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", usage.prompt());
        if (head.host() == Host.VERTEX) {
            if (usage.cached() > 0) {
                node.putArray("cacheTokensDetails").addObject().put("modality", "TEXT")
                        .put("tokenCount", usage.cached());
            }
            node.putArray("candidatesTokensDetails").addObject().put("modality", "TEXT")
                    .put("tokenCount", usage.candidates());
            node.put("trafficType", "ON_DEMAND");
        }
        return node;
    }

    private static SimFrame frame(ObjectNode chunk, int tokens) {
        String json = chunk.toString();
        return new SimFrame(sse(json), Math.max(1, tokens), sse(json.substring(0, json.length() / 2)));
    }

    /** Google's SSE framing: {@code data: <json>} and a blank line, lines ended by CRLF. */
    static Buffer sse(String json) {
        return Buffer.buffer("data: " + json + "\r\n\r\n");
    }
}
