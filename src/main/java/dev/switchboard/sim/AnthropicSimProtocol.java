package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Anthropic Messages as api.anthropic.com serves it: {@code POST /v1/messages} with {@code x-api-key} (or the key as
 * a bearer token) and {@code anthropic-version}, non-streaming and SSE with the real event sequence, tool use, extended thinking, prompt
 * caching (blocks marked {@code cache_control}), and the real error shapes (401, 400, 429, 500, 529). Also Claude on
 * Vertex AI ({@code rawPredict} / {@code streamRawPredict} with a Google access token from {@link SimGoogleAuth}).
 */
public final class AnthropicSimProtocol implements SimProtocol {

    /** Versions are dates; SDKs move to newer ones (anthropic-java 3.14 sends 2026-10-21), so any date is taken. */
    private static final Pattern VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** Claude on Vertex AI: {@code /v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:rawPredict}. */
    private static final Pattern VERTEX = Pattern.compile(
            "/v1/projects/[^/]+/locations/[^/]+/publishers/anthropic/models/([^/:]+):(rawPredict|streamRawPredict)");
    private static final String VERTEX_VERSION = "vertex-2023-10-16";
    private static final int IMAGE_CHARS = 1600 * 4;
    private static final int MIN_THINKING_BUDGET = 1024;

    private SimRuntime runtime;

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public void register(Router router, SimRuntime runtime) {
        this.runtime = runtime;
        router.post("/v1/messages").handler(this::messages);
        router.post("/v1/messages/count_tokens").handler(this::countTokens);
        router.routeWithRegex(HttpMethod.POST, VERTEX.pattern()).handler(ctx -> {
            Matcher m = VERTEX.matcher(ctx.request().path());
            if (!m.matches()) {
                ctx.next();
            } else if (m.group(1).equals("count-tokens") && m.group(2).equals("rawPredict")) {
                vertexCountTokens(ctx);
            } else {
                vertexRawPredict(ctx, URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), m.group(2));
            }
        });
    }

    /**
     * {@code POST /v1/messages/count_tokens}: the same key and version checks, a body without max_tokens, and
     * {@code {"input_tokens": N}} by {@link SimTokenCount}. Fields count_tokens does not take are refused, as the
     * real API refuses them.
     */
    private void countTokens(RoutingContext ctx) {
        String requestId = "req_011C" + SimText.base62(new SplittableRandom(System.nanoTime()), 20);
        String key = ctx.request().getHeader("x-api-key");
        String authorization = ctx.request().getHeader("authorization");
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        }
        if (key == null || !runtime.acceptsKey(key)) {
            send(ctx, 401, AnthropicSimWire.error("authentication_error", "invalid x-api-key", requestId));
            runtime.countRefusedBeforeParsing(ctx, null);
            return;
        }
        if (ctx.request().getHeader("anthropic-version") == null) {
            send(ctx, 400, AnthropicSimWire.error("invalid_request_error", "anthropic-version: header is required",
                    requestId));
            return;
        }
        JsonNode body = readBody(ctx);
        String model = body == null ? "" : body.path("model").asText("");
        if (model.isEmpty()) {
            send(ctx, 400, AnthropicSimWire.error("invalid_request_error", body == null
                    ? "The request body is not valid JSON." : "model: Field required", requestId));
            return;
        }
        count(ctx, body, model, requestId, false);
    }

    /** Claude's count on Vertex: {@code .../publishers/anthropic/models/count-tokens:rawPredict}, the model in the body. */
    private void vertexCountTokens(RoutingContext ctx) {
        JsonNode body = readBody(ctx);
        String model = body == null ? "" : body.path("model").asText("");
        if (!runtime.googleAuth().authorize(ctx, runtime, model.isEmpty() ? "count-tokens" : model,
                "google.cloud.aiplatform.v1.PredictionService.RawPredict")) {
            return;
        }
        String requestId = "req_vrtx_011C" + SimText.base62(new SplittableRandom(System.nanoTime()), 20);
        if (model.isEmpty() || body.path("anthropic_version").asText("").isEmpty()) {
            send(ctx, 400, AnthropicSimWire.error("invalid_request_error", body == null
                    ? "The request body is not valid JSON." : model.isEmpty() ? "model: Field required"
                    : "anthropic_version: Field required", requestId));
            return;
        }
        count(ctx, body, model, requestId, true);
    }

    private void count(RoutingContext ctx, JsonNode body, String model, String requestId, boolean vertex) {
        SimExchange exchange = runtime.exchange(ctx, model);
        for (String field : new String[] {"max_tokens", "temperature", "stream", "stop_sequences"}) {
            if (body.has(field)) {
                exchange.reject(answer(400, AnthropicSimWire.error("invalid_request_error", field
                        + ": Extra inputs are not permitted", requestId), requestId));
                return;
            }
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            exchange.reject(answer(400, AnthropicSimWire.error("invalid_request_error",
                    "messages: at least one message is required", requestId), requestId));
            return;
        }
        SimPlan plan = runtime.plan(model);
        if (injectedFault(exchange, plan, model, requestId, vertex)) {
            return;
        }
        ObjectNode answer = SimRuntime.JSON.createObjectNode().put("input_tokens", SimTokenCount.of(body));
        exchange.respond(plan, 1, answer(200, answer, requestId),
                answer(529, AnthropicSimWire.error("overloaded_error", "Overloaded", requestId), requestId));
    }

    /**
     * The plan's error status or hang, if it has one: true when the exchange is answered (or left) by it. On Vertex a
     * rate limit is Vertex's quota 429, not Anthropic's.
     */
    private boolean injectedFault(SimExchange exchange, SimPlan plan, String model, String requestId, boolean vertex) {
        if (plan.fault().isErrorStatus()) {
            exchange.fail(plan.fault(), vertex && plan.fault() == SimFault.RATE_LIMITED ? vertexQuota(model)
                    : injectedError(plan, requestId));
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

    private void messages(RoutingContext ctx) {
        SplittableRandom requestIds = new SplittableRandom(System.nanoTime());
        String requestId = "req_011C" + SimText.base62(requestIds, 20);
        // api.anthropic.com takes the key as x-api-key or, as anthropic-java 3.x sends it, as a bearer token
        String key = ctx.request().getHeader("x-api-key");
        String authorization = ctx.request().getHeader("authorization");
        boolean bearer = key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        if (bearer) {
            key = authorization.substring(7).trim();
        }
        if (key == null) {
            send(ctx, 401, AnthropicSimWire.error("authentication_error", "x-api-key header is required", requestId));
            runtime.countRefusedBeforeParsing(ctx, null);
            return;
        }
        if (!runtime.acceptsKey(key)) {
            send(ctx, 401, AnthropicSimWire.error("authentication_error",
                    bearer ? "Invalid bearer token" : "invalid x-api-key", requestId));
            runtime.countRefusedBeforeParsing(ctx, null);
            return;
        }
        String version = ctx.request().getHeader("anthropic-version");
        if (version == null) {
            send(ctx, 400, AnthropicSimWire.error("invalid_request_error", "anthropic-version: header is required",
                    requestId));
            return;
        }
        if (!VERSION.matcher(version).matches()) {
            send(ctx, 400, AnthropicSimWire.error("invalid_request_error",
                    "anthropic-version: unknown version '" + version + "'", requestId));
            return;
        }
        JsonNode body = readBody(ctx);
        if (body == null) {
            send(ctx, 400, AnthropicSimWire.error("invalid_request_error", "The request body is not valid JSON.",
                    requestId));
            return;
        }
        String model = body.path("model").asText("");
        if (model.isEmpty()) {
            send(ctx, 400, AnthropicSimWire.error("invalid_request_error", "model: Field required", requestId));
            return;
        }
        serve(ctx, body, model, requestId, false);
    }

    /**
     * Claude on Vertex AI: {@code rawPredict} / {@code streamRawPredict} with a Google access token, the model in the
     * path and {@code anthropic_version: vertex-2023-10-16} in the body; the rest as on api.anthropic.com, Anthropic's
     * errors passed through, but a quota 429 in Google's shape (Vertex's quota, not Anthropic's rate limit).
     */
    private void vertexRawPredict(RoutingContext ctx, String model, String method) {
        String rpc = "google.cloud.aiplatform.v1.PredictionService." + (method.equals("rawPredict") ? "RawPredict"
                : "StreamRawPredict");
        if (!runtime.googleAuth().authorize(ctx, runtime, model, rpc)) {
            return;
        }
        String requestId = "req_vrtx_011C" + SimText.base62(new SplittableRandom(System.nanoTime()), 20);
        JsonNode body = readBody(ctx);
        if (body == null) {
            send(ctx, 400, AnthropicSimWire.error("invalid_request_error", "The request body is not valid JSON.",
                    requestId));
            return;
        }
        String version = body.path("anthropic_version").asText("");
        if (version.isEmpty()) {
            send(ctx, 400, AnthropicSimWire.error("invalid_request_error", "anthropic_version: Field required",
                    requestId));
            return;
        }
        // Vertex documents vertex-2023-10-16; anthropic-java-vertex 3.x moves its dated anthropic-version header here
        if (!version.equals(VERTEX_VERSION) && !VERSION.matcher(version).matches()) {
            send(ctx, 400, AnthropicSimWire.error("invalid_request_error", "anthropic_version: Input should be '"
                    + VERTEX_VERSION + "'", requestId));
            return;
        }
        if (method.equals("streamRawPredict") != body.path("stream").asBoolean(false)) {
            send(ctx, 400, AnthropicSimWire.error("invalid_request_error", method.equals("streamRawPredict")
                    ? "streamRawPredict requires \"stream\": true" : "rawPredict does not stream: use "
                    + "streamRawPredict", requestId));
            return;
        }
        serve(ctx, body, model, requestId, true);
    }

    private void serve(RoutingContext ctx, JsonNode body, String model, String requestId, boolean vertex) {
        SimExchange exchange = runtime.exchange(ctx, model);
        String invalid = validate(body);
        if (invalid != null) {
            exchange.reject(answer(400, AnthropicSimWire.error("invalid_request_error", invalid, requestId),
                    requestId));
            return;
        }
        SimPlan plan = runtime.plan(model);
        if (injectedFault(exchange, plan, model, requestId, vertex)) {
            return;
        }

        AnthropicSimWire.Usage usage = usage(runtime, model, body);
        JsonNode thinking = body.path("thinking");
        int budget = thinking.path("type").asText("").equals("enabled") ? thinking.path("budget_tokens").asInt() : 0;
        // a conversation ending on an assistant turn is a prefill: the answer continues it
        JsonNode messages = body.get("messages");
        String prefill = runtime.prefill(model, messages.get(messages.size() - 1), "text");
        SimTurn turn = new SimTurn(model, usage.inputTokens(), body.path("max_tokens").asInt(),
                toolToCall(body), budget, prefill);
        SimReply reply = SimReply.generate(turn, plan);

        SplittableRandom ids = new SplittableRandom(plan.contentSeed() ^ 0x5DEECE66DL);
        String id = "msg_01" + SimText.base62(ids, 22);
        String toolUseId = reply.toolCall() != null ? "toolu_01" + reply.toolCall().idBody().substring(0, 22) : null;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("request-id", requestId);
        if (body.path("stream").asBoolean(false)) {
            headers.put("content-type", "text/event-stream; charset=utf-8");
            headers.put("cache-control", "no-cache");
            exchange.stream(plan, headers, AnthropicSimWire.events(id, model, reply, usage, toolUseId),
                    AnthropicSimWire.overloadedEvent(requestId));
        } else {
            headers.put("content-type", "application/json");
            exchange.respond(plan, reply.outputTokens(),
                    new SimExchange.Answer(200, headers,
                            SimRuntime.json(AnthropicSimWire.message(id, model, reply, usage, toolUseId))),
                    answer(529, AnthropicSimWire.error("overloaded_error", "Overloaded", requestId), requestId));
        }
    }

    /**
     * What Anthropic checks before any work, with its messages (field paths as its validator names them). Claude on
     * Bedrock checks the same.
     */
    static String validate(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            return "messages: Field required";
        }
        JsonNode maxTokens = body.get("max_tokens");
        if (maxTokens == null || maxTokens.isNull()) {
            return "max_tokens: Field required";
        }
        if (!maxTokens.canConvertToInt() || maxTokens.asInt() < 1) {
            return "max_tokens: Input should be greater than or equal to 1";
        }
        if (!messages.isArray()) {
            return "messages: Input should be a valid list";
        }
        if (messages.isEmpty()) {
            return "messages: at least one message is required";
        }
        Set<String> pendingToolUses = new TreeSet<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String role = message.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                return "messages." + i + ".role: Input should be 'user' or 'assistant'";
            }
            if (message.get("content") == null || message.get("content").isNull()) {
                return "messages." + i + ".content: Field required";
            }
            Set<String> results = new TreeSet<>();
            for (JsonNode block : message.path("content")) {
                if (block.path("type").asText().equals("tool_result")) {
                    String toolUseId = block.path("tool_use_id").asText("");
                    if (!pendingToolUses.contains(toolUseId)) {
                        return "messages." + i + ".content.0: unexpected `tool_use_id` found in `tool_result` blocks: "
                                + toolUseId + ". Each `tool_result` block must have a corresponding `tool_use` block "
                                + "in the previous message.";
                    }
                    results.add(toolUseId);
                }
            }
            if (!pendingToolUses.isEmpty() && !results.containsAll(pendingToolUses)) {
                pendingToolUses.removeAll(results);
                return "messages." + (i - 1) + ": `tool_use` ids were found without `tool_result` blocks immediately "
                        + "after: " + String.join(", ", pendingToolUses) + ". Each `tool_use` block must have a "
                        + "corresponding `tool_result` block in the next message.";
            }
            pendingToolUses.clear();
            if (role.equals("assistant")) {
                for (JsonNode block : message.path("content")) {
                    if (block.path("type").asText().equals("tool_use")) {
                        pendingToolUses.add(block.path("id").asText(""));
                    }
                }
            }
        }
        JsonNode thinking = body.path("thinking");
        if (thinking.path("type").asText("").equals("enabled")) {
            int budget = thinking.path("budget_tokens").asInt(0);
            if (budget < MIN_THINKING_BUDGET) {
                return "thinking.enabled.budget_tokens: Input should be greater than or equal to " + MIN_THINKING_BUDGET;
            }
            if (maxTokens.asInt() <= budget) {
                return "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation "
                        + "at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
                        + "#max-tokens-and-context-window-size";
            }
        }
        JsonNode tools = body.path("tools");
        for (int i = 0; i < tools.size(); i++) {
            if (tools.get(i).path("name").asText("").isEmpty()) {
                return "tools." + i + ".custom.name: Field required";
            }
        }
        JsonNode choice = body.path("tool_choice");
        if (choice.path("type").asText("").equals("tool") && findTool(tools, choice.path("name").asText("")) == null) {
            return "tool_choice: tool '" + choice.path("name").asText("") + "' was not found in tools";
        }
        return null;
    }

    /**
     * The tool policy: with tools offered and tool_choice not "none", a last user message that is not a tool result
     * gets a call to the first tool, or the one tool_choice names.
     */
    static SimTurn.Tool toolToCall(JsonNode body) {
        JsonNode tools = body.path("tools");
        JsonNode choice = body.path("tool_choice");
        if (!tools.isArray() || tools.isEmpty() || choice.path("type").asText("").equals("none")) {
            return null;
        }
        JsonNode messages = body.get("messages");
        JsonNode last = messages.get(messages.size() - 1);
        if (!last.path("role").asText().equals("user")) {
            return null;
        }
        for (JsonNode block : last.path("content")) {
            if (block.path("type").asText().equals("tool_result")) {
                return null;
            }
        }
        JsonNode tool = choice.path("type").asText("").equals("tool")
                ? findTool(tools, choice.path("name").asText(""))
                : tools.get(0);
        return new SimTurn.Tool(tool.path("name").asText(), tool.get("input_schema"));
    }

    private static JsonNode findTool(JsonNode tools, String name) {
        for (JsonNode tool : tools) {
            if (tool.path("name").asText("").equals(name)) {
                return tool;
            }
        }
        return null;
    }

    /** Input tokens, split as Anthropic splits them: uncached, read from the cache, written to it. */
    static AnthropicSimWire.Usage usage(SimRuntime runtime, String model, JsonNode body) {
        List<String> parts = new ArrayList<>();
        List<Boolean> cacheable = new ArrayList<>();
        int chars = 0;
        for (JsonNode tool : body.path("tools")) {
            parts.add(tool.toString());
            cacheable.add(tool.has("cache_control"));
            chars += tool.toString().length();
        }
        JsonNode system = body.path("system");
        if (system.isTextual()) {
            parts.add(system.asText());
            cacheable.add(false);
            chars += system.asText().length();
        }
        for (JsonNode block : system.isArray() ? system : SimRuntime.JSON.createArrayNode()) {
            parts.add(block.toString());
            cacheable.add(block.has("cache_control"));
            chars += blockChars(block);
        }
        for (JsonNode message : body.path("messages")) {
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                parts.add(message.path("role").asText() + ":" + content.asText());
                cacheable.add(false);
                chars += content.asText().length();
            }
            for (JsonNode block : content.isArray() ? content : SimRuntime.JSON.createArrayNode()) {
                parts.add(message.path("role").asText() + ":" + block);
                cacheable.add(block.has("cache_control"));
                chars += blockChars(block);
            }
        }
        SimRuntime.PromptCacheUse use = runtime.promptCache(model, parts, cacheable);
        int total = SimText.estimateTokens(chars);
        int read = use.readChars() == 0 ? 0 : Math.min(total, SimText.estimateTokens(use.readChars()));
        int written = use.writtenChars() == 0 ? 0 : Math.min(total - read, SimText.estimateTokens(use.writtenChars()));
        return new AnthropicSimWire.Usage(Math.max(1, total - read - written), read, written);
    }

    private static int blockChars(JsonNode block) {
        return switch (block.path("type").asText("")) {
            case "text" -> block.path("text").asText().length();
            case "thinking" -> block.path("thinking").asText().length();
            case "tool_use" -> block.path("input").toString().length();
            case "tool_result" -> {
                JsonNode content = block.path("content");
                if (content.isTextual()) {
                    yield content.asText().length();
                }
                int chars = 0;
                for (JsonNode inner : content) {
                    chars += blockChars(inner);
                }
                yield chars;
            }
            case "image", "document" -> IMAGE_CHARS;
            default -> block.toString().length();
        };
    }

    private SimExchange.Answer injectedError(SimPlan plan, String requestId) {
        return switch (plan.fault()) {
            case RATE_LIMITED, RATE_LIMITED_NO_RETRY_AFTER -> {
                int seconds = plan.profile().retryAfterSeconds();
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("content-type", "application/json");
                headers.put("request-id", requestId);
                headers.put("anthropic-ratelimit-requests-limit", "50");
                headers.put("anthropic-ratelimit-requests-remaining", "0");
                if (plan.fault() == SimFault.RATE_LIMITED) {
                    headers.put("retry-after", String.valueOf(seconds));
                    headers.put("anthropic-ratelimit-requests-reset",
                            Instant.now().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS).toString());
                }
                yield new SimExchange.Answer(429, headers, SimRuntime.json(AnthropicSimWire.error("rate_limit_error",
                        "This request would exceed the rate limit for your organization of 50 requests per minute. "
                                + "For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see "
                                + "the response headers for current usage. Please reduce the request rate or try "
                                + "again later.", requestId)));
            }
            case OVERLOADED -> answer(529, AnthropicSimWire.error("overloaded_error", "Overloaded", requestId),
                    requestId);
            case UNAVAILABLE -> answer(503, AnthropicSimWire.error("api_error", "Service Unavailable", requestId),
                    requestId);
            case BAD_GATEWAY -> SimExchange.Answer.badGateway();
            default -> answer(500, AnthropicSimWire.error("api_error", "Internal server error", requestId), requestId);
        };
    }

    /** Vertex's own quota refusal, which is Google's error, whatever the model's vendor. */
    private static SimExchange.Answer vertexQuota(String model) {
        return new SimExchange.Answer(429, Map.of("content-type", "application/json; charset=UTF-8"),
                SimRuntime.json(VertexSimWire.error(429, "Quota exceeded for aiplatform.googleapis.com/"
                        + "online_prediction_requests_per_base_model with base model: anthropic-" + model
                        + ". Please submit a quota increase request. "
                        + "https://cloud.google.com/vertex-ai/docs/generative-ai/quotas-genai.",
                        "RESOURCE_EXHAUSTED")));
    }

    private static SimExchange.Answer answer(int status, ObjectNode body, String requestId) {
        return new SimExchange.Answer(status, Map.of("content-type", "application/json", "request-id", requestId),
                SimRuntime.json(body));
    }

    private static void send(RoutingContext ctx, int status, ObjectNode body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .putHeader("request-id", body.path("request_id").asText()).end(SimRuntime.json(body));
    }
}
