package dev.switchboard.api.responses;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.api.Served;
import dev.switchboard.api.openai.OpenAiErrorEncoder;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.proxy.ClientDialect;
import dev.switchboard.proxy.PassThroughWriter;
import dev.switchboard.proxy.StreamEncoder;

import java.math.BigDecimal;
import java.util.function.Function;

/**
 * The OpenAI Responses API ({@code POST /v1/responses}) as the proxy's callers speak it. Every provider kind is
 * reached through the neutral types, so routing, fail-over, cost and the generation log are those of chat
 * completions; nothing passes through, as no upstream we call speaks this protocol (OpenAI-compatible hosts speak
 * Chat Completions). Errors are OpenAI error objects.
 *
 * <p>The instance the routes hold parses requests; {@link #forRequest} binds one request's settings, which every
 * response object repeats.
 */
public final class ResponsesClientDialect implements ClientDialect {

    /** Null on the routes' instance: it parses and writes errors, but answers no request. */
    private final ResponsesEcho echo;

    public ResponsesClientDialect() {
        this(null);
    }

    private ResponsesClientDialect(ResponsesEcho echo) {
        this.echo = echo;
    }

    @Override
    public String protocol() {
        return "responses";
    }

    /** OpenAI's: its rate-limit headers and error objects are the ones this protocol's clients read. */
    @Override
    public ProviderKind nativeKind() {
        return ProviderKind.OPENAI;
    }

    @Override
    public ProxyRequest parse(ObjectNode body) {
        return ResponsesIngress.parse(body);
    }

    @Override
    public String messagesField() {
        return "input";
    }

    @Override
    public ClientDialect forRequest(ProxyRequest request) {
        return new ResponsesClientDialect(ResponsesEcho.of(request));
    }

    @Override
    public byte[] encodeResponse(ChatResponse response, Served served, boolean excludeReasoning) {
        return ResponsesResponseEncoder.encode(response, served, bound(), excludeReasoning);
    }

    @Override
    public StreamEncoder streamEncoder(Served served, boolean excludeReasoning) {
        return new ResponsesSseEncoder(served, bound(), excludeReasoning);
    }

    @Override
    public byte[] encodeError(ProxyError error) {
        return OpenAiErrorEncoder.encode(error);
    }

    /** Always translated: an OpenAI-kind upstream speaks Chat Completions, not this protocol. */
    @Override
    public ObjectNode passThroughBody(ObjectNode body, String upstreamModel) {
        return null;
    }

    @Override
    public PassThroughWriter passThroughWriter(Served served, String upstreamModel,
                                               Function<Usage, BigDecimal> costOf) {
        throw new IllegalStateException("Responses API requests never pass through");
    }

    private ResponsesEcho bound() {
        if (echo == null) {
            throw new IllegalStateException("a Responses answer needs the dialect bound to its request (forRequest)");
        }
        return echo;
    }
}
