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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemini as Vertex AI and the Gemini API (Google AI Studio) serve it:
 * <ul>
 * <li>{@code POST /{v1|v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent} and
 * {@code :streamGenerateContent} ({@code ?alt=sse} for SSE, else a JSON array of chunks), with a bearer access token
 * issued by this simulator's {@code POST /token} ({@link SimGoogleAuth});</li>
 * <li>{@code POST /v1/publishers/google/models/{m}:...} (Vertex express mode) and {@code POST /v1beta/models/{m}:...}
 * (the Gemini API), with an API key in {@code x-goog-api-key} or {@code ?key=};</li>
 * <li>{@code GET /_sim/vertex/service-account}: a key JSON of the simulator's own service account, its
 * {@code token_uri} pointing here ({@code ?project=} sets its project).</li>
 * </ul>
 * Requests are checked as Google checks them (unknown fields, roles, empty parts, function call and response turns),
 * answers and errors have Google's shapes. Thinking happens when {@code thinkingConfig} asks for a budget (or -1); its
 * summary is shown only with {@code includeThoughts}. Implicit caching reports a prompt prefix seen before from 1024
 * tokens on.
 */
public final class VertexSimProtocol implements SimProtocol {

    private static final Pattern VERTEX = Pattern.compile(
            "/(v1|v1beta1)/projects/([^/]+)/locations/([^/]+)/publishers/google/models/([^/:]+):([A-Za-z]+)");
    private static final Pattern EXPRESS = Pattern.compile("/(v1|v1beta1)/publishers/google/models/([^/:]+):([A-Za-z]+)");
    private static final Pattern GEMINI_API = Pattern.compile("/(v1beta|v1|v1alpha)/models/([^/:]+):([A-Za-z]+)");
    static final String VERTEX_SERVICE = "aiplatform.googleapis.com";
    private static final String GEMINI_SERVICE = "generativelanguage.googleapis.com";
    private static final int IMAGE_TOKENS = 258;
    private static final int CACHE_MIN_TOKENS = 1024;
    private static final int DYNAMIC_THINKING_BUDGET = 1024;

    private static final Set<String> REQUEST_FIELDS = Set.of("contents", "systemInstruction", "tools", "toolConfig",
            "generationConfig", "safetySettings", "labels", "cachedContent", "model");
    private static final Set<String> CONTENT_FIELDS = Set.of("role", "parts");
    private static final Set<String> PART_FIELDS = Set.of("text", "inlineData", "fileData", "functionCall",
            "functionResponse", "executableCode", "codeExecutionResult", "thought", "thoughtSignature",
            "videoMetadata", "mediaResolution", "partMetadata");
    private static final Set<String> GENERATION_FIELDS = Set.of("temperature", "topP", "topK", "candidateCount",
            "maxOutputTokens", "stopSequences", "responseLogprobs", "logprobs", "presencePenalty", "frequencyPenalty",
            "seed", "responseMimeType", "responseSchema", "responseJsonSchema", "routingConfig",
            "modelSelectionConfig", "audioTimestamp", "responseModalities", "mediaResolution", "speechConfig",
            "enableAffectiveDialog", "thinkingConfig", "imageConfig", "enableEnhancedCivicAnswers");
    private static final Set<String> THINKING_FIELDS = Set.of("thinkingBudget", "includeThoughts", "thinkingLevel");
    private static final Set<String> DECLARATION_FIELDS = Set.of("name", "description", "parameters",
            "parametersJsonSchema", "response", "responseJsonSchema", "behavior");

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
                generate(ctx, VertexSimWire.Host.VERTEX, decode(m.group(2)), m.group(3));
            }
        });
        router.routeWithRegex(HttpMethod.POST, GEMINI_API.pattern()).handler(ctx -> {
            Matcher m = GEMINI_API.matcher(ctx.request().path());
            if (!m.matches()) {
                ctx.next();
            } else if (method(ctx, m.group(3)) && keyOk(ctx, GEMINI_SERVICE, decode(m.group(2)))) {
                generate(ctx, VertexSimWire.Host.GEMINI_API, decode(m.group(2)), m.group(3));
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
        if (method.equals("generateContent") || method.equals("streamGenerateContent")) {
            return true;
        }
        send(ctx, 404, VertexSimWire.error(404, "Method not found: " + method, "NOT_FOUND"));
        return false;
    }

    private void vertex(RoutingContext ctx, String model) {
        String method = ctx.request().path().substring(ctx.request().path().lastIndexOf(':') + 1);
        String rpc = "google.cloud.aiplatform.v1.PredictionService." + (method.equals("generateContent")
                ? "GenerateContent" : "StreamGenerateContent");
        if (runtime.googleAuth().authorize(ctx, runtime, model, rpc)) {
            generate(ctx, VertexSimWire.Host.VERTEX, model, method);
        }
    }

    /** An API key in {@code x-goog-api-key} (what the SDKs send) or {@code ?key=}. */
    private boolean keyOk(RoutingContext ctx, String service, String model) {
        String key = ctx.request().getHeader("x-goog-api-key");
        if (key == null) {
            key = ctx.request().getParam("key");
        }
        if (key == null || key.isBlank()) {
            send(ctx, 403, VertexSimWire.error(403, "Method doesn't allow unregistered callers (callers without "
                    + "established identity). Please use API Key or other form of API consumer identity to call this "
                    + "API.", "PERMISSION_DENIED"));
            runtime.countRefusedBeforeParsing(ctx, model);
            return false;
        }
        if (!runtime.acceptsKey(key.trim())) {
            send(ctx, 400, VertexSimWire.error(400, "API key not valid. Please pass a valid API key.",
                    "INVALID_ARGUMENT", VertexSimWire.errorInfo("API_KEY_INVALID", service, null)));
            runtime.countRefusedBeforeParsing(ctx, model);
            return false;
        }
        return true;
    }

    private void generate(RoutingContext ctx, VertexSimWire.Host host, String model, String method) {
        JsonNode body;
        try {
            body = SimRuntime.JSON.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        } catch (Exception e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            send(ctx, 400, VertexSimWire.error(400, "Invalid JSON payload received. Unexpected token.",
                    "INVALID_ARGUMENT"));
            return;
        }
        SimExchange exchange = runtime.exchange(ctx, model);
        String invalid = validate(body);
        if (invalid != null) {
            exchange.reject(answer(400, VertexSimWire.error(400, invalid, "INVALID_ARGUMENT")));
            return;
        }
        SimPlan plan = runtime.plan(model);
        if (plan.fault().isErrorStatus()) {
            exchange.fail(plan.fault(), injectedError(plan, host));
            return;
        }
        if (plan.fault() == SimFault.HANG) {
            exchange.hang();
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

    /** What Google checks before any work, worded as Google words it. */
    static String validate(JsonNode body) {
        String unknown = unknownField(body, REQUEST_FIELDS, "");
        if (unknown != null) {
            return unknown;
        }
        JsonNode generation = field(body, "generationConfig");
        if ((unknown = unknownField(generation, GENERATION_FIELDS, "generation_config")) != null
                || (unknown = unknownField(field(generation, "thinkingConfig"), THINKING_FIELDS,
                "generation_config.thinking_config")) != null) {
            return unknown;
        }
        JsonNode maxTokens = field(generation, "maxOutputTokens");
        if (!maxTokens.isMissingNode() && maxTokens.asInt(0) < 1) {
            return "Unable to submit request because it has a maxOutputTokens value of " + maxTokens + " but the "
                    + "supported range is from 1 (inclusive) to 65537 (exclusive). Update the value and try again.";
        }
        for (JsonNode tool : field(body, "tools")) {
            for (JsonNode declaration : field(tool, "functionDeclarations")) {
                if ((unknown = unknownField(declaration, DECLARATION_FIELDS, "tools[0].function_declarations[0]"))
                        != null) {
                    return unknown;
                }
                if (field(declaration, "name").asText("").isEmpty()) {
                    return "* GenerateContentRequest.tools[0].function_declarations[0].name: Name cannot be empty.\n";
                }
                if (declaration.has("parameters") && declaration.has("parametersJsonSchema")) {
                    return "parameters and parameters_json_schema cannot both be set.";
                }
            }
        }
        JsonNode system = field(body, "systemInstruction");
        if ((unknown = unknownField(system, CONTENT_FIELDS, "system_instruction")) != null) {
            return unknown;
        }
        JsonNode contents = field(body, "contents");
        if (!contents.isArray() || contents.isEmpty()) {
            return "* GenerateContentRequest.contents: contents is not specified\n";
        }
        int previousCalls = 0;
        String previousRole = null;
        for (int i = 0; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            if ((unknown = unknownField(content, CONTENT_FIELDS, "contents[" + i + "]")) != null) {
                return unknown;
            }
            String role = field(content, "role").asText("user");
            if (!role.equals("user") && !role.equals("model")) {
                return "Please use a valid role: user, model.";
            }
            JsonNode parts = field(content, "parts");
            if (!parts.isArray() || parts.isEmpty()) {
                return "* GenerateContentRequest.contents[" + i + "].parts: contents.parts must not be empty.\n";
            }
            int calls = 0;
            int responses = 0;
            for (JsonNode part : parts) {
                if ((unknown = unknownField(part, PART_FIELDS, "contents[" + i + "].parts[0]")) != null) {
                    return unknown;
                }
                if (part.has("text") && part.path("text").asText().isEmpty() && !part.has("thoughtSignature")
                        && parts.size() == 1) {
                    return "Unable to submit request because it has an empty text parameter. Add a value to the "
                            + "parameter and try again. Learn more: "
                            + "https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini";
                }
                if (field(part, "functionCall").isObject()) {
                    calls++;
                }
                if (field(part, "functionResponse").isObject()) {
                    responses++;
                    if (field(field(part, "functionResponse"), "name").asText("").isEmpty()) {
                        return "* GenerateContentRequest.contents[" + i + "].parts[0].function_response.name: Name "
                                + "cannot be empty.\n";
                    }
                }
            }
            if (calls > 0 && !(previousRole == null || previousRole.equals("user"))) {
                return "Please ensure that function call turn comes immediately after a user turn or after a function "
                        + "response turn.";
            }
            if (responses > 0 && previousCalls == 0) {
                return "Please ensure that function response turn comes immediately after a function call turn.";
            }
            if (previousCalls > 0 && responses != previousCalls) {
                return "Please ensure that the number of function response parts is equal to the number of function "
                        + "call parts of the function call turn.";
            }
            previousCalls = calls;
            previousRole = role;
        }
        return null;
    }

    /**
     * Google's JSON parser takes field names in camelCase or snake_case and refuses any name it does not know, with
     * this message; {@code at} is the proto path of the object.
     */
    private static String unknownField(JsonNode node, Set<String> known, String at) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(camel(name))) {
                return "Invalid JSON payload received. Unknown name \"" + name + "\""
                        + (at.isEmpty() ? "" : " at '" + at + "'") + ": Cannot find field.";
            }
        }
        return null;
    }

    /** A field by its camelCase name or its snake_case one. */
    private static JsonNode field(JsonNode node, String camelName) {
        if (node == null || !node.isObject()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        JsonNode value = node.get(camelName);
        if (value == null) {
            value = node.get(camelName.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT));
        }
        return value == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : value;
    }

    private static String camel(String name) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
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
