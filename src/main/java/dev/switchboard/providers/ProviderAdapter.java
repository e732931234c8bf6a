package dev.switchboard.providers;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.EmbeddingRequest;
import dev.switchboard.llm.EmbeddingResponse;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The narrowest interface to a provider kind: one call, one stream. An adapter maps our neutral request to its wire
 * request and the wire response or events back, and fails with a classified {@link dev.switchboard.llm.UpstreamError}.
 * Routing, retries and fail-over live elsewhere; an adapter makes exactly one upstream attempt. The model sent
 * upstream is {@link UpstreamTarget#upstreamModel()} (the request's model when the target names none).
 * <p>
 * Two optional calls beside them: the provider's own token count of a request, and embeddings. A kind that has
 * neither keeps the defaults, which say so before any upstream call.
 */
public interface ProviderAdapter {

    ProviderKind kind();

    Uni<ChatResponse> chat(UpstreamTarget target, ChatRequest request, CallOptions options);

    /** Cancelling the subscription cancels the upstream request at once. */
    Multi<ChatEvent> stream(UpstreamTarget target, ChatRequest request, CallOptions options);

    /** The catalog's name, in an endpoint's {@code supported_parameters}, for "continues a final assistant message". */
    String ASSISTANT_PREFILL = "assistant_prefill";

    /**
     * Whether this endpoint answers a conversation that ends on an assistant message by continuing that message (a
     * prefill) rather than with a new turn: what a stream continuation needs. By default only where the catalog says
     * so; kinds whose protocol defines it say yes on their own.
     */
    default boolean continuesPrefill(CatalogEndpoint endpoint) {
        return endpoint.supports(ASSISTANT_PREFILL);
    }

    /** Whether {@link #countTokens} asks this target's provider (some kinds count for some models only). */
    default boolean countsTokens(UpstreamTarget target) {
        return false;
    }

    /** The provider's own count of the request's input tokens (its system prompt, messages and tools). */
    default Uni<Integer> countTokens(UpstreamTarget target, ChatRequest request, CallOptions options) {
        return Uni.createFrom().failure(UpstreamError.of(UpstreamErrorKind.BAD_REQUEST,
                "provider " + target.providerSlug() + " (" + kind().id() + ") has no token-counting API"));
    }

    /** Whether {@link #embed} is implemented for this kind. */
    default boolean embeds() {
        return false;
    }

    default Uni<EmbeddingResponse> embed(UpstreamTarget target, EmbeddingRequest request, CallOptions options) {
        return Uni.createFrom().failure(UpstreamError.of(UpstreamErrorKind.BAD_REQUEST,
                "provider " + target.providerSlug() + " (" + kind().id() + ") serves no embeddings here"));
    }
}
