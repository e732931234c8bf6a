package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.proxy.ClientDialect;
import dev.switchboard.proxy.PassThroughWriter;
import dev.switchboard.proxy.StreamEncoder;

import java.math.BigDecimal;
import java.util.function.Function;

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

    @Override
    public ObjectNode passThroughBody(ObjectNode body, String upstreamModel) {
        return ClientDialect.forProvider(body, upstreamModel);
    }

    @Override
    public PassThroughWriter passThroughWriter(Served served, String upstreamModel,
                                               Function<Usage, BigDecimal> costOf) {
        return new AnthropicPassThroughWriter(served, costOf);
    }
}
