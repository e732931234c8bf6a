package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.Served;
import dev.switchboard.proxy.ContinuationMark;
import dev.switchboard.proxy.StreamEncoder;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.Usage;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Our {@link ChatEvent}s as the Messages API's server-sent events, for one stream: it holds the open content block,
 * the block indexes, the stop reason and the usage seen so far. Each method returns the bytes to write, possibly
 * none.
 *
 * <p>The stream is {@code message_start} (sent with the first event of any kind; its message names the
 * {@code provider}), then content blocks ({@code content_block_start}, deltas, {@code content_block_stop}, indexes
 * from 0; a block of another kind closes the open one), then, from {@link #end}, {@code message_delta} with the
 * stop reason and the final usage (with {@code cost}) and {@code message_stop}. {@link #error} ends it with an
 * {@code error} event instead, which the SDKs raise as an error, never as a clean end. After either, nothing more
 * is written.
 *
 * <p>Reasoning becomes thinking blocks: thinking_delta for its text and signature_delta for its signature; thinking
 * that arrives after a signature starts a new block (a signature closes Anthropic's thinking block). Redacted
 * reasoning is a redacted_thinking block, started and stopped at once. A tool call is a tool_use block with
 * {@code input: {}} whose arguments follow as input_json_delta fragments, exactly as produced; a fragment for an
 * earlier tool call whose block has already closed (a provider interleaving parallel calls) is sent with that
 * block's index rather than dropped.
 */
public final class AnthropicSseEncoder implements StreamEncoder {

    private enum Kind { TEXT, THINKING, TOOL }

    private static final byte[] NOTHING = new byte[0];

    private final Served served;
    private final boolean excludeReasoning;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private boolean started;
    private boolean finished;
    private int nextIndex;
    private Kind open;
    private int openIndex;
    private int openTool;
    private boolean openSigned;
    private String stopReason;
    private Usage usage;

    /** @param excludeReasoning leave reasoning out of the stream (the caller asked for it to be kept from it) */
    public AnthropicSseEncoder(Served served, boolean excludeReasoning) {
        this.served = served;
        this.excludeReasoning = excludeReasoning;
    }

    /** An SSE comment, which clients ignore, to keep the connection alive while the upstream is slow. */
    public static byte[] keepAlive() {
        return KEEP_ALIVE.clone();
    }

    public byte[] onEvent(ChatEvent event) {
        if (finished) {
            return NOTHING;
        }
        Frames out = new Frames();
        if (event instanceof ChatEvent.UsageReport u) {
            // before message_start so its input count, when already known, goes into message_start
            usage = u.usage();
        }
        start(out);
        switch (event) {
            case ChatEvent.TextDelta t -> text(t.text(), out);
            case ChatEvent.ReasoningDelta r -> reasoning(r, out);
            case ChatEvent.ToolCallStart s -> toolStart(s, out);
            case ChatEvent.ToolCallDelta d -> toolDelta(d, out);
            case ChatEvent.Stop s -> {
                close(out);
                stopReason = AnthropicOutput.stopReason(s.reason(), s.nativeReason());
            }
            case ChatEvent.Start s -> {
                // message_start carries the gateway's id and model, not the upstream's
            }
            case ChatEvent.UsageReport u -> {
                // taken above
            }
        }
        return out.bytes();
    }

    /**
     * The stream completed: message_delta with the stop reason and the final usage, then message_stop.
     *
     * @param usage the final usage, or null for the last one reported in the stream
     * @param cost  USD, or null when unknown (then {@code cost} is left out)
     */
    public byte[] end(Usage usage, BigDecimal cost) {
        return end(usage, cost, null);
    }

    /** As {@link #end(Usage, BigDecimal)}; a continued stream's message_delta carries {@code switchboard: mark}. */
    @Override
    public byte[] end(Usage usage, BigDecimal cost, ContinuationMark mark) {
        if (finished) {
            return NOTHING;
        }
        if (usage != null) {
            this.usage = usage;
        }
        Frames out = new Frames();
        start(out);
        close(out);
        ObjectNode delta = AnthropicOutput.JSON.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stopReason == null ? "end_turn" : stopReason)
                .putNull("stop_sequence");
        delta.set("usage", AnthropicOutput.usage(this.usage, cost));
        if (mark != null) {
            delta.set("switchboard", mark.toJson(AnthropicOutput.JSON.getNodeFactory()));
        }
        out.add("message_delta", delta);
        out.add("message_stop", AnthropicOutput.JSON.createObjectNode().put("type", "message_stop"));
        finished = true;
        return out.bytes();
    }

    /** The stream failed: an error event, and nothing after it. */
    public byte[] error(ProxyError error) {
        if (finished) {
            return NOTHING;
        }
        finished = true;
        Frames out = new Frames();
        out.add("error", AnthropicErrorEncoder.tree(error));
        return out.bytes();
    }

    private void start(Frames out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode message = AnthropicOutput.JSON.createObjectNode();
        message.put("id", served.generationId());
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", served.model());
        message.put("provider", served.provider());
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        Usage known = usage == null ? Usage.NONE : new Usage(usage.inputTokens(), 0, usage.cacheReadTokens(),
                usage.cacheWriteTokens(), 0);
        message.set("usage", AnthropicOutput.usage(known, null));
        ObjectNode event = AnthropicOutput.JSON.createObjectNode().put("type", "message_start");
        event.set("message", message);
        out.add("message_start", event);
    }

    private void text(String text, Frames out) {
        if (text == null || text.isEmpty()) {
            return;
        }
        if (open != Kind.TEXT) {
            ObjectNode block = AnthropicOutput.JSON.createObjectNode().put("type", "text").put("text", "");
            open(Kind.TEXT, block, out);
        }
        delta(openIndex, AnthropicOutput.JSON.createObjectNode().put("type", "text_delta").put("text", text), out);
    }

    private void reasoning(ChatEvent.ReasoningDelta r, Frames out) {
        if (excludeReasoning) {
            return;
        }
        if (r.redacted() != null) {
            close(out);
            open(Kind.THINKING, AnthropicOutput.JSON.createObjectNode().put("type", "redacted_thinking")
                    .put("data", r.redacted()), out);
            close(out);
            return;
        }
        boolean hasText = r.text() != null && !r.text().isEmpty();
        if (!hasText && r.signature() == null) {
            return;
        }
        if (open != Kind.THINKING || openSigned) {
            open(Kind.THINKING, AnthropicOutput.JSON.createObjectNode().put("type", "thinking").put("thinking", "")
                    .put("signature", ""), out);
        }
        if (hasText) {
            delta(openIndex, AnthropicOutput.JSON.createObjectNode().put("type", "thinking_delta")
                    .put("thinking", r.text()), out);
        }
        if (r.signature() != null) {
            delta(openIndex, AnthropicOutput.JSON.createObjectNode().put("type", "signature_delta")
                    .put("signature", r.signature()), out);
            openSigned = true;
        }
    }

    private void toolStart(ChatEvent.ToolCallStart s, Frames out) {
        ObjectNode block = AnthropicOutput.JSON.createObjectNode().put("type", "tool_use").put("id", s.id())
                .put("name", s.name());
        block.putObject("input");
        open(Kind.TOOL, block, out);
        openTool = s.index();
        toolBlocks.put(s.index(), openIndex);
    }

    private void toolDelta(ChatEvent.ToolCallDelta d, Frames out) {
        if (d.argumentsDelta() == null || d.argumentsDelta().isEmpty()) {
            return;
        }
        Integer index = open == Kind.TOOL && openTool == d.index() ? Integer.valueOf(openIndex)
                : toolBlocks.get(d.index());
        if (index == null) {
            // arguments for a call that never started have no id or name to show: nothing a client could use
            return;
        }
        delta(index, AnthropicOutput.JSON.createObjectNode().put("type", "input_json_delta")
                .put("partial_json", d.argumentsDelta()), out);
    }

    /** Closes the open block, if any, and starts a new one at the next index. */
    private void open(Kind kind, ObjectNode block, Frames out) {
        close(out);
        open = kind;
        openIndex = nextIndex++;
        openSigned = false;
        openTool = -1;
        ObjectNode event = AnthropicOutput.JSON.createObjectNode().put("type", "content_block_start")
                .put("index", openIndex);
        event.set("content_block", block);
        out.add("content_block_start", event);
    }

    private void close(Frames out) {
        if (open == null) {
            return;
        }
        out.add("content_block_stop", AnthropicOutput.JSON.createObjectNode().put("type", "content_block_stop")
                .put("index", openIndex));
        open = null;
    }

    private static void delta(int index, ObjectNode delta, Frames out) {
        ObjectNode event = AnthropicOutput.JSON.createObjectNode().put("type", "content_block_delta")
                .put("index", index);
        event.set("delta", delta);
        out.add("content_block_delta", event);
    }

    /** The frames one call writes, as {@code event: <type>\ndata: <json>\n\n}. */
    private static final class Frames {
        private ByteArrayOutputStream buffer;

        void add(String type, ObjectNode data) {
            if (buffer == null) {
                buffer = new ByteArrayOutputStream(256);
            }
            buffer.writeBytes(("event: " + type + "\ndata: ").getBytes(StandardCharsets.UTF_8));
            buffer.writeBytes(AnthropicOutput.bytes(data));
            buffer.writeBytes(new byte[] {'\n', '\n'});
        }

        byte[] bytes() {
            return buffer == null ? NOTHING : buffer.toByteArray();
        }
    }
}
