package dev.switchboard.api.openai;

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

/** OpenAI Chat Completions as the proxy's callers speak it. */
public final class OpenAiClientDialect implements ClientDialect {

    @Override
    public String protocol() {
        return "openai";
    }

    @Override
    public ProviderKind nativeKind() {
        return ProviderKind.OPENAI;
    }

    @Override
    public ProxyRequest parse(ObjectNode body) {
        return OpenAiIngress.parse(body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response, Served served, boolean excludeReasoning) {
        return OpenAiResponseEncoder.encode(response, served, excludeReasoning);
    }

    @Override
    public StreamEncoder streamEncoder(Served served, boolean excludeReasoning) {
        return new OpenAiSseEncoder(served, excludeReasoning);
    }

    @Override
    public byte[] encodeError(ProxyError error) {
        return OpenAiErrorEncoder.encode(error);
    }

    /** OpenRouter's reasoning options mean something else to OpenAI's API: such requests are translated. */
    @Override
    public ObjectNode passThroughBody(ObjectNode body, String upstreamModel) {
        if (body.has("reasoning") || body.has("include_reasoning")) {
            return null;
        }
        return ClientDialect.forProvider(body, upstreamModel);
    }

    @Override
    public PassThroughWriter passThroughWriter(Served served, String upstreamModel,
                                               Function<Usage, BigDecimal> costOf) {
        return new OpenAiPassThroughWriter(served, upstreamModel, costOf);
    }
}
