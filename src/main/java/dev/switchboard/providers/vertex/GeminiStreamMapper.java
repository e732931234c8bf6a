package dev.switchboard.providers.vertex;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.http.SseEvent;
import dev.switchboard.providers.vertex.wire.GenerateContentResponse;
import dev.switchboard.providers.vertex.wire.Part;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One Gemini stream to neutral events. Each SSE event's data is a whole {@link GenerateContentResponse} holding only
 * what is new: text and thought parts become deltas, a function call arrives whole (a {@link ChatEvent.ToolCallStart}
 * and one {@link ChatEvent.ToolCallDelta} with all its arguments), the last chunk carries the finish reason and usage.
 * Usage and Stop go out when the body ends, the usage of the last chunk that had one winning; a body that ends without
 * a finish reason was cut short and fails. An error object in the stream fails it, classified.
 */
public final class GeminiStreamMapper {

    private final String requestedModel;
    private final Collection<String> secrets;
    private boolean started;
    private int toolCalls;
    private String finishReason;
    private GenerateContentResponse.UsageMetadata usage;

    public GeminiStreamMapper(String requestedModel, Collection<String> secrets) {
        this.requestedModel = requestedModel;
        this.secrets = secrets;
    }

    public List<ChatEvent> onEvent(SseEvent event) {
        JsonNode json;
        try {
            json = GeminiCodec.JSON.readTree(event.data());
        } catch (JsonProcessingException e) {
            throw GeminiErrors.malformed("The provider sent a stream chunk that is not JSON", event.data(), secrets);
        }
        return onChunk(json);
    }

    /** One chunk, as parsed JSON (an SSE event's data, or an element of a JSON array answer). */
    public List<ChatEvent> onChunk(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw GeminiErrors.malformed("The provider sent a stream chunk that is not a JSON object",
                    String.valueOf(json), secrets);
        }
        if (json.has("error")) {
            throw GeminiErrors.fromStream(json, secrets);
        }
        GenerateContentResponse chunk;
        try {
            chunk = GeminiCodec.decodeResponse(json);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw GeminiErrors.malformed("The provider sent a chunk that is not a GenerateContentResponse",
                    json.toString(), secrets);
        }
        List<ChatEvent> events = new ArrayList<>();
        if (!started) {
            started = true;
            events.add(new ChatEvent.Start(chunk.responseId(),
                    chunk.modelVersion() != null ? chunk.modelVersion() : requestedModel));
        }
        if (chunk.usageMetadata() != null) {
            usage = chunk.usageMetadata();
        }
        GenerateContentResponse.Candidate candidate = chunk.firstCandidate();
        if (candidate == null) {
            if (chunk.promptFeedback() != null && chunk.promptFeedback().blockReason() != null) {
                throw GeminiErrors.blocked(chunk.promptFeedback());
            }
            // a usage-only chunk
            return events;
        }
        if (candidate.content() != null && candidate.content().parts() != null) {
            for (Part part : candidate.content().parts()) {
                part(part, events);
            }
        }
        if (candidate.finishReason() != null) {
            finishReason = candidate.finishReason();
        }
        return events;
    }

    private void part(Part part, List<ChatEvent> events) {
        if (part.isThought()) {
            events.add(new ChatEvent.ReasoningDelta(part.text() == null ? "" : part.text(), part.thoughtSignature(),
                    null));
            return;
        }
        if (part.thoughtSignature() != null) {
            events.add(new ChatEvent.ReasoningDelta("", part.thoughtSignature(), null));
        }
        if (part.functionCall() != null) {
            int index = toolCalls++;
            events.add(new ChatEvent.ToolCallStart(index, GeminiCodec.toolCallId(index, part.functionCall()),
                    part.functionCall().name()));
            events.add(new ChatEvent.ToolCallDelta(index, GeminiCodec.argumentsText(part.functionCall())));
        } else if (part.text() != null && !part.text().isEmpty()) {
            events.add(new ChatEvent.TextDelta(part.text()));
        }
    }

    /** A finish reason has arrived: what follows adds nothing, and a connection that then breaks takes nothing away. */
    public boolean isDone() {
        return finishReason != null;
    }

    /** The body ended: the usage and the stop, or a failure if the model had not finished. */
    public List<ChatEvent> onEnd() {
        if (finishReason == null) {
            throw UpstreamError.of(UpstreamErrorKind.CONNECTION,
                    "The provider's stream ended before the model finished");
        }
        List<ChatEvent> events = new ArrayList<>();
        if (usage != null) {
            events.add(new ChatEvent.UsageReport(GeminiCodec.usage(usage)));
        }
        FinishReason reason = GeminiCodec.finishReason(finishReason, toolCalls > 0);
        events.add(new ChatEvent.Stop(reason, finishReason));
        return events;
    }
}
