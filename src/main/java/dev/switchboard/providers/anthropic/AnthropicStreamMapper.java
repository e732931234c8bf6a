package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.anthropic.wire.AnthropicContentBlock;
import dev.switchboard.providers.anthropic.wire.AnthropicMessagesResponse;
import dev.switchboard.providers.anthropic.wire.AnthropicStreamEvent;
import dev.switchboard.providers.anthropic.wire.AnthropicStreamEvent.AnthropicDelta;
import dev.switchboard.providers.anthropic.wire.AnthropicUsage;
import dev.switchboard.providers.http.SseEvent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the events of one streamed Messages response into our {@link ChatEvent}s, whatever carried them: SSE from
 * Anthropic or Vertex AI ({@link #onEvent}), or the JSON chunks of Bedrock's event stream ({@link #onData}). One
 * mapper per stream: it holds that stream's open blocks, its running tool-call index and its usage.
 *
 * <p>The neutral stream ends with {@link ChatEvent.UsageReport} (input from message_start, output and any updated
 * input counts from message_delta, which are cumulative) and then {@link ChatEvent.Stop}, both emitted only at
 * message_stop, so a stream cut after message_delta still ends in an error and never looks complete. An
 * {@code error} event fails with its classified {@link UpstreamError}; a stream that ends before message_stop fails
 * in {@link #finish()}. ping and unknown event or delta types are skipped.
 */
public final class AnthropicStreamMapper {

    private enum BlockKind { TEXT, TOOL, THINKING, OTHER }

    private static final class Block {
        final BlockKind kind;
        final int toolIndex;
        boolean argumentsSent;

        Block(BlockKind kind, int toolIndex) {
            this.kind = kind;
            this.toolIndex = toolIndex;
        }
    }

    private final String[] secrets;
    private final Map<Integer, Block> blocks = new HashMap<>();
    private int nextToolIndex;
    private boolean started;
    private boolean done;
    private String stopReason;
    private Integer inputTokens;
    private Integer outputTokens;
    private Integer cacheReadTokens;
    private Integer cacheWriteTokens;

    /** @param secrets values to remove from provider messages should an error event echo them */
    public AnthropicStreamMapper(String... secrets) {
        this.secrets = secrets;
    }

    /** One server-sent event; the type inside its data decides, its SSE name stands in when the data has none. */
    public List<ChatEvent> onEvent(SseEvent event) {
        return onJson(parse(event.data()), event.event());
    }

    /** One event's JSON, as Bedrock's InvokeModelWithResponseStream delivers it (the type is inside). */
    public List<ChatEvent> onData(String json) {
        return onJson(parse(json), null);
    }

    /** Message_stop has been seen: the stream is complete. */
    public boolean isDone() {
        return done;
    }

    /** The transport ended: fails unless message_stop was seen. */
    public void finish() {
        if (!done) {
            throw UpstreamError.of(UpstreamErrorKind.CONNECTION, started
                    ? "The provider's stream ended before the message was complete (no message_stop)"
                    : "The provider's stream ended before it began (no message_start)");
        }
    }

    private List<ChatEvent> onJson(JsonNode tree, String sseName) {
        if (done) {
            return List.of();
        }
        if (!tree.isObject()) {
            throw AnthropicCodec.malformed("The provider sent a stream event that is not a JSON object");
        }
        if (!tree.has("type") && sseName != null && !"message".equals(sseName)) {
            ((ObjectNode) tree).put("type", sseName);
        }
        AnthropicStreamEvent event;
        try {
            event = AnthropicCodec.JSON.treeToValue(tree, AnthropicStreamEvent.class);
        } catch (IOException e) {
            throw AnthropicCodec.malformed("The provider sent a stream event of an unexpected shape ("
                    + tree.path("type").asText("no type") + ")");
        }
        return switch (event) {
            case AnthropicStreamEvent.MessageStart s -> messageStart(s.message());
            case AnthropicStreamEvent.ContentBlockStart s -> blockStart(index(s.index()), s.contentBlock());
            case AnthropicStreamEvent.ContentBlockDelta d -> blockDelta(index(d.index()), d.delta());
            case AnthropicStreamEvent.ContentBlockStop s -> blockStop(index(s.index()));
            case AnthropicStreamEvent.MessageDelta d -> messageDelta(d);
            case AnthropicStreamEvent.MessageStop s -> messageStop();
            case AnthropicStreamEvent.Error e -> throw AnthropicErrors.fromErrorObject(tree.get("error"), secrets);
            case AnthropicStreamEvent.Ping p -> List.of();
            case AnthropicStreamEvent.Unknown u -> List.of();
        };
    }

    private List<ChatEvent> messageStart(AnthropicMessagesResponse message) {
        if (started) {
            throw AnthropicCodec.malformed("The provider's stream started twice (a second message_start)");
        }
        started = true;
        if (message != null) {
            takeUsage(message.usage());
        }
        return List.of(new ChatEvent.Start(message == null ? null : message.id(),
                message == null ? null : message.model()));
    }

    private List<ChatEvent> blockStart(int index, AnthropicContentBlock block) {
        requireStarted("content_block_start");
        List<ChatEvent> out = new ArrayList<>(2);
        switch (block) {
            case AnthropicContentBlock.Text t -> {
                blocks.put(index, new Block(BlockKind.TEXT, -1));
                if (t.text() != null && !t.text().isEmpty()) {
                    out.add(new ChatEvent.TextDelta(t.text()));
                }
            }
            case AnthropicContentBlock.ToolUse u -> {
                Block tool = new Block(BlockKind.TOOL, nextToolIndex++);
                blocks.put(index, tool);
                out.add(new ChatEvent.ToolCallStart(tool.toolIndex, u.id(), u.name()));
                // the input normally streams as input_json_delta after an empty {}; a non-empty start is sent whole
                if (u.input() != null && u.input().isObject() && !u.input().isEmpty()) {
                    out.add(new ChatEvent.ToolCallDelta(tool.toolIndex, u.input().toString()));
                    tool.argumentsSent = true;
                }
            }
            case AnthropicContentBlock.Thinking t -> {
                blocks.put(index, new Block(BlockKind.THINKING, -1));
                if (t.thinking() != null && !t.thinking().isEmpty()) {
                    out.add(new ChatEvent.ReasoningDelta(t.thinking(), null, null));
                }
            }
            case AnthropicContentBlock.RedactedThinking r -> {
                blocks.put(index, new Block(BlockKind.THINKING, -1));
                out.add(new ChatEvent.ReasoningDelta(null, null, r.data()));
            }
            case null, default -> blocks.put(index, new Block(BlockKind.OTHER, -1));
        }
        return out;
    }

    private List<ChatEvent> blockDelta(int index, AnthropicDelta delta) {
        requireStarted("content_block_delta");
        Block block = blocks.get(index);
        if (block == null) {
            throw AnthropicCodec.malformed("The provider sent a delta for content block " + index
                    + ", which was never started");
        }
        return switch (delta) {
            case AnthropicDelta.TextDelta t -> t.text() == null || t.text().isEmpty() ? List.of()
                    : List.of(new ChatEvent.TextDelta(t.text()));
            case AnthropicDelta.InputJsonDelta j -> {
                // server tools (web search...) stream their input too; they are the provider's business, not a
                // call for the client to run
                if (block.kind != BlockKind.TOOL || j.partialJson() == null || j.partialJson().isEmpty()) {
                    yield List.of();
                }
                block.argumentsSent = true;
                yield List.of(new ChatEvent.ToolCallDelta(block.toolIndex, j.partialJson()));
            }
            case AnthropicDelta.ThinkingDelta t -> t.thinking() == null || t.thinking().isEmpty() ? List.of()
                    : List.of(new ChatEvent.ReasoningDelta(t.thinking(), null, null));
            case AnthropicDelta.SignatureDelta s -> s.signature() == null ? List.of()
                    : List.of(new ChatEvent.ReasoningDelta(null, s.signature(), null));
            case null, default -> List.of();
        };
    }

    private List<ChatEvent> blockStop(int index) {
        requireStarted("content_block_stop");
        Block block = blocks.remove(index);
        if (block != null && block.kind == BlockKind.TOOL && !block.argumentsSent) {
            // a call without arguments: say {} as the non-streamed response does, rather than leave them empty
            return List.of(new ChatEvent.ToolCallDelta(block.toolIndex, "{}"));
        }
        return List.of();
    }

    private List<ChatEvent> messageDelta(AnthropicStreamEvent.MessageDelta delta) {
        requireStarted("message_delta");
        if (delta.delta() != null && delta.delta().stopReason() != null) {
            stopReason = delta.delta().stopReason();
        }
        takeUsage(delta.usage());
        return List.of();
    }

    private List<ChatEvent> messageStop() {
        requireStarted("message_stop");
        done = true;
        return List.of(
                new ChatEvent.UsageReport(AnthropicCodec.usage(inputTokens, outputTokens, cacheReadTokens,
                        cacheWriteTokens)),
                new ChatEvent.Stop(AnthropicCodec.finishReason(stopReason), stopReason));
    }

    /** Counts present in a later event replace earlier ones: Anthropic's stream usage is cumulative. */
    private void takeUsage(AnthropicUsage usage) {
        if (usage == null) {
            return;
        }
        if (usage.inputTokens() != null) {
            inputTokens = usage.inputTokens();
        }
        if (usage.outputTokens() != null) {
            outputTokens = usage.outputTokens();
        }
        if (usage.cacheReadInputTokens() != null) {
            cacheReadTokens = usage.cacheReadInputTokens();
        }
        if (usage.cacheCreationInputTokens() != null) {
            cacheWriteTokens = usage.cacheCreationInputTokens();
        }
    }

    private void requireStarted(String what) {
        if (!started) {
            throw AnthropicCodec.malformed("The provider sent " + what + " before message_start");
        }
    }

    private static int index(Integer index) {
        if (index == null) {
            throw AnthropicCodec.malformed("The provider sent a content block event without an index");
        }
        return index;
    }

    private static JsonNode parse(String data) {
        try {
            JsonNode tree = data == null ? null : AnthropicCodec.JSON.readTree(data);
            if (tree == null) {
                throw AnthropicCodec.malformed("The provider sent an empty stream event");
            }
            return tree;
        } catch (IOException e) {
            throw AnthropicCodec.malformed("The provider sent a stream event that is not valid JSON");
        }
    }
}
