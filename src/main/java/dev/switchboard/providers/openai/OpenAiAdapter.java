package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.EmbeddingRequest;
import dev.switchboard.llm.EmbeddingResponse;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.CallTimers;
import dev.switchboard.providers.PassThrough;
import dev.switchboard.providers.ChunkEvents;
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
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chat Completions over HTTP, for OpenAI and every OpenAI-compatible host. One attempt per call: builds the URL
 * and headers for the target (Azure's deployment URL and {@code api-key} header where the target is Azure), sends
 * the {@link OpenAiCodec} request through the pooled client, and maps the answer or the stream back, failing with
 * a classified {@link UpstreamError}. Credentials go into request headers only, never into a message.
 */
@ApplicationScoped
public class OpenAiAdapter implements ProviderAdapter, PassThrough {

    /** The Azure OpenAI GA data-plane version used when neither the base URL nor configuration names one. */
    static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";
    private static final String CHAT_COMPLETIONS = "chat/completions";
    private static final String EMBEDDINGS = "embeddings";

    private final UpstreamHttp http;
    private final Function<String, Optional<String>> config;

    @Inject
    public OpenAiAdapter(UpstreamHttp http) {
        this(http, name -> ConfigProvider.getConfig().getOptionalValue(name, String.class));
    }

    /** @param config reads a configuration property by name (tests pass a map) */
    OpenAiAdapter(UpstreamHttp http, Function<String, Optional<String>> config) {
        this.http = http;
        this.config = config;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.OPENAI;
    }

    @Override
    public Uni<ChatResponse> chat(UpstreamTarget target, ChatRequest request, CallOptions options) {
        Collection<String> secrets = secrets(target);
        return Uni.createFrom().deferred(() -> http.send(request(target, request, false,
                        options.assistantPrefill()), options))
                .onItem().transformToUni(response -> body(response)
                        .onItem().transform(body -> answer(response, body, secrets)))
                .plug(call -> CallTimers.totalDeadline(call, options.totalTimeout(), () ->
                        "The provider did not answer within " + options.totalTimeout().toMillis() + " ms"))
                .onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify);
    }

    @Override
    public Multi<ChatEvent> stream(UpstreamTarget target, ChatRequest request, CallOptions options) {
        Collection<String> secrets = secrets(target);
        Multi<ChatEvent> events = Multi.createFrom().deferred(() -> http.send(request(target, request, true,
                        options.assistantPrefill()), options)
                .onItem().transformToMulti(response -> events(response, secrets)));
        return StreamDeadlines.apply(events.onFailure(f -> !(f instanceof UpstreamError))
                .transform(UpstreamHttp::classify), options);
    }

    @Override
    public boolean embeds() {
        return true;
    }

    /** {@code <base>/embeddings} (Azure: the deployment's), one attempt, errors classified as for chat. */
    @Override
    public Uni<EmbeddingResponse> embed(UpstreamTarget target, EmbeddingRequest request, CallOptions options) {
        Collection<String> secrets = secrets(target);
        return Uni.createFrom().deferred(() -> {
                    OpenAiDialect dialect = dialect(target);
                    String model = target.upstreamModel() != null ? target.upstreamModel() : request.model();
                    return http.send(upstream(target, dialect, model, OpenAiEmbeddingsCodec.encode(request, model),
                            false, EMBEDDINGS), options);
                })
                .onItem().transformToUni(response -> body(response).onItem().transform(body ->
                        OpenAiEmbeddingsCodec.decode(answerJson(response, body, secrets, "data"), request.size(),
                                text(body), secrets)))
                .plug(call -> CallTimers.totalDeadline(call, options.totalTimeout(), () ->
                        "The provider did not answer within " + options.totalTimeout().toMillis() + " ms"))
                .onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify);
    }

    /** The whole body; for an error status a body that cannot be read still leaves the status to classify. */
    private static Uni<Buffer> body(UpstreamResponse response) {
        return response.status() / 100 == 2 ? response.body() : response.body().onFailure().recoverWithNull();
    }

    private static ChatResponse answer(UpstreamResponse response, Buffer body, Collection<String> secrets) {
        return OpenAiCodec.fromWire(OpenAiCodec.decodeResponse(answerJson(response, body, secrets, "choices")));
    }

    /**
     * The answer's JSON object, parsed once from the bytes; an error status or body is classified instead.
     *
     * @param resultField what an answer holds ({@code choices}, {@code data}): an {@code error} without it is a failure
     */
    private static ObjectNode answerJson(UpstreamResponse response, Buffer body, Collection<String> secrets,
                                         String resultField) {
        if (response.status() / 100 != 2) {
            throw OpenAiErrors.fromResponse(response.status(), response::header, text(body), secrets, Instant.now());
        }
        JsonNode json;
        try {
            json = body == null ? null : OpenAiCodec.JSON.readTree(body.getBytes());
        } catch (IOException e) {
            throw OpenAiErrors.malformed("The provider's answer is not JSON", text(body), secrets);
        }
        if (json == null || !json.isObject()) {
            throw OpenAiErrors.malformed("The provider's answer is not a JSON object", text(body), secrets);
        }
        if (json.has("error") && !json.has(resultField)) {
            // a few hosts report failures with status 200
            throw OpenAiErrors.fromOkBody(json, secrets);
        }
        return (ObjectNode) json;
    }

    private static String text(Buffer body) {
        return body == null ? "" : body.toString(StandardCharsets.UTF_8);
    }

    /**
     * The stream of one response: an error status is read whole and classified; a JSON body where a stream was asked
     * for is read whole and replayed; otherwise SSE is parsed and mapped chunk by chunk as the bytes arrive.
     */
    private static Multi<ChatEvent> events(UpstreamResponse response, Collection<String> secrets) {
        String contentType = Optional.ofNullable(response.header("content-type")).orElse("").toLowerCase(Locale.ROOT);
        if (response.status() / 100 != 2 || contentType.contains("json")) {
            return body(response).onItem().transformToMulti(body -> {
                ChatResponse whole = answer(response, body, secrets);
                return Multi.createFrom().iterable(OpenAiStreamMapper.replay(whole));
            });
        }
        if (contentType.contains("text/html")) {
            // a proxy's or captive portal's page, not the provider
            return body(response).onItem().transformToMulti(body -> Multi.createFrom().failure(OpenAiErrors.malformed(
                    "The provider answered a streaming request with an HTML page",
                    body == null ? "" : body.toString(StandardCharsets.UTF_8), secrets)));
        }
        OpenAiStreamMapper mapper = new OpenAiStreamMapper(secrets);
        List<ChatEvent> out = new ArrayList<>();
        SseParser parser = new SseParser(event -> out.addAll(mapper.onEvent(event)));
        // after [DONE] the answer is complete: a connection that then breaks or stalls takes nothing away
        return ChunkEvents.of(response.chunks(), out, chunk -> parser.feed(chunk.getBytes()), () -> {
            parser.end();
            out.addAll(mapper.onEnd());
        }, failure -> mapper.isDone());
    }

    UpstreamRequest request(UpstreamTarget target, ChatRequest request, boolean stream) {
        return request(target, request, stream, false);
    }

    UpstreamRequest request(UpstreamTarget target, ChatRequest request, boolean stream, boolean prefill) {
        OpenAiDialect dialect = dialect(target);
        String model = target.upstreamModel() != null ? target.upstreamModel() : request.model();
        return upstream(target, dialect, model, OpenAiCodec.encode(OpenAiCodec.toWire(request, model, dialect,
                stream, prefill)), stream);
    }

    private static OpenAiDialect dialect(UpstreamTarget target) {
        if (target.baseUrl() == null || target.baseUrl().isBlank()) {
            throw UpstreamError.of(UpstreamErrorKind.CONNECTION,
                    "No base URL is configured for provider " + target.providerSlug());
        }
        return OpenAiDialect.of(target.providerSlug(), target.baseUrl());
    }

    private UpstreamRequest upstream(UpstreamTarget target, OpenAiDialect dialect, String model, byte[] body,
                                     boolean stream) {
        return upstream(target, dialect, model, body, stream, CHAT_COMPLETIONS);
    }

    private UpstreamRequest upstream(UpstreamTarget target, OpenAiDialect dialect, String model, byte[] body,
                                     boolean stream, String operation) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", stream ? "text/event-stream" : "application/json");
        Optional<String> key = target.settings() == null ? Optional.empty() : target.settings().apiKey();
        key.ifPresent(k -> {
            if (dialect == OpenAiDialect.AZURE) {
                headers.put("api-key", k);
            } else {
                headers.put("authorization", "Bearer " + k);
            }
        });
        return UpstreamRequest.postJson(url(target, dialect, model, operation), headers, body);
    }

    // ---- pass-through: the caller's own Chat Completions body

    @Override
    public Uni<Answer> passThroughChat(UpstreamTarget target, ObjectNode body, CallOptions options) {
        Collection<String> secrets = secrets(target);
        return Uni.createFrom().deferred(() -> http.send(passThroughRequest(target, body, false), options))
                .onItem().transformToUni(response -> body(response).onItem().transform(bytes -> {
                    ObjectNode json = answerJson(response, bytes, secrets, "choices");
                    return new Answer(json, OpenAiCodec.fromWire(OpenAiCodec.decodeResponse(json)));
                }))
                .plug(call -> CallTimers.totalDeadline(call, options.totalTimeout(), () ->
                        "The provider did not answer within " + options.totalTimeout().toMillis() + " ms"))
                .onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify);
    }

    @Override
    public Multi<Event> passThroughStream(UpstreamTarget target, ObjectNode body, CallOptions options) {
        Collection<String> secrets = secrets(target);
        Multi<Event> events = Multi.createFrom().deferred(() -> http.send(passThroughRequest(target, body, true),
                options).onItem().transformToMulti(response -> rawEvents(response, secrets)));
        return StreamDeadlines.applyTo(events.onFailure(f -> !(f instanceof UpstreamError))
                .transform(UpstreamHttp::classify), options, e -> e.events().stream().anyMatch(ChatEvent::isContent));
    }

    /**
     * The caller's body for this target: streamed calls ask for the usage chunk (the gateway needs the tokens for
     * cost and stats; Mistral sends usage unasked and refuses the option).
     */
    private UpstreamRequest passThroughRequest(UpstreamTarget target, ObjectNode body, boolean stream) {
        OpenAiDialect dialect = dialect(target);
        ObjectNode sent = body.deepCopy();
        if (stream) {
            sent.put("stream", true);
            if (dialect != OpenAiDialect.MISTRAL) {
                sent.putObject("stream_options").put("include_usage", true);
            }
        } else {
            sent.remove("stream");
            sent.remove("stream_options");
        }
        String model = target.upstreamModel() != null ? target.upstreamModel() : sent.path("model").asText();
        try {
            return upstream(target, dialect, model, OpenAiCodec.JSON.writeValueAsBytes(sent), stream);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static Multi<Event> rawEvents(UpstreamResponse response, Collection<String> secrets) {
        String contentType = Optional.ofNullable(response.header("content-type")).orElse("").toLowerCase(Locale.ROOT);
        if (response.status() / 100 != 2 || !contentType.contains("text/event-stream")) {
            return body(response).onItem().transformToMulti(body -> {
                answer(response, body, secrets); // throws the classified error of an error status
                return Multi.createFrom().failure(OpenAiErrors.malformed("The provider answered a streaming "
                        + "request with " + contentType + " instead of an event stream", "", secrets));
            });
        }
        OpenAiStreamMapper mapper = new OpenAiStreamMapper(secrets);
        List<Event> out = new ArrayList<>();
        SseParser parser = new SseParser(event -> out.add(new Event(event, mapper.onEvent(event))));
        // after [DONE] the answer is complete: a connection that then breaks or stalls takes nothing away
        return ChunkEvents.of(response.chunks(), out, chunk -> parser.feed(chunk.getBytes()), () -> {
            parser.end();
            List<ChatEvent> last = mapper.onEnd();
            if (!last.isEmpty()) {
                out.add(new Event(null, last));
            }
        }, failure -> mapper.isDone());
    }

    /**
     * {@code <base>/chat/completions}, base URLs including their version path ({@code https://api.openai.com/v1},
     * {@code https://api.groq.com/openai/v1}). Azure: {@code <base>/deployments/<deployment>/chat/completions
     * ?api-version=<v>} with the upstream model id as the deployment name; the version comes from the base URL's
     * own {@code api-version} query, else {@code switchboard.provider.<slug>.api-version}, else
     * {@value #DEFAULT_AZURE_API_VERSION}. An Azure base URL ending in {@code /openai/v1} is Azure's v1 API, which
     * takes the plain OpenAI form. Any other query on the base URL is kept.
     */
    String url(UpstreamTarget target, OpenAiDialect dialect, String model) {
        return url(target, dialect, model, CHAT_COMPLETIONS);
    }

    /** As {@link #url(UpstreamTarget, OpenAiDialect, String)} for another operation ({@code embeddings}). */
    String url(UpstreamTarget target, OpenAiDialect dialect, String model, String operation) {
        String base = target.baseUrl().strip();
        String query = null;
        int q = base.indexOf('?');
        if (q >= 0) {
            query = base.substring(q + 1);
            base = base.substring(0, q);
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (dialect != OpenAiDialect.AZURE || base.endsWith("/v1")) {
            return base + "/" + operation + (query == null || query.isEmpty() ? "" : "?" + query);
        }
        List<String> params = new ArrayList<>();
        String version = null;
        if (query != null) {
            for (String param : query.split("&")) {
                if (param.startsWith("api-version=")) {
                    version = param.substring("api-version=".length());
                } else if (!param.isEmpty()) {
                    params.add(param);
                }
            }
        }
        if (version == null || version.isEmpty()) {
            version = config.apply("switchboard.provider." + target.providerSlug() + ".api-version")
                    .map(String::strip).filter(v -> !v.isEmpty()).orElse(DEFAULT_AZURE_API_VERSION);
        }
        params.addFirst("api-version=" + URLEncoder.encode(version, StandardCharsets.UTF_8));
        return base + "/deployments/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
                + "/" + operation + "?" + String.join("&", params);
    }

    private static Collection<String> secrets(UpstreamTarget target) {
        return target.settings() == null ? List.of() : target.settings().apiKey().map(List::of).orElse(List.of());
    }
}
