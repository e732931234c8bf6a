package dev.switchboard.observe;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatResponse;

import java.util.function.BiConsumer;

/**
 * One observer's view of one proxied request, in the order things happen: attempts started and finished (with a
 * fail-over between two attempts), the first token of a streamed attempt, and the request's end. Calls for one
 * request never overlap (they come from its event loop). Every method does nothing unless overridden, so new
 * events can be added without breaking observers.
 */
public interface RequestObservation {

    /** Follows nothing: what an observer returns for a request it does not follow. */
    RequestObservation NONE = new RequestObservation() {
    };

    /** The proxy sends the request to a candidate endpoint. */
    default void attemptStarted(AttemptStarted attempt) {
    }

    /**
     * Headers to send with the attempt's upstream request, given to {@code header} (name, value): a tracer's
     * {@code traceparent}. Called right after {@link #attemptStarted}, before the request goes out.
     */
    default void propagate(AttemptStarted attempt, BiConsumer<String, String> header) {
    }

    /** A streamed attempt's first content token arrived ({@code nanos} a {@link System#nanoTime()} reading). */
    default void firstToken(AttemptStarted attempt, long nanos) {
    }

    /** An attempt ended: answered, failed, or abandoned (the caller went away, the gateway stopped). */
    default void attemptFinished(AttemptFinished attempt) {
    }

    /** {@code failed} did not serve the request, so the proxy moves on to {@code next}. */
    default void failover(AttemptFinished failed, AttemptStarted next) {
    }

    /**
     * Whether {@link #event} and {@link #answer} should be called: they carry the answer's content, which only an
     * observer that records content (and says so in its configuration) should ask for. Asked once per request.
     */
    default boolean wantsContent() {
        return false;
    }

    /** An event of a streamed attempt, as the proxy read it (the attempt may still fail over). */
    default void event(AttemptStarted attempt, ChatEvent event) {
    }

    /** The whole answer of a non-streamed attempt. */
    default void answer(AttemptStarted attempt, ChatResponse answer) {
    }

    /** The request ended: its answer or error has been handed to the caller's connection. Called exactly once. */
    default void requestFinished(RequestFinished request) {
    }
}
