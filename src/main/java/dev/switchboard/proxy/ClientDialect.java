package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.providers.ProviderKind;

/**
 * One client protocol the proxy speaks (OpenAI Chat Completions, Anthropic Messages): how its requests are read and
 * its answers, streams and errors written. The proxy's routing and failover are the same for every dialect.
 */
public interface ClientDialect {

    /** {@code openai}, {@code anthropic} or {@code responses}: what the generation log calls the protocol. */
    String protocol();

    /** The provider kind that speaks this protocol upstream, where a request may pass through unchanged. */
    ProviderKind nativeKind();

    /** Parses and validates a request body; throws {@link dev.switchboard.api.ProxyException} for bad input. */
    ProxyRequest parse(ObjectNode body);

    /** The body field holding the conversation, whose length switchboard.proxy.max-messages bounds. */
    default String messagesField() {
        return "messages";
    }

    /**
     * The dialect that answers this one parsed request. Most answer every request alike; a protocol whose answers
     * echo the request's settings (the Responses API's response object does) binds them here.
     */
    default ClientDialect forRequest(ProxyRequest request) {
        return this;
    }

    byte[] encodeResponse(ChatResponse response, Served served, boolean excludeReasoning);

    StreamEncoder streamEncoder(Served served, boolean excludeReasoning);

    byte[] encodeError(ProxyError error);

    /**
     * The caller's body as a provider of {@link #nativeKind()} takes it: the model set to the upstream id and the
     * gateway's own fields (routing extensions) removed; null when the request uses something only the gateway
     * understands, which must go the translated way.
     */
    ObjectNode passThroughBody(ObjectNode body, String upstreamModel);

    PassThroughWriter passThroughWriter(Served served, String upstreamModel,
                                        java.util.function.Function<dev.switchboard.llm.Usage, java.math.BigDecimal>
                                                costOf);

    /** The routing extensions of the OpenRouter and ZenMux dialects: the gateway's, never a provider's. */
    java.util.List<String> GATEWAY_FIELDS = java.util.List.of("provider", "models", "route",
            "provider_routing_strategy", "transforms", "usage", "plugins");

    /** A copy of the body for the provider, without the gateway's fields and with the provider's model id. */
    static ObjectNode forProvider(ObjectNode body, String upstreamModel) {
        ObjectNode copy = body.deepCopy();
        copy.remove(GATEWAY_FIELDS);
        copy.put("model", upstreamModel);
        return copy;
    }
}
