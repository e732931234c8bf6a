package dev.switchboard.providers;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.UpstreamError;
import io.smallrye.mutiny.Multi;

import java.util.List;

/**
 * The events a stream mapper made ready from one network chunk, handed on as a batch: the ones read before a failure
 * in the same chunk still reach the reader, then the failure.
 */
public final class ChatEventBatches {

    private ChatEventBatches() {
    }

    /** Takes what is ready, leaving the list empty for the next chunk. */
    public static List<ChatEvent> drain(List<ChatEvent> ready) {
        if (ready.isEmpty()) {
            return List.of();
        }
        List<ChatEvent> out = List.copyOf(ready);
        ready.clear();
        return out;
    }

    public static Multi<ChatEvent> thenFail(List<ChatEvent> events, UpstreamError failure) {
        return Multi.createFrom().iterable(events).onCompletion().failWith(failure);
    }
}
