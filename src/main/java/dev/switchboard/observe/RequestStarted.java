package dev.switchboard.observe;

import dev.switchboard.llm.ChatRequest;

/**
 * A request as it reached the proxy.
 *
 * @param generationId   the generation id the caller is told, or null for a request refused before it had one
 * @param protocol       the caller's protocol: {@code openai} or {@code anthropic}
 * @param stream         whether the caller asked for a stream (false when the body was not read)
 * @param requestedModel the model as the caller wrote it: free text, never to be used as a metric label
 * @param model          the catalog slug it resolved to, or null when it named no model of the catalog
 * @param keyId          the gateway key's id ({@code master} for the master key), null when the proxy is open or
 *                       the key was refused
 * @param startNanos     a {@link System#nanoTime()} reading when the proxy took the request
 * @param startEpochMillis wall-clock time of the same moment, for traces and logs
 * @param chat           the request in neutral form (messages, parameters), null when it was refused before its body
 *                       was read; the caller's content: only for observers configured to record content
 * @param trace          the caller's W3C trace context ({@link CallerTrace#NONE} when it sent none)
 */
public record RequestStarted(String generationId, String protocol, boolean stream, String requestedModel,
                             String model, String keyId, long startNanos, long startEpochMillis, ChatRequest chat,
                             CallerTrace trace) {

    public RequestStarted {
        trace = trace == null ? CallerTrace.NONE : trace;
    }

    /** A request that came with no trace context of its caller's. */
    public RequestStarted(String generationId, String protocol, boolean stream, String requestedModel, String model,
                          String keyId, long startNanos, long startEpochMillis, ChatRequest chat) {
        this(generationId, protocol, stream, requestedModel, model, keyId, startNanos, startEpochMillis, chat,
                CallerTrace.NONE);
    }
}
