package dev.switchboard.providers.vertex;

import dev.switchboard.catalog.CatalogEndpoint;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.CallTimers;
import dev.switchboard.providers.ChunkEvents;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.anthropic.AnthropicAdapter;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.providers.ProviderSettings;
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

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemini on Vertex AI: {@code POST {base}/v1/projects/{project}/locations/{region}/publishers/google/models/{model}
 * :generateContent} (and {@code :streamGenerateContent?alt=sse}) with an OAuth2 access token from the provider's
 * service-account key ({@link VertexAccessTokens}). With an API key instead of a key file, the key goes in the
 * {@code x-goog-api-key} header (never the URL, where it would reach access logs): to Vertex's express mode
 * ({@code /v1/publishers/google/models/...} on the global host) when the base URL is Vertex's, else to the Gemini
 * API form ({@code {base}/v1beta/models/...}, Google AI Studio and the simulator). One upstream attempt per call;
 * errors come back classified by {@link GeminiErrors}; no credential appears in a message or a log line.
 *
 * <p>Claude models ({@code claude-...}) go to {@link ClaudeOnVertex}: {@code rawPredict} / {@code streamRawPredict}
 * with Anthropic's Messages body, under the same token, host and project rules.
 */
@ApplicationScoped
public class VertexAdapter implements ProviderAdapter {

    /** The region when neither configuration, the catalog nor the base URL's host names one. */
    static final String DEFAULT_REGION = "global";

    private static final String VERTEX_HOST = "aiplatform.googleapis.com";
    private static final Pattern VERTEX_HOSTS = Pattern.compile("(?:([a-z0-9-]+)-)?aiplatform\\.googleapis\\.com");
    static final int MAX_ERROR_BODY = 64 * 1024;
    /** Far above any real answer; a guard against an upstream that never stops sending. */
    static final int MAX_RESPONSE_BODY = 64 * 1024 * 1024;

    private final UpstreamHttp http;
    private final VertexAccessTokens tokens;
    private final ClaudeOnVertex claude;

    @Inject
    public VertexAdapter(UpstreamHttp http, VertexAccessTokens tokens) {
        this.http = http;
        this.tokens = tokens;
        this.claude = new ClaudeOnVertex(http, tokens);
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.VERTEX;
    }

    /** Claude on Vertex is the Messages API (a final assistant message is a prefill); Gemini has no such contract. */
    @Override
    public boolean continuesPrefill(CatalogEndpoint endpoint) {
        return ClaudeOnVertex.serves(endpoint.upstreamId()) || ProviderAdapter.super.continuesPrefill(endpoint);
    }

    /** How one call authenticates: its headers, the project (null with an API key), and what to redact. */
    record Auth(Map<String, String> headers, String project, List<String> secrets, boolean apiKey,
                String credentialsFile) {
        @Override
        public String toString() {
            return "Auth[" + (apiKey ? "api key" : "access token") + ", project=" + project + "]";
        }
    }

    @Override
    public Uni<ChatResponse> chat(UpstreamTarget target, ChatRequest request, CallOptions options) {
        return Uni.createFrom().deferred(() -> {
                    String model = model(target, request);
                    if (ClaudeOnVertex.serves(model)) {
                        byte[] body = ClaudeOnVertex.encode(request, model, false);
                        return auth(target).chain(auth -> claude.chat(target, auth, model, body, options));
                    }
                    byte[] body = GeminiCodec.encode(GeminiCodec.toWire(request));
                    return auth(target).chain(auth -> http.send(upstreamRequest(target, auth, model, body, false),
                                    options)
                            .chain(response -> response.bodyUpTo(MAX_RESPONSE_BODY)
                                    .map(bytes -> answer(response, bytes, auth, model))));
                })
                .plug(call -> CallTimers.totalDeadline(call, options.totalTimeout(), () ->
                        "The provider did not answer within " + options.totalTimeout().toMillis() + " ms"))
                .onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify);
    }

    @Override
    public Multi<ChatEvent> stream(UpstreamTarget target, ChatRequest request, CallOptions options) {
        Multi<ChatEvent> events = Multi.createFrom().deferred(() -> {
            String model = model(target, request);
            if (ClaudeOnVertex.serves(model)) {
                byte[] body = ClaudeOnVertex.encode(request, model, true);
                return auth(target).onItem().transformToMulti(auth -> claude.stream(target, auth, model, body,
                        options));
            }
            byte[] body = GeminiCodec.encode(GeminiCodec.toWire(request));
            return auth(target).onItem().transformToMulti(auth -> http.send(
                            upstreamRequest(target, auth, model, body, true), options)
                    // the response head's callback subscribes to the body, so no chunk can come before the handlers
                    .onItem().transformToMulti(response -> events(response, auth, model)));
        });
        return StreamDeadlines.apply(events.onFailure(f -> !(f instanceof UpstreamError))
                .transform(UpstreamHttp::classify), options);
    }

    /** Claude on Vertex has Anthropic's count under rawPredict, Gemini its own countTokens method. */
    @Override
    public boolean countsTokens(UpstreamTarget target) {
        return target.upstreamModel() != null;
    }

    @Override
    public Uni<Integer> countTokens(UpstreamTarget target, ChatRequest request, CallOptions options) {
        if (!countsTokens(target)) {
            return ProviderAdapter.super.countTokens(target, request, options);
        }
        return Uni.createFrom().deferred(() -> {
                    String model = model(target, request);
                    if (ClaudeOnVertex.serves(model)) {
                        return auth(target).chain(auth -> claude.countTokens(target, auth, model, request, options));
                    }
                    return auth(target).chain(auth -> geminiCount(target, auth, model, request, options));
                })
                .plug(call -> CallTimers.totalDeadline(call, options.totalTimeout(), () ->
                        "The provider did not count within " + options.totalTimeout().toMillis() + " ms"))
                .onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify);
    }

    /** {@code ...models/{model}:countTokens}, answered {@code {"totalTokens": N, ...}}. */
    private Uni<Integer> geminiCount(UpstreamTarget target, Auth auth, String model, ChatRequest request,
                                     CallOptions options) {
        byte[] body = GeminiCodec.countTokensBody(request, geminiApi(target, auth) ? model : null);
        Map<String, String> headers = new LinkedHashMap<>(auth.headers());
        headers.put("content-type", "application/json");
        UpstreamRequest count = UpstreamRequest.postJson(url(target, auth, model, "countTokens"), headers, body);
        return http.send(count, options).chain(response -> response.bodyUpTo(MAX_ERROR_BODY).map(bytes -> {
            JsonNode json = answerJson(response, new String(bytes, StandardCharsets.UTF_8), auth,
                    "The provider's token count");
            return AnthropicAdapter.inputTokens(json, "totalTokens");
        }));
    }

    private ChatResponse answer(UpstreamResponse response, byte[] bytes, Auth auth, String model) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        JsonNode json = answerJson(response, text, auth, "The provider's answer");
        if (json.has("error")) {
            throw GeminiErrors.fromStream(json, auth.secrets());
        }
        try {
            return GeminiCodec.fromWire(GeminiCodec.decodeResponse(json), model);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw GeminiErrors.malformed("The provider's answer is not a GenerateContentResponse", text,
                    auth.secrets());
        }
    }

    /**
     * A whole answer's JSON object; an error status is classified instead.
     *
     * @param what the answer as its malformed errors name it ({@code The provider's answer})
     */
    private JsonNode answerJson(UpstreamResponse response, String text, Auth auth, String what) {
        if (response.status() / 100 != 2) {
            throw failure(response, text, auth);
        }
        JsonNode json;
        try {
            json = GeminiCodec.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw GeminiErrors.malformed(what + " is not JSON", text, auth.secrets());
        }
        if (json == null || !json.isObject()) {
            throw GeminiErrors.malformed(what + " is not a JSON object", text, auth.secrets());
        }
        return json;
    }

    /**
     * A streamed answer: an error status is read whole and classified; a JSON body where SSE was asked for (an
     * object, or Vertex's array of chunks) is read whole and replayed; SSE is mapped chunk by chunk as it arrives.
     */
    private Multi<ChatEvent> events(UpstreamResponse response, Auth auth, String model) {
        GeminiStreamMapper mapper = new GeminiStreamMapper(model, auth.secrets());
        if (response.status() / 100 != 2) {
            return response.bodyUpTo(MAX_ERROR_BODY).<ChatEvent>map(bytes -> {
                throw failure(response, new String(bytes, StandardCharsets.UTF_8), auth);
            }).toMulti();
        }
        String contentType = response.header("content-type");
        if (contentType != null && !contentType.contains("text/event-stream")) {
            return response.bodyUpTo(MAX_RESPONSE_BODY).onItem().transformToMulti(bytes -> {
                String text = new String(bytes, StandardCharsets.UTF_8);
                List<ChatEvent> out = new ArrayList<>();
                try {
                    JsonNode json = GeminiCodec.JSON.readTree(text);
                    for (JsonNode chunk : json != null && json.isArray() ? json : List.of(json)) {
                        out.addAll(mapper.onChunk(chunk));
                    }
                    out.addAll(mapper.onEnd());
                } catch (JsonProcessingException e) {
                    return Multi.createFrom().failure(GeminiErrors.malformed("The provider answered a streaming "
                            + "request with " + contentType + " that is not JSON", text, auth.secrets()));
                } catch (UpstreamError e) {
                    return Multi.createFrom().iterable(out).onCompletion().failWith(e);
                }
                return Multi.createFrom().iterable(out);
            });
        }
        List<ChatEvent> ready = new ArrayList<>();
        SseParser parser = new SseParser(event -> ready.addAll(mapper.onEvent(event)));
        // after the finish reason the answer is complete: a connection that then breaks takes nothing away
        return ChunkEvents.of(response.chunks(), ready, chunk -> parser.feed(chunk.getBytes()), () -> {
            parser.end();
            ready.addAll(mapper.onEnd());
        }, failure -> mapper.isDone());
    }

    private UpstreamError failure(UpstreamResponse response, String body, Auth auth) {
        if (response.status() == 401 && auth.credentialsFile() != null) {
            // a token Google no longer takes (revoked, or the key was deleted): the next call gets a fresh one
            tokens.invalidate(auth.credentialsFile());
        }
        return GeminiErrors.fromResponse(response.status(), response::header, body, auth.secrets(), Instant.now());
    }




    /** The key file's token, else the API key; neither is a configuration error the endpoint cannot work without. */
    Uni<Auth> auth(UpstreamTarget target) {
        ProviderSettings settings = target.settings();
        if (settings != null && settings.credentialsFile().isPresent()) {
            String file = settings.credentialsFile().get();
            return tokens.token(file).map(token -> {
                String project = settings.project().orElse(token.projectId());
                if (project == null || project.isBlank()) {
                    throw UpstreamError.of(UpstreamErrorKind.AUTHENTICATION, "No Google Cloud project for provider "
                            + target.providerSlug() + ": set switchboard.provider." + target.providerSlug()
                            + ".project, or use a key file that names its project_id");
                }
                return new Auth(Map.of("authorization", "Bearer " + token.value()), project,
                        List.of(token.value()), false, file);
            });
        }
        if (settings != null && settings.apiKey().isPresent()) {
            String key = settings.apiKey().get();
            return Uni.createFrom().item(new Auth(Map.of("x-goog-api-key", key), null, List.of(key), true, null));
        }
        return Uni.createFrom().failure(UpstreamError.of(UpstreamErrorKind.AUTHENTICATION, "No credentials are "
                + "configured for provider " + target.providerSlug() + ": set switchboard.provider."
                + target.providerSlug() + ".credentials-file (a service-account key) or .api-key"));
    }

    UpstreamRequest upstreamRequest(UpstreamTarget target, Auth auth, String model, byte[] body, boolean stream) {
        Map<String, String> headers = new LinkedHashMap<>(auth.headers());
        headers.put("content-type", "application/json");
        if (stream) {
            headers.put("accept", "text/event-stream");
        }
        return UpstreamRequest.postJson(url(target, auth, model, stream), headers, body);
    }

    static String model(UpstreamTarget target, ChatRequest request) {
        String model = target.upstreamModel() != null ? target.upstreamModel() : request.model();
        if (model == null || model.isBlank()) {
            throw new UpstreamError(UpstreamErrorKind.BAD_REQUEST, null, null, "No model id for Vertex AI", null);
        }
        return model;
    }

    /**
     * The URL of one call. Vertex's own hosts follow the region ({@code {region}-aiplatform.googleapis.com},
     * {@code aiplatform.googleapis.com} for {@code global}) whatever region the configured base URL's host names;
     * any other base URL (the simulator, a private endpoint) is used as given, with {@code /v1} (Vertex) or
     * {@code /v1beta} (Gemini API) added unless it already ends in a version.
     */
    static String url(UpstreamTarget target, Auth auth, String model, boolean stream) {
        return url(target, auth, model, stream ? "streamGenerateContent?alt=sse" : "generateContent");
    }

    /** The Gemini API (an API key and a base URL not Vertex's), whose requests differ from Vertex's here and there. */
    static boolean geminiApi(UpstreamTarget target, Auth auth) {
        return auth.apiKey() && !VERTEX_HOSTS.matcher(hostOf(base(target))).matches();
    }

    static String url(UpstreamTarget target, Auth auth, String model, String method) {
        if (auth.apiKey()) {
            String base = base(target);
            if (VERTEX_HOSTS.matcher(hostOf(base)).matches()) {
                return "https://" + VERTEX_HOST + "/v1/publishers/google/models/" + segment(model) + ":" + method;
            }
            return base + (endsWithVersion(base, "v1beta", "v1", "v1alpha") ? "" : "/v1beta") + "/models/"
                    + segment(model) + ":" + method;
        }
        return projectUrl(target, auth, "google", model, method);
    }

    /** {@code {base}/v1/projects/{p}/locations/{region}/publishers/{publisher}/models/{model}:{method}}. */
    static String projectUrl(UpstreamTarget target, Auth auth, String publisher, String model, String method) {
        String base = base(target);
        Matcher vertexHost = VERTEX_HOSTS.matcher(hostOf(base));
        boolean vertex = vertexHost.matches();
        String region = region(target, vertex ? vertexHost.group(1) : null);
        if (vertex) {
            base = "https://" + (region.equals("global") ? "" : region + "-") + VERTEX_HOST;
        }
        return base + (endsWithVersion(base, "v1", "v1beta1") ? "" : "/v1") + "/projects/" + segment(auth.project())
                + "/locations/" + segment(region) + "/publishers/" + publisher + "/models/" + segment(model) + ":"
                + method;
    }

    private static String base(UpstreamTarget target) {
        String base = target.baseUrl() == null || target.baseUrl().isBlank() ? "https://" + VERTEX_HOST
                : target.baseUrl().strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    /** Configuration, then the catalog, then the region in the base URL's host, then {@value #DEFAULT_REGION}. */
    static String region(UpstreamTarget target, String hostRegion) {
        if (target.settings() != null && target.settings().region().isPresent()) {
            return target.settings().region().get();
        }
        if (target.region() != null && !target.region().isBlank()) {
            return target.region().strip();
        }
        return hostRegion != null ? hostRegion : DEFAULT_REGION;
    }

    private static boolean endsWithVersion(String base, String... versions) {
        for (String version : versions) {
            if (base.endsWith("/" + version)) {
                return true;
            }
        }
        return false;
    }

    private static String hostOf(String base) {
        try {
            String host = URI.create(base).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw UpstreamError.of(UpstreamErrorKind.CONNECTION, "The provider's base URL is not a URL");
        }
    }

    /** A path segment: unreserved characters and {@code @} (Vertex's model versions) as they are, others escaped. */
    static String segment(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~@".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
