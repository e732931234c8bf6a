package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.proxy.ClientDialect;
import dev.switchboard.proxy.StreamEncoder;

/** Anthropic Messages as the proxy's callers speak it. */
public final class AnthropicClientDialect implements ClientDialect {

    @Override
    public String protocol() {
        return "anthropic";
    }

    @Override
    public ProviderKind nativeKind() {
        return ProviderKind.ANTHROPIC;
    }

    @Override
    public ProxyRequest parse(ObjectNode body) {
        return AnthropicIngress.parse(body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response, Served served, boolean excludeReasoning) {
        return AnthropicResponseEncoder.encode(response, served, excludeReasoning);
    }

    @Override
    public StreamEncoder streamEncoder(Served served, boolean excludeReasoning) {
        return new AnthropicSseEncoder(served, excludeReasoning);
    }

    @Override
    public byte[] encodeError(ProxyError error) {
        return AnthropicErrorEncoder.encode(error);
    }
}
