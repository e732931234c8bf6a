package dev.switchboard.providers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.providers.http.SseEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.util.List;

/**
 * What an adapter offers when a caller speaks its provider's own protocol: the caller's body goes upstream as it is
 * (its model already the upstream id), and the answer comes back as the provider wrote it, read alongside into our
 * neutral types only to measure it (first token, usage, finish) and to classify its errors. One attempt, as
 * {@link ProviderAdapter}; its failures are the same classified {@link dev.switchboard.llm.UpstreamError}s.
 */
public interface PassThrough {

    /** A whole answer: the provider's JSON and what it says in neutral terms. */
    record Answer(ObjectNode json, ChatResponse response) {
    }

    /**
     * One event of the provider's stream as it arrived, with the neutral events it maps to. The last one of a
     * stream may have no {@code sse} when the end of the body itself completes the neutral stream.
     */
    record Event(SseEvent sse, List<ChatEvent> events) {
    }

    Uni<Answer> passThroughChat(UpstreamTarget target, ObjectNode body, CallOptions options);

    /** Cancelling the subscription cancels the upstream request at once. */
    Multi<Event> passThroughStream(UpstreamTarget target, ObjectNode body, CallOptions options);
}
