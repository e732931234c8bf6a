package dev.switchboard.providers;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The narrowest interface to a provider kind: one call, one stream. An adapter maps our neutral request to its wire
 * request and the wire response or events back, and fails with a classified {@link dev.switchboard.llm.UpstreamError}.
 * Routing, retries and fail-over live elsewhere; an adapter makes exactly one upstream attempt. The model sent
 * upstream is {@link UpstreamTarget#upstreamModel()} (the request's model when the target names none).
 */
public interface ProviderAdapter {

    ProviderKind kind();

    Uni<ChatResponse> chat(UpstreamTarget target, ChatRequest request, CallOptions options);

    /** Cancelling the subscription cancels the upstream request at once. */
    Multi<ChatEvent> stream(UpstreamTarget target, ChatRequest request, CallOptions options);
}
