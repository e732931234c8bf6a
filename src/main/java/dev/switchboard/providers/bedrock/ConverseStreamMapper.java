package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.bedrock.wire.ConverseStreamEvent;
import dev.switchboard.providers.bedrock.wire.ConverseStreamEvent.ContentBlockDelta;
import dev.switchboard.providers.bedrock.wire.ConverseStreamEvent.ContentBlockStart;
import dev.switchboard.providers.bedrock.wire.ConverseStreamEvent.Metadata;
import dev.switchboard.providers.bedrock.wire.ConverseStreamEvent.MessageStop;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns one ConverseStream response into our {@link ChatEvent}s as its bytes arrive: frames are cut by an
 * {@link EventStreamDecoder}, told apart by their {@code :message-type} and {@code :event-type} headers, and their
 * JSON payloads mapped. One mapper per stream: it holds the partial frame, the open tool blocks and the stop reason.
 *
 * <p>Bedrock sends messageStop (the stop reason) and then metadata (usage). The neutral stream ends with
 * {@link ChatEvent.UsageReport} and then {@link ChatEvent.Stop}, emitted when both have arrived, or Stop alone when
 * the stream ends cleanly after messageStop without metadata. A stream that ends before messageStop, or inside a
 * frame, fails with {@link UpstreamErrorKind#CONNECTION}; an {@code exception} or {@code error} frame fails with its
 * classified error; unknown event types are skipped.
 */
public final class ConverseStreamMapper {

    private final String id;
    private final String model;
    private final Collection<String> secrets;
    private final EventStreamDecoder decoder = new EventStreamDecoder();
    /** Converse's content block index of each tool block, to our running tool-call index. */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private int nextToolIndex;
    private boolean started;
    private String stopReason;
    private boolean stopSeen;
    private boolean usageSeen;
    private boolean done;

    /**
     * @param id      the request id ({@code x-amzn-RequestId}): Converse's events carry none
     * @param model   the model id the request named
     * @param secrets the call's credentials, kept out of error messages
     */
    public ConverseStreamMapper(String id, String model, Collection<String> secrets) {
        this.id = id;
        this.model = model;
        this.secrets = secrets;
    }

    /** Bytes as they arrive; the events they complete go to {@code sink} before any failure is thrown. */
    public void feed(byte[] bytes, Consumer<ChatEvent> sink) {
        decoder.feed(bytes, message -> onMessage(message, sink));
    }

    /** The body ended without a transport error: the last events, or the failure of a stream cut short. */
    public void end(Consumer<ChatEvent> sink) {
        if (done) {
            return;
        }
        if (decoder.hasPartialFrame()) {
            throw UpstreamError.of(UpstreamErrorKind.CONNECTION, "Bedrock's stream ended inside an event frame");
        }
        if (!stopSeen) {
            throw UpstreamError.of(UpstreamErrorKind.CONNECTION, started
                    ? "Bedrock's stream ended before the message was complete (no messageStop)"
                    : "Bedrock's stream ended before it began (no messageStart)");
        }
        finish(sink);
    }

    /** messageStop and metadata have both been seen: nothing more is wanted from the stream. */
    public boolean isDone() {
        return done;
    }

    void onMessage(Message message, Consumer<ChatEvent> sink) {
        Map<String, HeaderValue> headers = message.getHeaders();
        String messageType = header(headers, ":message-type");
        switch (messageType == null ? "event" : messageType) {
            case "event" -> onEvent(header(headers, ":event-type"), message.getPayload(), sink);
            case "exception" -> throw BedrockErrors.fromStreamException(header(headers, ":exception-type"),
                    message.getPayload(), secrets);
            case "error" -> throw BedrockErrors.fromStreamError(header(headers, ":error-code"),
                    header(headers, ":error-message"), secrets);
            default -> {
                // a message type this version does not know carries nothing for us
            }
        }
    }

    private void onEvent(String type, byte[] payload, Consumer<ChatEvent> sink) {
        if (done || type == null) {
            return;
        }
        switch (type) {
            case ConverseStreamEvent.MESSAGE_START -> {
                if (started) {
                    throw BedrockErrors.malformed("Bedrock's stream started twice (a second messageStart)");
                }
                started = true;
                sink.accept(new ChatEvent.Start(id, model));
            }
            case ConverseStreamEvent.CONTENT_BLOCK_START -> blockStart(read(payload, ContentBlockStart.class, type),
                    sink);
            case ConverseStreamEvent.CONTENT_BLOCK_DELTA -> blockDelta(read(payload, ContentBlockDelta.class, type),
                    sink);
            case ConverseStreamEvent.CONTENT_BLOCK_STOP -> requireStarted(type);
            case ConverseStreamEvent.MESSAGE_STOP -> {
                requireStarted(type);
                stopReason = read(payload, MessageStop.class, type).stopReason();
                stopSeen = true;
                if (usageSeen) {
                    finish(sink);
                }
            }
            case ConverseStreamEvent.METADATA -> {
                requireStarted(type);
                Metadata metadata = read(payload, Metadata.class, type);
                usageSeen = true;
                sink.accept(new ChatEvent.UsageReport(ConverseCodec.usage(metadata.usage())));
                if (stopSeen) {
                    finish(sink);
                }
            }
            default -> {
                // an event type added after this was written: skipped, as consumers of neutral events do
            }
        }
    }

    private void blockStart(ContentBlockStart start, Consumer<ChatEvent> sink) {
        requireStarted(ConverseStreamEvent.CONTENT_BLOCK_START);
        if (start.start() == null || start.start().toolUse() == null) {
            return;
        }
        int block = blockIndex(start.contentBlockIndex());
        int index = nextToolIndex++;
        toolIndexes.put(block, index);
        sink.accept(new ChatEvent.ToolCallStart(index, start.start().toolUse().toolUseId(),
                start.start().toolUse().name()));
    }

    private void blockDelta(ContentBlockDelta event, Consumer<ChatEvent> sink) {
        requireStarted(ConverseStreamEvent.CONTENT_BLOCK_DELTA);
        ConverseStreamEvent.Delta delta = event.delta();
        if (delta == null) {
            return;
        }
        if (delta.text() != null) {
            if (!delta.text().isEmpty()) {
                sink.accept(new ChatEvent.TextDelta(delta.text()));
            }
        } else if (delta.toolUse() != null) {
            Integer index = toolIndexes.get(blockIndex(event.contentBlockIndex()));
            if (index == null) {
                throw BedrockErrors.malformed("Bedrock sent tool input for content block " + event.contentBlockIndex()
                        + ", which no toolUse start opened");
            }
            String input = delta.toolUse().input() == null ? "" : delta.toolUse().input();
            if (!input.isEmpty()) {
                sink.accept(new ChatEvent.ToolCallDelta(index, input));
            }
        } else if (delta.reasoningContent() != null) {
            ConverseStreamEvent.ReasoningDelta r = delta.reasoningContent();
            if (r.text() != null || r.signature() != null || r.redactedContent() != null) {
                sink.accept(new ChatEvent.ReasoningDelta(r.text(), r.signature(), r.redactedContent()));
            }
        }
        // citations and other delta kinds have no neutral event yet
    }

    private void finish(Consumer<ChatEvent> sink) {
        done = true;
        sink.accept(new ChatEvent.Stop(ConverseCodec.finishReason(stopReason), stopReason));
    }

    private void requireStarted(String type) {
        if (!started) {
            throw BedrockErrors.malformed("Bedrock sent " + type + " before messageStart");
        }
    }

    private static int blockIndex(Integer index) {
        return index == null ? 0 : index;
    }

    private static <T> T read(byte[] payload, Class<T> type, String eventType) {
        try {
            JsonNode tree = ConverseCodec.JSON.readTree(payload);
            if (tree == null || !tree.isObject()) {
                throw BedrockErrors.malformed("Bedrock sent a " + eventType + " event that is not a JSON object");
            }
            return ConverseCodec.JSON.treeToValue(tree, type);
        } catch (IOException | IllegalArgumentException e) {
            throw BedrockErrors.malformed("Bedrock sent a " + eventType + " event that is not valid JSON");
        }
    }

    private static String header(Map<String, HeaderValue> headers, String name) {
        HeaderValue value = headers.get(name);
        if (value == null) {
            return null;
        }
        try {
            return value.getString();
        } catch (IllegalStateException e) {
            // the headers we read are strings; one of another type is not the header we look for
            return null;
        }
    }
}
