package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.Redaction;
import dev.switchboard.providers.http.SseEvent;
import dev.switchboard.providers.openai.wire.ChatCompletionChunk;
import dev.switchboard.providers.openai.wire.ChatCompletionMessageToolCall;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns one Chat Completions stream, SSE event by SSE event, into neutral {@link ChatEvent}s. One instance per
 * stream: it remembers whether Start went out, which tool calls have begun, the finish reason and the usage.
 * <ul>
 *   <li>Start once, from the first chunk (id, model); then reasoning, text and tool-call deltas as they come.</li>
 *   <li>Tool calls are told apart by {@code tool_calls[].index}: the fragment that first names an index starts the
 *   call, later fragments of that index append to its arguments.</li>
 *   <li>Stop as soon as a finish reason arrives. Usage is kept (hosts differ: a final chunk with empty choices, the
 *   finish chunk itself, Groq's {@code x_groq}, or every chunk with running totals) and reported once at the
 *   end: at {@code [DONE]}, or when the body ends after a finish reason.</li>
 *   <li>An error object in place of a chunk, a data line that is not JSON, and a body that ends before both
 *   {@code [DONE]} and a finish reason fail the stream: the provider cut it, it did not finish.</li>
 * </ul>
 */
final class OpenAiStreamMapper {

    private final Collection<String> secrets;
    private boolean started;
    private boolean finished;
    private boolean done;
    private boolean calledTools;
    private Usage usage;
    private boolean usageReported;
    /** The indexes of the tool calls begun so far: the upstream's own, which we pass on. */
    private final Set<Integer> toolCalls = new HashSet<>();
    private int lastToolCall = -1;

    /** Null when every chunk takes the full path (tests compare the two). */
    private final OpenAiChunkScanner scanner;

    /** @param secrets the credentials this call used, kept out of error messages */
    OpenAiStreamMapper(Collection<String> secrets) {
        this(secrets, true);
    }

    OpenAiStreamMapper(Collection<String> secrets, boolean scan) {
        this.secrets = secrets;
        this.scanner = scan ? new OpenAiChunkScanner() : null;
    }

    /** True once {@code [DONE]} arrived: anything after it (a reset connection, say) is no longer the stream. */
    boolean isDone() {
        return done;
    }

    List<ChatEvent> onEvent(SseEvent event) {
        if ("error".equals(event.event())) {
            // some hosts name the event instead of (or as well as) sending an error object
            throw streamError(event.data());
        }
        return onData(event.data());
    }

    List<ChatEvent> onData(String data) {
        if (done) {
            return List.of();
        }
        String trimmed = data.strip();
        if (trimmed.isEmpty()) {
            return List.of();
        }
        if (trimmed.equals("[DONE]")) {
            return finish(true);
        }
        if (scanner != null && trimmed.charAt(0) == '{') {
            OpenAiChunkScanner.Chunk chunk = scanner.scan(trimmed);
            if (chunk != null) {
                return onScanned(chunk);
            }
        }
        JsonNode node;
        try {
            node = OpenAiCodec.JSON.readTree(trimmed);
        } catch (JsonProcessingException e) {
            throw OpenAiErrors.malformed("The provider sent a stream line that is not JSON", trimmed, secrets);
        }
        if (node == null || !node.isObject()) {
            throw OpenAiErrors.malformed("The provider sent a stream line that is not a chunk", trimmed, secrets);
        }
        if (node.has("error") || "error".equals(node.path("object").asText())) {
            throw OpenAiErrors.fromStream(node, secrets);
        }
        if (!node.has("choices") && !node.has("usage") && !node.has("id") && !node.has("x_groq")) {
            // a host's keep-alive ({} or a named ping event): nothing to map, and no reason for a Start yet
            return List.of();
        }
        ChatCompletionChunk chunk;
        try {
            chunk = OpenAiCodec.JSON.treeToValue(node, ChatCompletionChunk.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw OpenAiErrors.malformed("The provider sent a chunk of an unexpected shape", trimmed, secrets);
        }
        return onChunk(chunk);
    }

    /** As {@link #onChunk} for a chunk of the common shape, read without a tree. */
    private List<ChatEvent> onScanned(OpenAiChunkScanner.Chunk chunk) {
        if (!chunk.hasChoices && !chunk.hasUsage && !chunk.hasId) {
            return List.of();
        }
        List<ChatEvent> events = new ArrayList<>(2);
        if (!started) {
            started = true;
            events.add(new ChatEvent.Start(chunk.id, chunk.model));
        }
        if (!chunk.choicesList || finished || !chunk.choice) {
            return events;
        }
        String reasoning = chunk.reasoningContent == null || chunk.reasoningContent.isEmpty()
                ? (chunk.reasoning == null ? "" : chunk.reasoning) : chunk.reasoningContent;
        if (!reasoning.isEmpty()) {
            events.add(new ChatEvent.ReasoningDelta(reasoning, null, null));
        }
        if (chunk.content != null && !chunk.content.isEmpty()) {
            events.add(new ChatEvent.TextDelta(chunk.content));
        }
        if (chunk.refusal != null && !chunk.refusal.isEmpty()) {
            events.add(new ChatEvent.TextDelta(chunk.refusal));
        }
        if (chunk.finishReason != null) {
            finished = true;
            events.add(new ChatEvent.Stop(OpenAiCodec.finishReason(chunk.finishReason, calledTools),
                    chunk.finishReason));
        }
        return events;
    }

    /** The body ended: clean only after {@code [DONE]} or a finish reason. */
    List<ChatEvent> onEnd() {
        if (done) {
            return List.of();
        }
        if (!finished) {
            throw new UpstreamError(UpstreamErrorKind.CONNECTION, null, null,
                    started ? "The provider's stream ended before the answer was complete"
                            : "The provider's stream ended before any chunk", null);
        }
        return finish(false);
    }

    private List<ChatEvent> onChunk(ChatCompletionChunk chunk) {
        List<ChatEvent> events = new ArrayList<>();
        if (!started) {
            started = true;
            events.add(new ChatEvent.Start(chunk.id(), chunk.model()));
        }
        if (chunk.usage() != null) {
            usage = OpenAiCodec.usage(chunk.usage());
        } else if (chunk.xGroq() != null && chunk.xGroq().usage() != null) {
            usage = OpenAiCodec.usage(chunk.xGroq().usage());
        }
        if (chunk.choices() == null || finished) {
            return events;
        }
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
            // we never ask for n > 1; a host that sends other choices anyway is not mixed into the answer
            if (choice == null || choice.index() != null && choice.index() != 0) {
                continue;
            }
            ChatCompletionChunk.Delta delta = choice.delta();
            if (delta != null) {
                delta(delta, events);
            }
            if (choice.finishReason() != null && !finished) {
                finished = true;
                events.add(new ChatEvent.Stop(OpenAiCodec.finishReason(choice.finishReason(), calledTools),
                        choice.finishReason()));
            }
        }
        return events;
    }

    private void delta(ChatCompletionChunk.Delta delta, List<ChatEvent> events) {
        String reasoning = OpenAiCodec.reasoningText(delta.reasoningContent(), delta.reasoning());
        if (!reasoning.isEmpty()) {
            events.add(new ChatEvent.ReasoningDelta(reasoning, null, null));
        }
        OpenAiCodec.ContentText content = OpenAiCodec.contentText(delta.content());
        if (!content.reasoning().isEmpty()) {
            events.add(new ChatEvent.ReasoningDelta(content.reasoning(), null, null));
        }
        if (!content.text().isEmpty()) {
            events.add(new ChatEvent.TextDelta(content.text()));
        }
        if (delta.refusal() != null && !delta.refusal().isEmpty()) {
            events.add(new ChatEvent.TextDelta(delta.refusal()));
        }
        if (delta.toolCalls() != null) {
            for (ChatCompletionMessageToolCall call : delta.toolCalls()) {
                toolCall(call.index(), call.id(), call.function(), events);
            }
        }
        if (delta.functionCall() != null) {
            toolCall(0, null, delta.functionCall(), events);
        }
    }

    private void toolCall(Integer upstreamIndex, String id, ChatCompletionMessageToolCall.Function fn,
                          List<ChatEvent> events) {
        String name = fn == null ? null : fn.name();
        String arguments = fn == null ? "" : fn.argumentsText();
        Integer index = upstreamIndex;
        if (index == null) {
            // a host without indexes: a fragment with an id or a name begins a new call, others continue the last
            boolean begins = id != null && !id.isEmpty() || name != null && !name.isEmpty() || lastToolCall < 0;
            index = begins ? toolCalls.size() : lastToolCall;
            while (begins && toolCalls.contains(index)) {
                index++;
            }
        }
        if (!toolCalls.contains(index)) {
            toolCalls.add(index);
            calledTools = true;
            events.add(new ChatEvent.ToolCallStart(index, id == null || id.isEmpty() ? OpenAiCodec.newCallId() : id,
                    name == null ? "" : name));
        }
        lastToolCall = index;
        if (!arguments.isEmpty()) {
            events.add(new ChatEvent.ToolCallDelta(index, arguments));
        }
    }

    private List<ChatEvent> finish(boolean sawDone) {
        List<ChatEvent> events = new ArrayList<>();
        if (sawDone) {
            if (!started) {
                throw OpenAiCodec.malformed("The provider's stream ended with [DONE] before any chunk");
            }
            done = true;
            if (!finished) {
                // [DONE] is the provider's own word that the answer is complete, even without a finish reason
                finished = true;
                events.add(new ChatEvent.Stop(calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP, null));
            }
        }
        if (usage != null && !usageReported) {
            usageReported = true;
            events.add(new ChatEvent.UsageReport(usage));
        }
        return events;
    }

    private UpstreamError streamError(String data) {
        try {
            JsonNode node = OpenAiCodec.JSON.readTree(data);
            if (node != null && node.isObject()) {
                return OpenAiErrors.fromStream(node, secrets);
            }
        } catch (JsonProcessingException e) {
            // not JSON: the text itself is all the provider said
        }
        return new UpstreamError(UpstreamErrorKind.SERVER_ERROR, null, null,
                "The provider failed in the middle of the stream", Redaction.redact(data, secrets));
    }

    /** The events of a whole answer, for a host that answered a streaming request with one JSON body. */
    static List<ChatEvent> replay(ChatResponse response) {
        List<ChatEvent> events = new ArrayList<>();
        events.add(new ChatEvent.Start(response.id(), response.model()));
        int index = 0;
        for (ContentPart part : response.content()) {
            switch (part) {
                case ContentPart.Reasoning r -> events.add(new ChatEvent.ReasoningDelta(r.text(), null, null));
                case ContentPart.Text t -> events.add(new ChatEvent.TextDelta(t.text()));
                case ContentPart.ToolCall call -> {
                    events.add(new ChatEvent.ToolCallStart(index, call.id(), call.name()));
                    if (!call.arguments().isEmpty()) {
                        events.add(new ChatEvent.ToolCallDelta(index, call.arguments()));
                    }
                    index++;
                }
                default -> {
                    // an answer has no images or tool results
                }
            }
        }
        events.add(new ChatEvent.Stop(response.finishReason(), response.nativeFinishReason()));
        if (response.usage() != null && !response.usage().equals(Usage.NONE)) {
            events.add(new ChatEvent.UsageReport(response.usage()));
        }
        return events;
    }
}
