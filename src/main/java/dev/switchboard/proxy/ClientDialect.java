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

    /** {@code openai} or {@code anthropic}: what the generation log calls the protocol. */
    String protocol();

    /** The provider kind that speaks this protocol upstream, where a request may pass through unchanged. */
    ProviderKind nativeKind();

    /** Parses and validates a request body; throws {@link dev.switchboard.api.ProxyException} for bad input. */
    ProxyRequest parse(ObjectNode body);

    byte[] encodeResponse(ChatResponse response, Served served, boolean excludeReasoning);

    StreamEncoder streamEncoder(Served served, boolean excludeReasoning);

    byte[] encodeError(ProxyError error);
}
