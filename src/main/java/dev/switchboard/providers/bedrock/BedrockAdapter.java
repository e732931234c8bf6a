package dev.switchboard.providers.bedrock;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.CallTimers;
import dev.switchboard.providers.ChunkEvents;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.providers.ProviderSettings;
import dev.switchboard.providers.StreamDeadlines;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.providers.http.UpstreamRequest;
import dev.switchboard.providers.http.UpstreamResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Amazon Bedrock's Converse API: {@code POST <base>/model/<model id>/converse} and {@code /converse-stream}, the
 * model id (a foundation model, an inference profile such as {@code us.anthropic...}, or an ARN) percent-encoded in
 * the path. Requests are signed with SigV4 ({@link BedrockSigner}) when the provider has an access key, or carry a
 * Bedrock API key as a bearer token. The stream is AWS's binary event stream, decoded as it arrives
 * ({@link ConverseStreamMapper}). One attempt per call; failures come back classified ({@link BedrockErrors}); no
 * credential appears in a log line, a message or a toString.
 */
@ApplicationScoped
public class BedrockAdapter implements ProviderAdapter {

    /** Where requests are signed for when neither the target, the settings nor the base URL name a region. */
    static final String DEFAULT_REGION = "us-east-1";
    static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    private static final Pattern HOST_REGION = Pattern.compile(
            "^bedrock-runtime(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?$");

    private final UpstreamHttp http;
    private final BedrockSigner signer;

    @Inject
    public BedrockAdapter(UpstreamHttp http) {
        this(http, new BedrockSigner());
    }

    BedrockAdapter(UpstreamHttp http, BedrockSigner signer) {
        this.http = http;
        this.signer = signer;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.BEDROCK;
    }

    /**
     * Converse continues a final assistant message for Anthropic's models ({@code anthropic.claude-...}, with or
     * without a cross-region prefix); for others only where the catalog says so.
     */
    @Override
    public boolean continuesPrefill(CatalogEndpoint endpoint) {
        return endpoint.upstreamId().contains("anthropic.claude") || ProviderAdapter.super.continuesPrefill(endpoint);
    }

    @Override
    public Uni<ChatResponse> chat(UpstreamTarget target, ChatRequest request, CallOptions options) {
        Collection<String> secrets = secrets(target.settings());
        String model = model(target, request);
        return Uni.createFrom().deferred(() -> http.send(request(target, request, false), options))
                .onItem().transformToUni(response -> body(response)
                        .onItem().transform(body -> answer(response, body, model, secrets)))
                .plug(call -> CallTimers.totalDeadline(call, options.totalTimeout(), () ->
                        "Bedrock did not answer within " + options.totalTimeout().toMillis() + " ms"))
                .onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify);
    }

    @Override
    public Multi<ChatEvent> stream(UpstreamTarget target, ChatRequest request, CallOptions options) {
        Collection<String> secrets = secrets(target.settings());
        String model = model(target, request);
        Multi<ChatEvent> events = Multi.createFrom().deferred(() -> http.send(request(target, request, true), options)
                // runs in the callback that delivers the response head: the body's handlers are set before its
                // first chunk can arrive
                .onItem().transformToMulti(response -> events(response, model, secrets)));
        return StreamDeadlines.apply(
                events.onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify), options);
    }

    /**
     * Bedrock's CountTokens: {@code POST <base>/model/<model id>/count-tokens} with the Converse input
     * ({@code {"input":{"converse":{messages, system, toolConfig}}}}), answered {@code {"inputTokens": N}}. Bedrock
     * counts for some models only (Claude's, by their bare foundation-model id); the others answer a
     * ValidationException, which fails over like any refusal.
     */
    @Override
    public boolean countsTokens(UpstreamTarget target) {
        return true;
    }

    @Override
    public Uni<Integer> countTokens(UpstreamTarget target, ChatRequest request, CallOptions options) {
        Collection<String> secrets = secrets(target.settings());
        return Uni.createFrom().deferred(() -> http.send(countRequest(target, request), options))
                .onItem().transformToUni(response -> body(response).onItem().transform(body -> {
                    byte[] bytes = body == null ? new byte[0] : body.getBytes();
                    if (response.status() / 100 != 2) {
                        throw error(response, bytes, secrets);
                    }
                    try {
                        com.fasterxml.jackson.databind.JsonNode count = ConverseCodec.JSON.readTree(bytes)
                                .get("inputTokens");
                        if (count == null || !count.canConvertToInt() || count.asInt() < 0) {
                            throw BedrockErrors.malformed("Bedrock's token count has no inputTokens");
                        }
                        return count.asInt();
                    } catch (java.io.IOException e) {
                        throw BedrockErrors.malformed("Bedrock's token count is not JSON");
                    }
                }))
                .plug(call -> CallTimers.totalDeadline(call, options.totalTimeout(), () ->
                        "Bedrock did not count within " + options.totalTimeout().toMillis() + " ms"))
                .onFailure(f -> !(f instanceof UpstreamError)).transform(UpstreamHttp::classify);
    }

    UpstreamRequest countRequest(UpstreamTarget target, ChatRequest request) {
        String model = model(target, request);
        if (model == null || model.isBlank()) {
            throw UpstreamError.of(UpstreamErrorKind.BAD_REQUEST, "No Bedrock model id for this request");
        }
        var converse = ConverseCodec.toWire(request, model);
        com.fasterxml.jackson.databind.node.ObjectNode input = ConverseCodec.JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ObjectNode tokens = input.putObject("input").putObject("converse");
        tokens.set("messages", ConverseCodec.JSON.valueToTree(converse.messages()));
        if (converse.system() != null && !converse.system().isEmpty()) {
            tokens.set("system", ConverseCodec.JSON.valueToTree(converse.system()));
        }
        if (converse.toolConfig() != null) {
            tokens.set("toolConfig", ConverseCodec.JSON.valueToTree(converse.toolConfig()));
        }
        byte[] body;
        try {
            body = ConverseCodec.JSON.writeValueAsBytes(input);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        return signed(target, baseUrl(target, region(target)) + "/model/" + pathSegment(model) + "/count-tokens",
                body, false);
    }

    /** The whole body; for an error status a body that cannot be read still leaves the status to classify. */
    private static Uni<Buffer> body(UpstreamResponse response) {
        return response.status() / 100 == 2 ? response.body() : response.body().onFailure().recoverWithNull();
    }

    private static ChatResponse answer(UpstreamResponse response, Buffer body, String model,
                                       Collection<String> secrets) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        if (response.status() / 100 != 2) {
            throw error(response, bytes, secrets);
        }
        return ConverseCodec.fromWire(ConverseCodec.decodeResponse(bytes), response.header("x-amzn-RequestId"),
                model);
    }

    private static UpstreamError error(UpstreamResponse response, byte[] body, Collection<String> secrets) {
        return BedrockErrors.fromResponse(response.status(), response.header("x-amzn-ErrorType"),
                response.header("retry-after"), body, secrets);
    }

    /**
     * The events of one streamed response: an error status is read whole and classified; anything but an event
     * stream under 200 is a malformed answer; an event stream is mapped frame by frame as its bytes arrive, and the
     * events before a failure in the same chunk still go out before it.
     */
    private static Multi<ChatEvent> events(UpstreamResponse response, String model, Collection<String> secrets) {
        if (response.status() / 100 != 2) {
            return body(response).onItem().<ChatEvent>transformToMulti(body -> {
                throw error(response, body == null ? new byte[0] : body.getBytes(), secrets);
            });
        }
        String contentType = Optional.ofNullable(response.header("content-type")).orElse("");
        if (!contentType.toLowerCase(Locale.ROOT).startsWith(EVENT_STREAM)) {
            return body(response).onItem().<ChatEvent>transformToMulti(body -> {
                throw BedrockErrors.malformed("Bedrock answered a stream request with '" + contentType
                        + "' instead of an event stream");
            });
        }
        ConverseStreamMapper mapper = new ConverseStreamMapper(response.header("x-amzn-RequestId"), model, secrets);
        List<ChatEvent> out = new ArrayList<>();
        return ChunkEvents.of(response.chunks(), out, chunk -> mapper.feed(chunk.getBytes(), out::add),
                () -> mapper.end(out::add));
    }

    /** The signed (or bearer-authorised) request; fails with AUTHENTICATION when the provider has no credentials. */
    UpstreamRequest request(UpstreamTarget target, ChatRequest request, boolean stream) {
        String model = model(target, request);
        if (model == null || model.isBlank()) {
            throw UpstreamError.of(UpstreamErrorKind.BAD_REQUEST, "No Bedrock model id for this request");
        }
        String url = baseUrl(target, region(target)) + "/model/" + pathSegment(model)
                + (stream ? "/converse-stream" : "/converse");
        return signed(target, url, ConverseCodec.encode(ConverseCodec.toWire(request, model)), stream);
    }

    private UpstreamRequest signed(UpstreamTarget target, String url, byte[] body, boolean stream) {
        String region = region(target);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", stream ? EVENT_STREAM : "application/json");
        ProviderSettings settings = target.settings();
        Optional<AwsCredentials> credentials = credentials(settings);
        if (credentials.isPresent()) {
            headers = signer.sign("POST", url, headers, body, region, credentials.get());
        } else if (settings != null && settings.apiKey().isPresent()) {
            headers.put("authorization", "Bearer " + settings.apiKey().get());
        } else {
            throw UpstreamError.of(UpstreamErrorKind.AUTHENTICATION, "No credentials are configured for provider "
                    + target.providerSlug() + " (an access key id and secret, or a Bedrock API key)");
        }
        return new UpstreamRequest("POST", url, headers, body);
    }

    private static String model(UpstreamTarget target, ChatRequest request) {
        return target.upstreamModel() != null ? target.upstreamModel() : request.model();
    }

    /** The target's region (configuration over catalog), else the settings', else the base URL's, else the default. */
    static String region(UpstreamTarget target) {
        if (target.region() != null && !target.region().isBlank()) {
            return target.region().strip();
        }
        if (target.settings() != null && target.settings().region().isPresent()) {
            return target.settings().region().get();
        }
        if (target.baseUrl() != null && !target.baseUrl().isBlank() && !target.baseUrl().contains("{region}")) {
            String host = URI.create(target.baseUrl().strip()).getHost();
            Matcher m = HOST_REGION.matcher(host == null ? "" : host);
            if (m.matches()) {
                return m.group(1);
            }
        }
        return DEFAULT_REGION;
    }

    /** The configured base URL ({@code {region}} filled in), else Bedrock's runtime endpoint of the region. */
    static String baseUrl(UpstreamTarget target, String region) {
        String base = target.baseUrl() == null || target.baseUrl().isBlank()
                ? "https://bedrock-runtime.{region}.amazonaws.com" : target.baseUrl().strip();
        base = base.replace("{region}", region);
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    /** A model id as one path segment, encoded as the AWS SDK does ({@code :} and {@code /} included). */
    static String pathSegment(String modelId) {
        return URLEncoder.encode(modelId, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static Optional<AwsCredentials> credentials(ProviderSettings settings) {
        if (settings == null || settings.accessKeyId().isEmpty() || settings.secretAccessKey().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AwsCredentials(settings.accessKeyId().get(), settings.secretAccessKey().get(),
                settings.sessionToken().orElse(null)));
    }

    private static Collection<String> secrets(ProviderSettings settings) {
        if (settings == null) {
            return List.of();
        }
        List<String> secrets = new ArrayList<>();
        settings.accessKeyId().ifPresent(secrets::add);
        settings.secretAccessKey().ifPresent(secrets::add);
        settings.sessionToken().ifPresent(secrets::add);
        settings.apiKey().ifPresent(secrets::add);
        return secrets;
    }
}
