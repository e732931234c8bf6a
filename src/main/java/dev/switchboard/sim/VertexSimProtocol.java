package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.switchboard.sim.VertexSimChecks.field;

/**
 * Gemini as Vertex AI and the Gemini API (Google AI Studio) serve it:
 * <ul>
 * <li>{@code POST /{v1|v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent} and
 * {@code :streamGenerateContent} ({@code ?alt=sse} for SSE, else a JSON array of chunks), with a bearer access token
 * issued by this simulator's {@code POST /token} ({@link SimGoogleAuth});</li>
 * <li>{@code POST /v1/publishers/google/models/{m}:...} (Vertex express mode) and {@code POST /v1beta/models/{m}:...}
 * (the Gemini API), with an API key in {@code x-goog-api-key} or {@code ?key=};</li>
 * <li>{@code :countTokens} on each of these paths: {@code {"totalTokens": N}} by {@link SimTokenCount} over the
 * contents, system instruction and tools (the Gemini API also takes them wrapped in {@code generateContentRequest}),
 * under the same credentials, checks and fault knobs as generateContent;</li>
 * <li>{@code GET /_sim/vertex/service-account}: a key JSON of the simulator's own service account, its
 * {@code token_uri} pointing here ({@code ?project=} sets its project).</li>
 * </ul>
 * Requests are checked as Google checks them ({@link VertexSimChecks}); answers and errors have Google's shapes.
 * Thinking happens when {@code thinkingConfig} asks for a budget (or -1); its summary is shown only with
 * {@code includeThoughts}. Implicit caching reports a prompt prefix seen before from 1024 tokens on.
 */
public final class VertexSimProtocol implements SimProtocol {

    private static final Pattern VERTEX = Pattern.compile(
            "/(v1|v1beta1)/projects/([^/]+)/locations/([^/]+)/publishers/google/models/([^/:]+):([A-Za-z]+)");
    private static final Pattern EXPRESS =
            Pattern.compile("/(v1|v1beta1)/publishers/google/models/([^/:]+):([A-Za-z]+)");
    private static final Pattern GEMINI_API = Pattern.compile("/(v1beta|v1|v1alpha)/models/([^/:]+):([A-Za-z]+)");
    static final String VERTEX_SERVICE = "aiplatform.googleapis.com";
    private static final String GEMINI_SERVICE = "generativelanguage.googleapis.com";
    private static final int IMAGE_TOKENS = 258;
    private static final int CACHE_MIN_TOKENS = 1024;
    private static final int DYNAMIC_THINKING_BUDGET = 1024;

    private SimRuntime runtime;

    @Override
    public String name() {
        return "vertex";
    }

    @Override
    public void register(Router router, SimRuntime runtime) {
        this.runtime = runtime;
        router.post("/token").handler(ctx -> runtime.googleAuth().token(ctx));
        router.get("/_sim/vertex/service-account").handler(this::serviceAccount);
        router.routeWithRegex(HttpMethod.POST, VERTEX.pattern()).handler(ctx -> {
            Matcher m = VERTEX.matcher(ctx.request().path());
            if (!m.matches()) {
                ctx.next();
            } else if (method(ctx, m.group(5))) {
                vertex(ctx, decode(m.group(4)));
            }
        });
        router.routeWithRegex(HttpMethod.POST, EXPRESS.pattern()).handler(ctx -> {
            Matcher m = EXPRESS.matcher(ctx.request().path());
            if (!m.matches()) {
                ctx.next();
            } else if (method(ctx, m.group(3)) && keyOk(ctx, VERTEX_SERVICE, decode(m.group(2)))) {
                handle(ctx, VertexSimWire.Host.VERTEX, decode(m.group(2)), m.group(3));
            }
        });
        router.routeWithRegex(HttpMethod.POST, GEMINI_API.pattern()).handler(ctx -> {
            Matcher m = GEMINI_API.matcher(ctx.request().path());
            if (!m.matches()) {
                ctx.next();
            } else if (method(ctx, m.group(3)) && keyOk(ctx, GEMINI_SERVICE, decode(m.group(2)))) {
                handle(ctx, VertexSimWire.Host.GEMINI_API, decode(m.group(2)), m.group(3));
            }
        });
    }

    private void serviceAccount(RoutingContext ctx) {
        String tokenUri = "http://" + ctx.request().authority().host() + ":" + ctx.request().authority().port()
                + "/token";
        String project = ctx.request().getParam("project", SimGoogleAuth.BUILT_IN_PROJECT);
        String json = runtime.googleAuth().keyJson(tokenUri, project);
        if (json == null) {
            send(ctx, 404, VertexSimWire.error(404, "The simulator trusts only configured service accounts and holds "
                    + "none of their private keys", "NOT_FOUND"));
            return;
        }
        ctx.response().putHeader("content-type", "application/json").end(json);
    }

    private static boolean method(RoutingContext ctx, String method) {
        if (method.equals("generateContent") || method.equals("streamGenerateContent")
                || method.equals("countTokens")) {
            return true;
        }
        send(ctx, 404, VertexSimWire.error(404, "Method not found: " + method, "NOT_FOUND"));
        return false;
    }

    private void vertex(RoutingContext ctx, String model) {
        String method = ctx.request().path().substring(ctx.request().path().lastIndexOf(':') + 1);
        String rpc = "google.cloud.aiplatform.v1.PredictionService." + Character.toUpperCase(method.charAt(0))
                + method.substring(1);
        if (runtime.googleAuth().authorize(ctx, runtime, model, rpc)) {
            handle(ctx, VertexSimWire.Host.VERTEX, model, method);
        }
    }

    private void handle(RoutingContext ctx, VertexSimWire.Host host, String model, String method) {
        if (method.equals("countTokens")) {
            countTokens(ctx, host, model);
        } else {
            generate(ctx, host, model, method);
        }
    }

    /**
     * CountTokens: the request's contents, system instruction and tools (on the Gemini API they may come wrapped in
     * {@code generateContentRequest}, as its SDKs send them), checked as generateContent checks them.
     */
    private void countTokens(RoutingContext ctx, VertexSimWire.Host host, String model) {
        JsonNode body = readBody(ctx);
        if (body == null) {
            send(ctx, 400, VertexSimWire.error(400, "Invalid JSON payload received. Unexpected token.",
                    "INVALID_ARGUMENT"));
            return;
        }
        SimExchange exchange = runtime.exchange(ctx, model);
        JsonNode request = host == VertexSimWire.Host.GEMINI_API && body.has("generateContentRequest")
                ? body.path("generateContentRequest") : body;
        String invalid = VertexSimChecks.validate(request);
        if (invalid != null) {
            exchange.reject(answer(400, VertexSimWire.error(400, invalid.replace("GenerateContentRequest",
                    "CountTokensRequest"), "INVALID_ARGUMENT")));
            return;
        }
        SimPlan plan = runtime.plan(model);
        if (injectedFault(exchange, plan, host)) {
            return;
        }
        int total = SimTokenCount.of(request);
        ObjectNode answer = SimRuntime.JSON.createObjectNode().put("totalTokens", total);
        if (host == VertexSimWire.Host.VERTEX) {
            answer.put("totalBillableCharacters", SimTokenCount.characters(request));
        }
        answer.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", total);
        exchange.respond(plan, 1, answer(200, answer),
                answer(500, VertexSimWire.error(500, "Internal error encountered.", "INTERNAL")));
    }

    /** The plan's error status or hang, if it has one: true when the exchange is answered (or left) by it. */
    private boolean injectedFault(SimExchange exchange, SimPlan plan, VertexSimWire.Host host) {
        if (plan.fault().isErrorStatus()) {
            exchange.fail(plan.fault(), injectedError(plan, host));
            return true;
        }
        if (plan.fault() == SimFault.HANG) {
            exchange.hang();
            return true;
        }
        return false;
    }

    private static JsonNode readBody(RoutingContext ctx) {
        try {
            JsonNode body = SimRuntime.JSON.readTree(ctx.body().buffer() == null ? new byte[0]
                    : ctx.body().buffer().getBytes());
            return body != null && body.isObject() ? body : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** An API key in {@code x-goog-api-key} (what the SDKs send) or {@code ?key=}. */
    private boolean keyOk(RoutingContext ctx, String service, String model) {
        String key = ctx.request().getHeader("x-goog-api-key");
        if (key == null) {
            key = ctx.request().getParam("key");
        }
        if (key == null || key.isBlank()) {
            runtime.countRefusedBeforeParsing(ctx, model);
            send(ctx, 403, VertexSimWire.error(403, "Method doesn't allow unregistered callers (callers without "
                    + "established identity). Please use API Key or other form of API consumer identity to call this "
                    + "API.", "PERMISSION_DENIED"));
            return false;
        }
        if (!runtime.acceptsKey(key.trim())) {
            runtime.countRefusedBeforeParsing(ctx, model);
            send(ctx, 400, VertexSimWire.error(400, "API key not valid. Please pass a valid API key.",
                    "INVALID_ARGUMENT", VertexSimWire.errorInfo("API_KEY_INVALID", service, null)));
            return false;
        }
        return true;
    }

    private void generate(RoutingContext ctx, VertexSimWire.Host host, String model, String method) {
        JsonNode body = readBody(ctx);
        if (body == null) {
            send(ctx, 400, VertexSimWire.error(400, "Invalid JSON payload received. Unexpected token.",
                    "INVALID_ARGUMENT"));
            return;
        }
        SimExchange exchange = runtime.exchange(ctx, model);
        String invalid = VertexSimChecks.validate(body);
        if (invalid != null) {
            exchange.reject(answer(400, VertexSimWire.error(400, invalid, "INVALID_ARGUMENT")));
            return;
        }
        SimPlan plan = runtime.plan(model);
        if (injectedFault(exchange, plan, host)) {
            return;
        }

        JsonNode generation = field(body, "generationConfig");
        JsonNode thinking = field(generation, "thinkingConfig");
        int budget = thinking.isObject() ? field(thinking, "thinkingBudget").asInt(0) : 0;
        if (budget < 0) {
            budget = DYNAMIC_THINKING_BUDGET;
        }
        boolean includeThoughts = field(thinking, "includeThoughts").asBoolean(false);
        int promptTokens = promptTokens(body);
        int cached = cachedTokens(model, body, promptTokens);
        SimTurn turn = new SimTurn(model, promptTokens, field(generation, "maxOutputTokens").asInt(0),
                toolToCall(body), budget);
        SimReply reply = SimReply.generate(turn, plan);
        VertexSimWire.Usage usage = new VertexSimWire.Usage(promptTokens, cached,
                reply.outputTokens() - reply.thinking().size(), reply.thinking().size());

        SplittableRandom ids = new SplittableRandom(plan.contentSeed() ^ 0x5DEECE66DL);
        String createTime = host == VertexSimWire.Host.VERTEX
                ? Instant.now().truncatedTo(ChronoUnit.MICROS).toString() : null;
        VertexSimWire.Head head = new VertexSimWire.Head(host, model, SimText.base62(ids, 22), createTime);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("vary", "Origin, X-Origin, Referer");
        headers.put("server", "scaffolding on HTTPServer2");
        boolean stream = method.equals("streamGenerateContent");
        if (stream && "sse".equals(ctx.request().getParam("alt"))) {
            headers.put("content-type", "text/event-stream");
            exchange.stream(plan, headers, VertexSimWire.events(head, reply, usage, includeThoughts),
                    VertexSimWire.streamError());
            return;
        }
        headers.put("content-type", "application/json; charset=UTF-8");
        ObjectNode whole = VertexSimWire.response(head, reply, usage, includeThoughts);
        Object answer = whole;
        if (stream) {
            // without alt=sse, streamGenerateContent answers a JSON array of chunks
            ArrayNode array = SimRuntime.JSON.createArrayNode();
            array.add(whole);
            answer = array;
        }
        exchange.respond(plan, reply.outputTokens(), new SimExchange.Answer(200, headers, SimRuntime.json(answer)),
                answer(500, VertexSimWire.error(500, "Internal error encountered.", "INTERNAL")));
    }

    /**
     * The tool policy: with functions declared and calling not turned off, a last user turn that answers no call
     * gets a call to the first function (or the first one {@code allowedFunctionNames} allows).
     */
    private static SimTurn.Tool toolToCall(JsonNode body) {
        List<JsonNode> declarations = new ArrayList<>();
        for (JsonNode tool : field(body, "tools")) {
            field(tool, "functionDeclarations").forEach(declarations::add);
        }
        JsonNode config = field(field(body, "toolConfig"), "functionCallingConfig");
        if (declarations.isEmpty() || field(config, "mode").asText("AUTO").equals("NONE")) {
            return null;
        }
        JsonNode contents = field(body, "contents");
        JsonNode last = contents.get(contents.size() - 1);
        if (!field(last, "role").asText("user").equals("user")) {
            return null;
        }
        for (JsonNode part : field(last, "parts")) {
            if (field(part, "functionResponse").isObject()) {
                return null;
            }
        }
        JsonNode chosen = declarations.getFirst();
        JsonNode allowed = field(config, "allowedFunctionNames");
        if (allowed.isArray() && !allowed.isEmpty()) {
            for (JsonNode declaration : declarations) {
                if (field(declaration, "name").asText("").equals(allowed.get(0).asText())) {
                    chosen = declaration;
                }
            }
        }
        JsonNode schema = field(chosen, "parametersJsonSchema");
        if (schema.isMissingNode()) {
            schema = lowerCaseTypes(field(chosen, "parameters"));
        }
        return new SimTurn.Tool(field(chosen, "name").asText(), schema.isMissingNode() ? null : schema);
    }

    /** Google's OpenAPI-subset schemas spell types in capitals ({@code OBJECT}); JSON Schema's are lower case. */
    private static JsonNode lowerCaseTypes(JsonNode schema) {
        if (schema == null || !schema.isContainerNode()) {
            return schema;
        }
        JsonNode copy = schema.deepCopy();
        lowerCaseInPlace(copy);
        return copy;
    }

    private static void lowerCaseInPlace(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode type = object.get("type");
            if (type != null && type.isTextual()) {
                object.put("type", type.asText().toLowerCase(Locale.ROOT));
            }
            object.forEach(VertexSimProtocol::lowerCaseInPlace);
        } else if (node instanceof ArrayNode array) {
            array.forEach(VertexSimProtocol::lowerCaseInPlace);
        }
    }

    /** About four characters a token for text, arguments and results; Gemini's 258 tokens an image. */
    private static int promptTokens(JsonNode body) {
        int chars = 0;
        int images = 0;
        List<JsonNode> contents = new ArrayList<>();
        field(body, "contents").forEach(contents::add);
        JsonNode system = field(body, "systemInstruction");
        if (system.isObject()) {
            contents.add(system);
        }
        for (JsonNode content : contents) {
            for (JsonNode part : field(content, "parts")) {
                if (field(part, "thought").asBoolean(false)) {
                    continue;
                }
                chars += field(part, "text").asText("").length();
                JsonNode call = field(part, "functionCall");
                chars += call.isObject() ? call.toString().length() : 0;
                JsonNode response = field(part, "functionResponse");
                chars += response.isObject() ? response.toString().length() : 0;
                if (field(part, "inlineData").isObject() || field(part, "fileData").isObject()) {
                    images++;
                }
            }
        }
        JsonNode tools = field(body, "tools");
        chars += tools.isArray() ? tools.toString().length() : 0;
        return SimText.estimateTokens(chars) + images * IMAGE_TOKENS;
    }

    /** Implicit caching: the longest prompt prefix sent to this model before, counted from 1024 tokens on. */
    private int cachedTokens(String model, JsonNode body, int promptTokens) {
        List<String> parts = new ArrayList<>();
        JsonNode tools = field(body, "tools");
        if (tools.isArray() && !tools.isEmpty()) {
            parts.add(tools.toString());
        }
        JsonNode system = field(body, "systemInstruction");
        if (system.isObject()) {
            parts.add(system.toString());
        }
        field(body, "contents").forEach(content -> parts.add(content.toString()));
        List<Boolean> cacheable = new ArrayList<>();
        parts.forEach(p -> cacheable.add(Boolean.TRUE));
        SimRuntime.PromptCacheUse use = runtime.promptCache(model, parts, cacheable);
        int read = use.readChars() == 0 ? 0 : Math.min(promptTokens, SimText.estimateTokens(use.readChars()));
        return read < CACHE_MIN_TOKENS ? 0 : read;
    }

    private static SimExchange.Answer injectedError(SimPlan plan, VertexSimWire.Host host) {
        return switch (plan.fault()) {
            case RATE_LIMITED_NO_RETRY_AFTER -> answer(429, VertexSimWire.error(429, "Resource exhausted. Please try "
                    + "again later.", "RESOURCE_EXHAUSTED"));
            case BAD_GATEWAY -> SimExchange.Answer.badGateway();
            case RATE_LIMITED -> host == VertexSimWire.Host.VERTEX
                    ? answer(429, VertexSimWire.error(429, "Resource exhausted. Please try again later. Please refer "
                    + "to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.",
                    "RESOURCE_EXHAUSTED"))
                    : answer(429, VertexSimWire.error(429, "You exceeded your current quota, please check your plan "
                            + "and billing details. For more information on this error, head to: "
                            + "https://ai.google.dev/gemini-api/docs/rate-limits.", "RESOURCE_EXHAUSTED",
                    VertexSimWire.retryInfo(plan.profile().retryAfterSeconds())));
            case OVERLOADED -> answer(503, VertexSimWire.error(503, "The model is overloaded. Please try again later.",
                    "UNAVAILABLE"));
            case UNAVAILABLE -> answer(503, VertexSimWire.error(503, "The service is currently unavailable.",
                    "UNAVAILABLE"));
            default -> answer(500, VertexSimWire.error(500, "Internal error encountered.", "INTERNAL"));
        };
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static SimExchange.Answer answer(int status, ObjectNode body) {
        return new SimExchange.Answer(status, Map.of("content-type", "application/json; charset=UTF-8"),
                SimRuntime.json(body));
    }

    private static void send(RoutingContext ctx, int status, ObjectNode body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json; charset=UTF-8")
                .end(SimRuntime.json(body));
    }
}
