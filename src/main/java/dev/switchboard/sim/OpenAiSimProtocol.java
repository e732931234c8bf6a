package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * OpenAI Chat Completions as OpenAI and Azure OpenAI serve it: {@code POST /v1/chat/completions} (bearer key),
 * {@code POST /openai/deployments/{deployment}/chat/completions?api-version=...} ({@code api-key} header; the
 * deployment is the model), {@code GET /v1/models}; embeddings at the same places ({@link OpenAiSimEmbeddings}). Keys, validation, error shapes, JSON and SSE chunks follow the
 * real API so that the official SDK accepts them.
 */
public final class OpenAiSimProtocol implements SimProtocol {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    /** OpenAI caches prompts automatically from 1024 tokens on, in steps of 128. */
    private static final int CACHE_MIN_TOKENS = 1024;
    private static final int CACHE_STEP_TOKENS = 128;
    private static final int IMAGE_CHARS = 85 * 4;

    private SimRuntime runtime;
    private OpenAiSimEmbeddings embeddings;

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public void register(Router router, SimRuntime runtime) {
        this.runtime = runtime;
        this.embeddings = new OpenAiSimEmbeddings(runtime, this::injectedError);
        router.post("/v1/embeddings").handler(ctx -> {
            if (openAiKeyOk(ctx)) {
                embeddings.handle(ctx, null);
            } else {
                runtime.countRefusedBeforeParsing(ctx, null);
            }
        });
        router.post("/mistral/v1/embeddings").handler(ctx -> {
            if (openAiKeyOk(ctx)) {
                embeddings.handle(ctx, null);
            } else {
                runtime.countRefusedBeforeParsing(ctx, null);
            }
        });
        router.post("/openai/deployments/:deployment/embeddings").handler(ctx -> azure(ctx, true));
        router.post("/v1/chat/completions").handler(ctx -> {
            if (openAiKeyOk(ctx)) {
                chat(ctx, null);
            } else {
                runtime.countRefusedBeforeParsing(ctx, null);
            }
        });
        // Mistral's API is OpenAI's with a difference that matters to the gateway: a stream always ends with its usage
        // (on the finishing chunk), and stream_options is refused. Demo mode sends the mistral provider here.
        router.post("/mistral/v1/chat/completions").handler(ctx -> {
            if (openAiKeyOk(ctx)) {
                chat(ctx, null, true);
            } else {
                runtime.countRefusedBeforeParsing(ctx, null);
            }
        });
        router.post("/openai/deployments/:deployment/chat/completions").handler(ctx -> azure(ctx, false));
        router.get("/v1/models").handler(ctx -> {
            if (openAiKeyOk(ctx)) {
                models(ctx);
            }
        });
    }

    private boolean openAiKeyOk(RoutingContext ctx) {
        String authorization = ctx.request().getHeader("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            send(ctx, 401, OpenAiSimWire.error("You didn't provide an API key. You need to provide your API key in an "
                    + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password "
                    + "field (with blank username) if you're accessing the API from your browser and are prompted for a "
                    + "username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", null, null));
            return false;
        }
        if (!runtime.acceptsKey(authorization.substring(7).trim())) {
            // The real message echoes a masked key; this one names none of it, so no key reaches any log through it.
            send(ctx, 401, OpenAiSimWire.error("Incorrect API key provided: ********. You can find your API key at "
                    + "https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key"));
            return false;
        }
        return true;
    }

    private void azure(RoutingContext ctx, boolean embedding) {
        String key = ctx.request().getHeader("api-key");
        String authorization = ctx.request().getHeader("authorization");
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        }
        if (!runtime.acceptsKey(key)) {
            ObjectNode body = SimRuntime.JSON.createObjectNode();
            body.putObject("error").put("code", "401").put("message", "Access denied due to invalid subscription key "
                    + "or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a "
                    + "correct regional API endpoint for your resource.");
            send(ctx, 401, body);
            runtime.countRefusedBeforeParsing(ctx, ctx.pathParam("deployment"));
            return;
        }
        if (ctx.request().getParam("api-version") == null) {
            ObjectNode body = SimRuntime.JSON.createObjectNode();
            body.putObject("error").put("code", "404").put("message", "Resource not found");
            send(ctx, 404, body);
            return;
        }
        if (embedding) {
            embeddings.handle(ctx, ctx.pathParam("deployment"));
        } else {
            chat(ctx, ctx.pathParam("deployment"));
        }
    }

    private void chat(RoutingContext ctx, String deployment) {
        chat(ctx, deployment, false);
    }

    /**
     * The request's JSON object and model (the Azure deployment's, else the body's), or null after answering OpenAI's
     * 400 for a body that is not a JSON object or names no model.
     */
    static RequestBody requestBody(RoutingContext ctx, String deployment, String unparsableHint) {
        JsonNode body;
        try {
            body = SimRuntime.JSON.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        } catch (Exception e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            send(ctx, 400, OpenAiSimWire.error("We could not parse the JSON body of your request. (HINT: This likely "
                    + "means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but "
                    + "what was sent was not valid JSON." + unparsableHint + ")", "invalid_request_error", null, null));
            return null;
        }
        String model = deployment != null ? deployment : body.path("model").asText("");
        if (model.isEmpty()) {
            send(ctx, 400, OpenAiSimWire.error("you must provide a model parameter", "invalid_request_error", null,
                    null));
            return null;
        }
        return new RequestBody(body, model);
    }

    record RequestBody(JsonNode json, String model) {
    }

    private void chat(RoutingContext ctx, String deployment, boolean mistral) {
        RequestBody request = requestBody(ctx, deployment, " If you have trouble figuring out how to fix this, please "
                + "contact us through our help center at help.openai.com.");
        if (request == null) {
            return;
        }
        JsonNode body = request.json();
        String model = request.model();
        SimExchange exchange = runtime.exchange(ctx, model);
        ObjectNode invalid = validate(body);
        if (invalid != null) {
            exchange.reject(answer(400, invalid));
            return;
        }
        SimPlan plan = runtime.plan(model);
        if (plan.fault().isErrorStatus()) {
            exchange.fail(plan.fault(), injectedError(plan, model));
            return;
        }
        if (plan.fault() == SimFault.HANG) {
            exchange.hang();
            return;
        }

        ArrayNode messages = (ArrayNode) body.get("messages");
        JsonNode tools = body.path("tools");
        List<String> parts = new ArrayList<>();
        int chars = 0;
        if (tools.isArray() && !tools.isEmpty()) {
            parts.add(tools.toString());
        }
        for (JsonNode message : messages) {
            chars += contentChars(message.get("content"));
            for (JsonNode call : message.path("tool_calls")) {
                chars += call.path("function").path("arguments").asText("").length();
            }
            parts.add(message.toString());
        }
        chars += tools.isArray() ? tools.toString().length() : 0;
        int promptTokens = SimText.estimateTokens(chars);
        int cachedTokens = cachedTokens(model, parts, promptTokens);

        String lastRole = messages.get(messages.size() - 1).path("role").asText();
        SimTurn.Tool tool = lastRole.equals("user") ? toolToCall(tools, body.get("tool_choice")) : null;
        int maxTokens = body.path("max_completion_tokens").asInt(body.path("max_tokens").asInt(0));
        // Mistral and DeepSeek continue a final assistant message marked prefix: true; OpenAI answers a new turn
        JsonNode last = messages.get(messages.size() - 1);
        String prefill = last.path("prefix").asBoolean(false) ? runtime.prefill(model, last, "text") : null;
        SimReply reply = SimReply.generate(new SimTurn(model, promptTokens, maxTokens, tool, 0, prefill), plan);

        SplittableRandom ids = new SplittableRandom(plan.contentSeed() ^ 0x5DEECE66DL);
        OpenAiSimWire.Head head = new OpenAiSimWire.Head("chatcmpl-" + SimText.base62(ids, 29),
                System.currentTimeMillis() / 1000, model);
        String toolCallId = "call_" + (reply.toolCall() != null ? reply.toolCall().idBody() : "");
        ObjectNode usage = OpenAiSimWire.usage(promptTokens, cachedTokens, reply);
        Map<String, String> headers = headers(ids);
        if (body.path("stream").asBoolean(false)) {
            headers.put("content-type", "text/event-stream; charset=utf-8");
            headers.put("cache-control", "no-cache");
            boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
            exchange.stream(plan, headers, mistral ? OpenAiSimWire.mistralChunks(head, reply, usage, toolCallId)
                            : OpenAiSimWire.chunks(head, reply, usage, includeUsage, toolCallId),
                    OpenAiSimWire.streamError());
        } else {
            headers.put("content-type", "application/json");
            exchange.respond(plan, reply.outputTokens(),
                    new SimExchange.Answer(200, headers,
                            SimRuntime.json(OpenAiSimWire.completion(head, reply, usage, toolCallId))),
                    answer(500, OpenAiSimWire.error("The server had an error while processing your request. Sorry "
                            + "about that!", "server_error", null, null)));
        }
    }

    /** What OpenAI checks before any work, with its messages, params and codes. */
    private static ObjectNode validate(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            return OpenAiSimWire.error("Missing required parameter: 'messages'.", "invalid_request_error", "messages",
                    "missing_required_parameter");
        }
        if (!messages.isArray()) {
            return OpenAiSimWire.error("Invalid type for 'messages': expected an array, but got "
                    + messages.getNodeType().name().toLowerCase() + " instead.", "invalid_request_error", "messages",
                    "invalid_type");
        }
        if (messages.isEmpty()) {
            return OpenAiSimWire.error("Invalid 'messages': empty array. Expected an array with minimum length 1, but "
                    + "got an empty array instead.", "invalid_request_error", "messages", "empty_array");
        }
        Set<String> openToolCalls = new TreeSet<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String role = message.path("role").asText("");
            if (!message.has("role")) {
                return OpenAiSimWire.error("Missing required parameter: 'messages[" + i + "].role'.",
                        "invalid_request_error", "messages[" + i + "].role", "missing_required_parameter");
            }
            if (!ROLES.contains(role)) {
                return OpenAiSimWire.error("Invalid value: '" + role + "'. Supported values are: 'system', "
                        + "'assistant', 'user', 'tool', and 'function'.", "invalid_request_error",
                        "messages[" + i + "].role", "invalid_value");
            }
            if (role.equals("tool") && !openToolCalls.contains(message.path("tool_call_id").asText(""))) {
                return OpenAiSimWire.error("Invalid parameter: messages with role 'tool' must be a response to a "
                        + "preceeding message with 'tool_calls'.", "invalid_request_error", "messages.[" + i + "].role",
                        null);
            }
            if (!role.equals("tool")) {
                openToolCalls.clear();
            }
            for (JsonNode call : message.path("tool_calls")) {
                openToolCalls.add(call.path("id").asText(""));
            }
        }
        for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
            JsonNode value = body.get(field);
            if (value != null && !value.isNull() && (!value.canConvertToInt() || value.asInt() < 1)) {
                return OpenAiSimWire.error("Invalid '" + field + "': integer below minimum value. Expected a value >= "
                        + "1, but got " + value + " instead.", "invalid_request_error", field,
                        "integer_below_min_value");
            }
        }
        JsonNode tools = body.path("tools");
        for (int i = 0; i < tools.size(); i++) {
            if (tools.get(i).path("function").path("name").asText("").isEmpty()) {
                return OpenAiSimWire.error("Missing required parameter: 'tools[" + i + "].function.name'.",
                        "invalid_request_error", "tools[" + i + "].function.name", "missing_required_parameter");
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && !choice.isNull() && tools.isEmpty()) {
            return OpenAiSimWire.error("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' "
                    + "are specified.", "invalid_request_error", "tool_choice", null);
        }
        if (choice != null && choice.isObject()) {
            String name = choice.path("function").path("name").asText("");
            if (findTool(tools, name) == null) {
                return OpenAiSimWire.error("Invalid value for 'tool_choice': function '" + name + "' is not among "
                        + "the 'tools' given.", "invalid_request_error", "tool_choice", "invalid_value");
            }
        }
        return null;
    }

    /** The tool policy: with tools offered and not refused, the first tool or the one named by tool_choice. */
    private static SimTurn.Tool toolToCall(JsonNode tools, JsonNode choice) {
        if (!tools.isArray() || tools.isEmpty()) {
            return null;
        }
        if (choice != null && choice.isTextual() && choice.asText().equals("none")) {
            return null;
        }
        JsonNode tool = choice != null && choice.isObject()
                ? findTool(tools, choice.path("function").path("name").asText(""))
                : tools.get(0);
        return tool == null ? null
                : new SimTurn.Tool(tool.path("function").path("name").asText(), tool.path("function").get("parameters"));
    }

    private static JsonNode findTool(JsonNode tools, String name) {
        for (JsonNode tool : tools) {
            if (tool.path("function").path("name").asText("").equals(name)) {
                return tool;
            }
        }
        return null;
    }

    private int cachedTokens(String model, List<String> parts, int promptTokens) {
        List<Boolean> cacheable = new ArrayList<>();
        parts.forEach(p -> cacheable.add(Boolean.TRUE));
        SimRuntime.PromptCacheUse use = runtime.promptCache(model, parts, cacheable);
        int read = Math.min(promptTokens, SimText.estimateTokens(use.readChars()));
        return use.readChars() == 0 || read < CACHE_MIN_TOKENS ? 0 : read / CACHE_STEP_TOKENS * CACHE_STEP_TOKENS;
    }

    private static int contentChars(JsonNode content) {
        if (content == null || content.isNull()) {
            return 0;
        }
        if (content.isTextual()) {
            return content.asText().length();
        }
        int chars = 0;
        for (JsonNode part : content) {
            chars += part.has("text") ? part.path("text").asText().length() : IMAGE_CHARS;
        }
        return chars;
    }

    SimExchange.Answer injectedError(SimPlan plan, String model) {
        return switch (plan.fault()) {
            case RATE_LIMITED, RATE_LIMITED_NO_RETRY_AFTER -> {
                int seconds = plan.profile().retryAfterSeconds();
                Map<String, String> headers = headers(new SplittableRandom(plan.contentSeed()));
                headers.put("content-type", "application/json");
                if (plan.fault() == SimFault.RATE_LIMITED) {
                    headers.put("retry-after", String.valueOf(seconds));
                    headers.put("x-ratelimit-reset-requests", seconds + "s");
                }
                headers.put("x-ratelimit-limit-requests", "500");
                headers.put("x-ratelimit-remaining-requests", "0");
                yield new SimExchange.Answer(429, headers, SimRuntime.json(OpenAiSimWire.error("Rate limit reached for "
                        + model + " in organization org-simulated on requests per min (RPM): Limit 500, Used 500, "
                        + "Requested 1. Please try again in " + seconds + "s. Visit "
                        + "https://platform.openai.com/account/rate-limits to learn more.", "requests", null,
                        "rate_limit_exceeded")));
            }
            case OVERLOADED -> answer(503, OpenAiSimWire.error("The engine is currently overloaded, please try again "
                    + "later.", "server_error", null, null));
            case UNAVAILABLE -> answer(503, OpenAiSimWire.error("The server is overloaded or not ready yet.",
                    "server_error", null, null));
            case BAD_GATEWAY -> SimExchange.Answer.badGateway();
            default -> answer(500, OpenAiSimWire.error("The server had an error while processing your request. Sorry "
                    + "about that!", "server_error", null, null));
        };
    }

    private void models(RoutingContext ctx) {
        ObjectNode root = SimRuntime.JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        new TreeSet<>(runtime.profiles().snapshot().models().keySet()).forEach(id -> data.addObject()
                .put("id", id).put("object", "model").put("created", 1_700_000_000L).put("owned_by", "system"));
        send(ctx, 200, root);
    }

    private static Map<String, String> headers(SplittableRandom ids) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-request-id", "req_" + HexFormat.of().formatHex(new byte[] {
                (byte) ids.nextInt(), (byte) ids.nextInt(), (byte) ids.nextInt(), (byte) ids.nextInt(),
                (byte) ids.nextInt(), (byte) ids.nextInt(), (byte) ids.nextInt(), (byte) ids.nextInt()}));
        headers.put("openai-version", "2020-10-01");
        return headers;
    }

    private static SimExchange.Answer answer(int status, ObjectNode body) {
        return new SimExchange.Answer(status, Map.of("content-type", "application/json"), SimRuntime.json(body));
    }

    private static void send(RoutingContext ctx, int status, ObjectNode body) {
        Buffer bytes = SimRuntime.json(body);
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(bytes);
    }
}
