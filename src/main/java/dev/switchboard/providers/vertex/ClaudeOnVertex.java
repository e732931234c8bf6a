package dev.switchboard.providers.vertex;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.anthropic.AnthropicAdapter;
import dev.switchboard.providers.anthropic.AnthropicCodec;
import dev.switchboard.providers.anthropic.AnthropicDialect;
import dev.switchboard.providers.anthropic.AnthropicErrors;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.providers.http.UpstreamRequest;
import dev.switchboard.providers.http.UpstreamResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Claude on Vertex AI: {@code POST .../publishers/anthropic/models/{model}:rawPredict} (and {@code :streamRawPredict}
 * for a stream) with Anthropic's Messages body in its Vertex dialect (no {@code model}, {@code anthropic_version:
 * vertex-2023-10-16}) and the Vertex access token. The body, the answer and the SSE events are Anthropic's, so
 * {@link AnthropicCodec} and {@link AnthropicAdapter#streamEvents} do the mapping. Errors come in two shapes: Vertex's
 * own (a quota 429, a refused token, an unknown model) in Google's, and Claude's passed through in Anthropic's; each is
 * classified by its own rules.
 */
final class ClaudeOnVertex {

    private static final AnthropicCodec CODEC = new AnthropicCodec(AnthropicDialect.VERTEX,
            AnthropicCodec.DEFAULT_MAX_TOKENS);

    private final UpstreamHttp http;
    private final VertexAccessTokens tokens;

    ClaudeOnVertex(UpstreamHttp http, VertexAccessTokens tokens) {
        this.http = http;
        this.tokens = tokens;
    }

    /** Anthropic's models on Vertex are named {@code claude-...} ({@code claude-sonnet-4@20250514}). */
    static boolean serves(String model) {
        return model.toLowerCase(Locale.ROOT).startsWith("claude");
    }

    static byte[] encode(ChatRequest request, String model, boolean stream) {
        return CODEC.encodeRequest(request.withModel(model), stream);
    }

    Uni<ChatResponse> chat(UpstreamTarget target, VertexAdapter.Auth auth, String model, byte[] body,
                           CallOptions options) {
        return http.send(request(target, auth, model, body, false), options)
                .chain(response -> response.bodyUpTo(VertexAdapter.MAX_RESPONSE_BODY).map(bytes -> {
                    if (response.status() / 100 != 2) {
                        throw failure(response, bytes, auth);
                    }
                    return CODEC.decodeResponse(bytes);
                }));
    }

    Multi<ChatEvent> stream(UpstreamTarget target, VertexAdapter.Auth auth, String model, byte[] body,
                            CallOptions options) {
        return http.send(request(target, auth, model, body, true), options)
                // subscribed in the response head's callback: the body's handlers are set before its first chunk
                .onItem().transformToMulti(response -> response.status() / 100 == 2
                        ? AnthropicAdapter.streamEvents(response, auth.secrets().getFirst())
                        : response.bodyUpTo(VertexAdapter.MAX_ERROR_BODY).<ChatEvent>map(bytes -> {
                            throw failure(response, bytes, auth);
                        }).toMulti());
    }

    /**
     * Claude's token count on Vertex: {@code .../publishers/anthropic/models/count-tokens:rawPredict} with Anthropic's
     * count_tokens body, the model named in the body (the path names the method, not the model), answered
     * {@code {"input_tokens": N}}.
     */
    Uni<Integer> countTokens(UpstreamTarget target, VertexAdapter.Auth auth, String model, ChatRequest request,
                             CallOptions options) {
        com.fasterxml.jackson.databind.node.ObjectNode body = CODEC.requestTree(request.withModel(model), false);
        body.retain(AnthropicAdapter.COUNT_FIELDS);
        body.put("model", model);
        body.put("anthropic_version", AnthropicDialect.VERTEX.anthropicVersion());
        byte[] bytes;
        try {
            bytes = GeminiCodec.JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        UpstreamRequest predict = request(target, auth, model, bytes, false);
        String url = VertexAdapter.projectUrl(target, auth, "anthropic", "count-tokens", "rawPredict");
        return http.send(new UpstreamRequest("POST", url, predict.headers(), bytes), options)
                .chain(response -> response.bodyUpTo(VertexAdapter.MAX_ERROR_BODY).map(answer -> {
                    if (response.status() / 100 != 2) {
                        throw failure(response, answer, auth);
                    }
                    try {
                        return AnthropicAdapter.inputTokens(GeminiCodec.JSON.readTree(answer), "input_tokens");
                    } catch (IOException e) {
                        throw UpstreamError.of(UpstreamErrorKind.MALFORMED_RESPONSE,
                                "The provider's token count is not JSON");
                    }
                }));
    }

    static UpstreamRequest request(UpstreamTarget target, VertexAdapter.Auth auth, String model, byte[] body,
                                   boolean stream) {
        if (auth.apiKey()) {
            // Vertex's express mode (API keys) serves Google's own models only
            throw UpstreamError.of(UpstreamErrorKind.AUTHENTICATION, "Claude on Vertex AI needs a service-account "
                    + "key: set switchboard.provider." + target.providerSlug() + ".credentials-file");
        }
        Map<String, String> headers = new LinkedHashMap<>(auth.headers());
        headers.put("content-type", "application/json");
        if (stream) {
            headers.put("accept", "text/event-stream");
        }
        return UpstreamRequest.postJson(VertexAdapter.projectUrl(target, auth, "anthropic", model,
                stream ? "streamRawPredict" : "rawPredict"), headers, body);
    }

    /**
     * Google's shape ({@code {"error":{"code","status",...}}}) is Vertex speaking; Anthropic's ({@code {"type":"error",
     * "error":{"type",...}}}, which has an {@code error} object too), HTML or nothing go by Anthropic's rules.
     */
    private UpstreamError failure(UpstreamResponse response, byte[] body, VertexAdapter.Auth auth) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (!anthropicShape(text) && GeminiErrors.parse(text) != null) {
            if (response.status() == 401 && auth.credentialsFile() != null) {
                tokens.invalidate(auth.credentialsFile());
            }
            return GeminiErrors.fromResponse(response.status(), response::header, text, auth.secrets(),
                    Instant.now());
        }
        return AnthropicErrors.fromResponse(response.status(), response.header("retry-after"), body,
                auth.secrets().toArray(String[]::new));
    }

    private static boolean anthropicShape(String text) {
        try {
            return "error".equals(GeminiCodec.JSON.readTree(text).path("type").asText());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
