package dev.switchboard.providers.anthropic;

import dev.switchboard.catalog.CatalogEndpoint;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.CallTimers;
import dev.switchboard.providers.ChunkEvents;
import dev.switchboard.providers.PassThrough;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.providers.StreamDeadlines;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.http.SseParser;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.providers.http.UpstreamRequest;
import dev.switchboard.providers.http.UpstreamResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Anthropic's Messages API: {@code POST <base>/v1/messages} with {@code x-api-key} and {@code anthropic-version}.
 * One upstream attempt per call; errors come back classified ({@link AnthropicErrors}); the API key appears in no
 * log line, exception or toString.
 */
@ApplicationScoped
public class AnthropicAdapter implements ProviderAdapter, PassThrough {

    public static final String API_VERSION = "2023-06-01";

    /** Error bodies are read whole but only this much is kept: a CDN's HTML page says nothing more useful. */
    private static final int MAX_ERROR_BODY = 64 * 1024;
    /** Far above any real answer; a guard against an upstream that never stops sending. */
    private static final int MAX_RESPONSE_BODY = 64 * 1024 * 1024;

    private final UpstreamHttp http;
    private final AnthropicCodec codec;

    @Inject
    public AnthropicAdapter(UpstreamHttp http) {
        this(http, new AnthropicCodec(AnthropicDialect.FIRST_PARTY, AnthropicCodec.DEFAULT_MAX_TOKENS));
    }

    AnthropicAdapter(UpstreamHttp http, AnthropicCodec codec) {
        this.http = http;
        this.codec = codec;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.ANTHROPIC;
    }

    /** The Messages API reads a conversation that ends on an assistant message as a prefill, on every model. */
    @Override
    public boolean continuesPrefill(CatalogEndpoint endpoint) {
        return true;
    }

    @Override
    public Uni<ChatResponse> chat(UpstreamTarget target, ChatRequest request, CallOptions options) {
        String key = apiKey(target);
        return Uni.createFrom().deferred(() -> {
                    UpstreamRequest upstream = upstreamRequest(target, codec.encodeRequest(forTarget(target, request), false), false);
                    return http.send(upstream, options);
                })
                .onItem().transformToUni(response -> response.bodyUpTo(MAX_RESPONSE_BODY).map(body -> {
                    if (response.status() / 100 != 2) {
                        throw AnthropicErrors.fromResponse(response.status(), response.header("retry-after"), body,
                                key);
                    }
                    return codec.decodeResponse(body);
                }))
                .plug(call -> CallTimers.totalDeadline(call, options.totalTimeout(), () ->
                        "The provider did not answer within the total timeout of " + options.totalTimeout().toSeconds()
                        + " s"))
                .onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify);
    }

    @Override
    public Multi<ChatEvent> stream(UpstreamTarget target, ChatRequest request, CallOptions options) {
        String key = apiKey(target);
        Multi<ChatEvent> upstreamEvents = Uni.createFrom().deferred(() -> {
                    UpstreamRequest upstream = upstreamRequest(target, codec.encodeRequest(forTarget(target, request), true), true);
                    return http.send(upstream, options);
                })
                // everything below runs in the callback that delivers the response head, so the body's handlers
                // are in place before its first chunk can arrive
                .onItem().transformToMulti(response -> streamEvents(response, key));
        return AnthropicStreamCall.of(upstreamEvents, options);
    }

    /**
     * A streamed Messages response as neutral events: an error status or a non-stream body fails classified, an
     * event stream is parsed as it arrives. Public for Claude on Vertex AI, whose streamRawPredict answers the same.
     *
     * @param key the credential to scrub from provider messages, if any
     */
    public static Multi<ChatEvent> streamEvents(UpstreamResponse response, String key) {
        if (response.status() / 100 != 2) {
            return response.bodyUpTo(MAX_ERROR_BODY).<ChatEvent>map(body -> {
                throw AnthropicErrors.fromResponse(response.status(), response.header("retry-after"), body, key);
            }).toMulti();
        }
        String contentType = response.header("content-type");
        if (contentType != null && !contentType.contains("text/event-stream")) {
            // a 200 that is not a stream: an error object from a proxy in front of the API, or something else
            return response.bodyUpTo(MAX_ERROR_BODY).<ChatEvent>map(body -> {
                UpstreamError error = AnthropicErrors.errorInBody(body, key);
                throw error != null ? error : UpstreamError.of(UpstreamErrorKind.MALFORMED_RESPONSE, "The provider "
                        + "answered a streaming request with " + contentType + " instead of an event stream");
            }).toMulti();
        }
        AnthropicStreamMapper mapper = new AnthropicStreamMapper(key);
        List<ChatEvent> ready = new ArrayList<>();
        SseParser parser = new SseParser(event -> ready.addAll(mapper.onEvent(event)));
        return ChunkEvents.of(response.chunks(), ready, chunk -> parser.feed(chunk.getBytes()), () -> {
            if (!mapper.isDone()) {
                endOfStream(parser);
            }
            mapper.finish();
        });
    }

    /** A last event without its blank line is taken; one cut short means the stream was cut short. */
    private static void endOfStream(SseParser parser) {
        try {
            parser.end();
        } catch (UpstreamError e) {
            if (e.kind() != UpstreamErrorKind.MALFORMED_RESPONSE) {
                throw e;
            }
        }
    }




    // ---- token counting: POST /v1/messages/count_tokens

    /** What count_tokens takes of a Messages body; it refuses the generation fields (max_tokens, temperature...). */
    public static final java.util.Set<String> COUNT_FIELDS = java.util.Set.of("model", "messages", "system", "tools",
            "tool_choice", "thinking");

    @Override
    public boolean countsTokens(UpstreamTarget target) {
        return true;
    }

    @Override
    public Uni<Integer> countTokens(UpstreamTarget target, ChatRequest request, CallOptions options) {
        String key = apiKey(target);
        return Uni.createFrom().deferred(() -> {
                    ObjectNode body = codec.requestTree(forTarget(target, request), false);
                    body.retain(COUNT_FIELDS);
                    UpstreamRequest messages = upstreamRequest(target, write(body), false);
                    return http.send(new UpstreamRequest("POST", messages.url() + "/count_tokens",
                            messages.headers(), messages.body()), options);
                })
                .onItem().transformToUni(response -> response.bodyUpTo(MAX_ERROR_BODY).map(bytes -> {
                    if (response.status() / 100 != 2) {
                        throw AnthropicErrors.fromResponse(response.status(), response.header("retry-after"), bytes,
                                key);
                    }
                    return inputTokens(codec.readObject(bytes), "input_tokens");
                }))
                .plug(call -> CallTimers.totalDeadline(call, options.totalTimeout(), () ->
                        "The provider did not count within the total timeout of " + options.totalTimeout().toSeconds()
                        + " s"))
                .onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify);
    }

    /** A count from an answer: a non-negative integer field, else the answer is malformed. */
    public static int inputTokens(com.fasterxml.jackson.databind.JsonNode answer, String field) {
        com.fasterxml.jackson.databind.JsonNode count = answer.get(field);
        if (count == null || !count.canConvertToInt() || count.asInt() < 0) {
            throw UpstreamError.of(UpstreamErrorKind.MALFORMED_RESPONSE, "The provider's token count has no "
                    + field);
        }
        return count.asInt();
    }

    // ---- pass-through: the caller's own Messages body

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Uni<Answer> passThroughChat(UpstreamTarget target, ObjectNode body, CallOptions options) {
        String key = apiKey(target);
        return Uni.createFrom().deferred(() -> http.send(upstreamRequest(target, passThroughBody(body, false), false),
                        options))
                .onItem().transformToUni(response -> response.bodyUpTo(MAX_RESPONSE_BODY).map(bytes -> {
                    if (response.status() / 100 != 2) {
                        throw AnthropicErrors.fromResponse(response.status(), response.header("retry-after"), bytes,
                                key);
                    }
                    ObjectNode json = codec.readObject(bytes);
                    return new Answer(json, codec.decodeResponse(json));
                }))
                .plug(call -> CallTimers.totalDeadline(call, options.totalTimeout(), () ->
                        "The provider did not answer within the total timeout of " + options.totalTimeout().toSeconds()
                        + " s"))
                .onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify);
    }

    @Override
    public Multi<Event> passThroughStream(UpstreamTarget target, ObjectNode body, CallOptions options) {
        String key = apiKey(target);
        Multi<Event> events = Uni.createFrom().deferred(() -> http.send(upstreamRequest(target,
                        passThroughBody(body, true), true), options))
                .onItem().transformToMulti(response -> rawEvents(response, key));
        return StreamDeadlines.applyTo(events.onFailure(f -> !(f instanceof UpstreamError))
                .transform(UpstreamHttp::classify), options, e -> e.events().stream().anyMatch(ChatEvent::isContent));
    }

    private static byte[] write(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static byte[] passThroughBody(ObjectNode body, boolean stream) {
        ObjectNode sent = body.deepCopy();
        if (stream) {
            sent.put("stream", true);
        } else {
            sent.remove("stream");
        }
        try {
            return JSON.writeValueAsBytes(sent);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static Multi<Event> rawEvents(UpstreamResponse response, String key) {
        String contentType = response.header("content-type");
        if (response.status() / 100 != 2 || contentType != null && !contentType.contains("text/event-stream")) {
            return streamEvents(response, key).map(e -> new Event(null, List.of(e)));
        }
        AnthropicStreamMapper mapper = new AnthropicStreamMapper(key);
        List<Event> out = new ArrayList<>();
        SseParser parser = new SseParser(event -> out.add(new Event(event, mapper.onEvent(event))));
        return ChunkEvents.of(response.chunks(), out, chunk -> parser.feed(chunk.getBytes()), () -> {
            if (!mapper.isDone()) {
                endOfStream(parser);
            }
            mapper.finish();
        });
    }

    UpstreamRequest upstreamRequest(UpstreamTarget target, byte[] body, boolean stream) {
        Map<String, String> headers = new LinkedHashMap<>();
        String key = apiKey(target);
        if (key != null) {
            headers.put("x-api-key", key);
        }
        headers.put("anthropic-version", API_VERSION);
        headers.put("content-type", "application/json");
        headers.put("accept", stream ? "text/event-stream" : "application/json");
        return UpstreamRequest.postJson(messagesUrl(target.baseUrl()), headers, body);
    }

    /**
     * The catalog's base URL is the host without a version ({@code https://api.anthropic.com}, as Anthropic's SDKs
     * take it); an operator's base URL that already ends in /v1 is taken as meant.
     */
    static String messagesUrl(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw UpstreamError.of(UpstreamErrorKind.CONNECTION, "No base URL is configured for this provider");
        }
        String base = baseUrl.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base.endsWith("/v1") ? base + "/messages" : base + "/v1/messages";
    }

    private static String apiKey(UpstreamTarget target) {
        return target.settings() == null ? null : target.settings().apiKey().orElse(null);
    }

    /** The target names the model the provider expects; the request may still carry the caller's name. */
    private static ChatRequest forTarget(UpstreamTarget target, ChatRequest request) {
        return target.upstreamModel() == null ? request : request.withModel(target.upstreamModel());
    }
}
