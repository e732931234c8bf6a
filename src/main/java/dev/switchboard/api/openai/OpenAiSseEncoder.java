package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.Served;
import dev.switchboard.proxy.ContinuationMark;
import dev.switchboard.proxy.StreamEncoder;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static dev.switchboard.api.openai.OpenAiResponseEncoder.NODES;

/**
 * Neutral stream events to OpenAI {@code chat.completion.chunk} SSE, one instance per stream. Every chunk carries
 * the same id, created and model, and {@code provider} (as OpenRouter's do); the first one carries the assistant
 * role. Tool-call indexes are renumbered 0, 1, 2... in order of appearance, because upstream indexes (Anthropic's
 * content-block index, say) need not start at 0 and OpenAI clients accumulate calls by index.
 */
public final class OpenAiSseEncoder implements StreamEncoder {

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Served served;
    private final boolean excludeReasoning;
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private boolean roleSent;
    private boolean stopped;
    private boolean ended;
    private Usage usage;

    public OpenAiSseEncoder(Served served, boolean excludeReasoning) {
        this.served = served;
        this.excludeReasoning = excludeReasoning;
    }

    /** The SSE bytes for one event; empty when the event shows nothing to an OpenAI client. */
    public byte[] onEvent(ChatEvent event) {
        if (ended) {
            return EMPTY;
        }
        return switch (event) {
            case ChatEvent.TextDelta t when !t.text().isEmpty() -> delta(delta().put("content", t.text()), null);
            case ChatEvent.ReasoningDelta r when !excludeReasoning && r.text() != null && !r.text().isEmpty() ->
                    delta(delta().put("reasoning", r.text()), null);
            case ChatEvent.ToolCallStart s -> toolCallStart(s);
            case ChatEvent.ToolCallDelta d when toolIndexes.containsKey(d.index()) && !d.argumentsDelta().isEmpty() -> {
                ObjectNode delta = delta();
                ObjectNode call = delta.putArray("tool_calls").addObject();
                call.put("index", toolIndexes.get(d.index()));
                call.putObject("function").put("arguments", d.argumentsDelta());
                yield delta(delta, null);
            }
            case ChatEvent.Stop s when !stopped -> {
                stopped = true;
                yield delta(delta(), OpenAiResponseEncoder.finishReason(s.reason()));
            }
            case ChatEvent.UsageReport u -> {
                usage = u.usage();
                yield EMPTY;
            }
            default -> EMPTY;
        };
    }

    /**
     * The end of a good stream: a finish chunk if no Stop came, the usage chunk (always sent, whatever
     * {@code stream_options} said, so that every caller sees the cost), then {@code [DONE]}.
     *
     * @param usage the final usage, or null for the one the stream reported
     * @param cost  USD, or null when unknown
     */
    public byte[] end(Usage usage, BigDecimal cost) {
        return end(usage, cost, null);
    }

    /** As {@link #end(Usage, BigDecimal)}; a continued stream's usage chunk carries {@code switchboard: mark}. */
    @Override
    public byte[] end(Usage usage, BigDecimal cost, ContinuationMark mark) {
        if (ended) {
            return EMPTY;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!stopped) {
            stopped = true;
            FinishReason reason = toolIndexes.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS;
            out.writeBytes(delta(delta(), OpenAiResponseEncoder.finishReason(reason)));
        }
        ended = true;
        ObjectNode chunk = chunk();
        chunk.putArray("choices");
        chunk.set("usage", OpenAiResponseEncoder.usage(usage != null ? usage : this.usage, cost));
        if (mark != null) {
            chunk.set("switchboard", mark.toJson(NODES));
        }
        out.writeBytes(data(chunk));
        out.writeBytes(DONE);
        return out.toByteArray();
    }

    /**
     * A failure after the stream began, as OpenRouter sends it: a chunk with a top-level {@code error} and a choice
     * finished with "error", and no {@code [DONE]}, so that no client mistakes a failed stream for a clean end.
     */
    public byte[] error(ProxyError error) {
        if (ended) {
            return EMPTY;
        }
        ended = true;
        ObjectNode chunk = chunk();
        ObjectNode body = chunk.putObject("error");
        body.put("message", error.message());
        body.put("type", error.type().openAiType());
        body.put("code", OpenAiErrorEncoder.code(error));
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.putObject("delta").put("content", "");
        choice.put("finish_reason", "error");
        return data(chunk);
    }

    /** An SSE comment: keeps proxies and clients from timing out while a slow upstream thinks. */
    public static byte[] keepAlive() {
        return KEEP_ALIVE.clone();
    }

    private byte[] toolCallStart(ChatEvent.ToolCallStart start) {
        if (toolIndexes.containsKey(start.index())) {
            return EMPTY;
        }
        int index = toolIndexes.size();
        toolIndexes.put(start.index(), index);
        ObjectNode delta = delta();
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", index);
        call.put("id", start.id());
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", start.name());
        function.put("arguments", "");
        return delta(delta, null);
    }

    /** A delta object, with the role on the stream's first one. */
    private ObjectNode delta() {
        ObjectNode delta = NODES.objectNode();
        if (!roleSent) {
            roleSent = true;
            delta.put("role", "assistant");
        }
        return delta;
    }

    private byte[] delta(ObjectNode delta, String finishReason) {
        ObjectNode chunk = chunk();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return data(chunk);
    }

    private ObjectNode chunk() {
        ObjectNode chunk = NODES.objectNode();
        chunk.put("id", served.generationId());
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", served.created());
        chunk.put("model", served.model());
        chunk.put("provider", served.provider());
        return chunk;
    }

    private static byte[] data(ObjectNode chunk) {
        byte[] json = OpenAiResponseEncoder.write(chunk);
        byte[] out = new byte[json.length + 8];
        System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, out, 0, 6);
        System.arraycopy(json, 0, out, 6, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }
}
