package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Amazon Bedrock's Converse API as bedrock-runtime serves it: {@code POST /model/{modelId}/converse} (JSON) and
 * {@code /converse-stream} (the binary event stream), the model id percent-encoded in the path; and Claude's own
 * Messages API through InvokeModel ({@code /invoke}, {@code /invoke-with-response-stream}, see
 * {@link BedrockSimInvoke}), authenticated and failing the same way. Requests must be
 * SigV4-signed for service {@code bedrock} with an access key the simulator knows ({@link SimConfig#awsCredentials()};
 * the signature is verified with the AWS SDK's signer), or carry an accepted API key as a bearer token, as Bedrock
 * API keys are sent. Refusals, validation errors and injected faults have AWS's shapes: a {@code {"message"}} body
 * with its type in the {@code x-amzn-ErrorType} header (ThrottlingException 429, ServiceUnavailableException 503,
 * InternalServerException 500, ModelErrorException 424, ValidationException 400, the signature errors 403), and
 * {@code exception} frames mid-stream. Bedrock sends no Retry-After with a 429, so neither does this.
 */
public final class BedrockSimProtocol implements SimProtocol {

    private static final Pattern PATH = Pattern.compile(
            "^/model/([^/]+)/(converse|converse-stream|invoke|invoke-with-response-stream|count-tokens)$");
    private static final int IMAGE_CHARS = 1600 * 4;
    private static final int MIN_THINKING_BUDGET = 1024;

    private SimRuntime runtime;
    private BedrockSimInvoke invoke;

    @Override
    public String name() {
        return "bedrock";
    }

    @Override
    public void register(Router router, SimRuntime runtime) {
        this.runtime = runtime;
        this.invoke = new BedrockSimInvoke(runtime);
        router.postWithRegex("/model/[^/]+/(converse(-stream)?|invoke(-with-response-stream)?|count-tokens)").handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        String requestId = UUID.randomUUID().toString();
        Matcher path = PATH.matcher(ctx.request().path());
        if (!path.matches()) {
            send(ctx, requestId, 404, "UnknownOperationException", "UnknownOperationException");
            return;
        }
        String model = URLDecoder.decode(path.group(1).replace("+", "%2B"), StandardCharsets.UTF_8);
        String operation = path.group(2);
        boolean stream = operation.endsWith("-stream");
        byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();

        String refusal = authenticate(ctx, bytes, requestId);
        if (refusal != null) {
            runtime.countRefusedBeforeParsing(ctx, model);
            return;
        }
        if (operation.startsWith("invoke")) {
            invoke.invoke(ctx, requestId, model, stream, bytes);
            return;
        }
        JsonNode body;
        try {
            body = SimRuntime.JSON.readTree(bytes);
        } catch (Exception e) {
            body = null;
        }
        SimExchange exchange = runtime.exchange(ctx, model);
        if (body == null || !body.isObject()) {
            exchange.reject(answer(requestId, 400, "SerializationException",
                    "Unable to parse the request body as JSON."));
            return;
        }
        if (operation.equals("count-tokens")) {
            countTokens(exchange, body, model, requestId);
            return;
        }
        String invalid = validate(body);
        if (invalid != null) {
            exchange.reject(answer(requestId, 400, "ValidationException", invalid));
            return;
        }
        SimPlan plan = runtime.plan(model);
        if (plan.fault().isErrorStatus()) {
            exchange.fail(plan.fault(), injectedError(plan.fault(), requestId));
            return;
        }
        if (plan.fault() == SimFault.HANG) {
            exchange.hang();
            return;
        }

        BedrockSimWire.Usage usage = usage(model, body);
        JsonNode thinking = body.path("additionalModelRequestFields").path("thinking");
        int budget = thinking.path("type").asText("").equals("enabled") ? thinking.path("budget_tokens").asInt() : 0;
        // Converse continues a conversation that ends on an assistant message (Claude's prefill)
        JsonNode messages = body.get("messages");
        String prefill = runtime.prefill(model, messages.get(messages.size() - 1), "text");
        SimTurn turn = new SimTurn(model, usage.inputTokens(), body.path("inferenceConfig").path("maxTokens").asInt(0),
                toolToCall(body), budget, prefill);
        SimReply reply = SimReply.generate(turn, plan);
        SplittableRandom ids = new SplittableRandom(plan.contentSeed() ^ 0xB3D20C4L);
        String toolUseId = reply.toolCall() != null ? "tooluse_" + reply.toolCall().idBody().substring(0, 22) : null;
        long latencyMs = plan.ttftMs() + Math.round(Math.max(0, reply.outputTokens() - 1) * plan.msPerToken());

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amzn-RequestId", requestId);
        if (stream) {
            headers.put("content-type", BedrockSimWire.EVENT_STREAM);
            exchange.stream(plan, headers, BedrockSimWire.events(reply, usage, toolUseId, latencyMs, ids),
                    midStreamException());
        } else {
            headers.put("content-type", "application/json");
            exchange.respond(plan, reply.outputTokens(), new SimExchange.Answer(200, headers,
                            SimRuntime.json(BedrockSimWire.converse(reply, usage, toolUseId, latencyMs))),
                    modelError(requestId));
        }
    }

    /**
     * CountTokens: {@code {"input":{"converse":{messages, system, toolConfig}}}} answered {@code {"inputTokens": N}}
     * by {@link SimTokenCount}; the invokeModel form is not simulated.
     */
    private void countTokens(SimExchange exchange, JsonNode body, String model, String requestId) {
        JsonNode converse = body.path("input").path("converse");
        if (!converse.isObject()) {
            exchange.reject(answer(requestId, 400, "ValidationException", converse.isMissingNode()
                    && body.path("input").has("invokeModel") ? "The simulator counts the converse input only."
                    : "1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must "
                    + "not be null"));
            return;
        }
        if (!converse.path("messages").isArray() || converse.path("messages").isEmpty()) {
            exchange.reject(answer(requestId, 400, "ValidationException", "A conversation must start with a user "
                    + "message. Try again with a conversation that starts with a user message."));
            return;
        }
        SimPlan plan = runtime.plan(model);
        if (plan.fault().isErrorStatus()) {
            exchange.fail(plan.fault(), injectedError(plan.fault(), requestId));
            return;
        }
        if (plan.fault() == SimFault.HANG) {
            exchange.hang();
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amzn-RequestId", requestId);
        headers.put("content-type", "application/json");
        exchange.respond(plan, 1, new SimExchange.Answer(200, headers, SimRuntime.json(SimRuntime.JSON
                .createObjectNode().put("inputTokens", SimTokenCount.of(converse)))), modelError(requestId));
    }

    /**
     * Null when the request is authenticated; else the refusal has been sent. A bearer token is a Bedrock API key;
     * anything else must be a SigV4 signature by a known access key.
     */
    private String authenticate(RoutingContext ctx, byte[] body, String requestId) {
        String authorization = ctx.request().getHeader("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            if (runtime.acceptsKey(authorization.substring(7).strip())) {
                return null;
            }
            send(ctx, requestId, 403, "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
            return "bad API key";
        }
        BedrockSimSignature.Refusal refusal = BedrockSimSignature.verify(ctx.request(), body, runtime::awsSecret,
                Instant.now());
        if (refusal == null) {
            return null;
        }
        send(ctx, requestId, refusal.status(), refusal.type(), refusal.message());
        return refusal.message();
    }

    /** What Converse checks before any work, with its messages. */
    private static String validate(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray()) {
            return "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must "
                    + "not be null";
        }
        if (messages.isEmpty() || !messages.get(0).path("role").asText().equals("user")) {
            return "A conversation must start with a user message. Try again with a conversation that starts with a "
                    + "user message.";
        }
        JsonNode maxTokens = body.path("inferenceConfig").get("maxTokens");
        if (maxTokens != null && (!maxTokens.canConvertToInt() || maxTokens.asInt() < 1)) {
            return "1 validation error detected: Value '" + maxTokens.asText() + "' at 'inferenceConfig.maxTokens' "
                    + "failed to satisfy constraint: Member must have value greater than or equal to 1";
        }
        boolean toolBlocks = false;
        TreeSet<String> pendingToolUses = new TreeSet<>();
        String previousRole = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String role = message.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                return "1 validation error detected: Value '" + role + "' at 'messages." + (i + 1) + ".member.role' "
                        + "failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]";
            }
            if (role.equals(previousRole)) {
                return "A conversation must alternate between user and assistant roles. Make sure the conversation "
                        + "alternates between user and assistant roles and try again.";
            }
            previousRole = role;
            JsonNode content = message.path("content");
            if (!content.isArray() || content.isEmpty()) {
                return "The content field in the Message object at messages." + i + " is empty. Add a ContentBlock "
                        + "object to the content field and try again.";
            }
            TreeSet<String> results = new TreeSet<>();
            for (int j = 0; j < content.size(); j++) {
                JsonNode block = content.get(j);
                if (block.has("text") && block.path("text").asText().isBlank()) {
                    return "The text field in the ContentBlock object at messages." + i + ".content." + j
                            + " is blank. Add text to the text field, and try again.";
                }
                if (block.has("toolResult")) {
                    toolBlocks = true;
                    String id = block.path("toolResult").path("toolUseId").asText("");
                    if (!pendingToolUses.contains(id)) {
                        return "The number of toolResult blocks at messages." + i + ".content exceeds the number of "
                                + "toolUse blocks of previous turn.";
                    }
                    results.add(id);
                }
                toolBlocks |= block.has("toolUse");
            }
            if (!pendingToolUses.isEmpty() && !results.containsAll(pendingToolUses)) {
                pendingToolUses.removeAll(results);
                return "Expected toolResult blocks at messages." + i + ".content for the following Ids: "
                        + String.join(", ", pendingToolUses);
            }
            pendingToolUses.clear();
            if (role.equals("assistant")) {
                for (JsonNode block : content) {
                    if (block.has("toolUse")) {
                        pendingToolUses.add(block.path("toolUse").path("toolUseId").asText(""));
                    }
                }
            }
        }
        JsonNode toolConfig = body.path("toolConfig");
        if (toolBlocks && !toolConfig.path("tools").isArray()) {
            return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
        }
        String chosen = toolConfig.path("toolChoice").path("tool").path("name").asText(null);
        if (chosen != null && findTool(toolConfig.path("tools"), chosen) == null) {
            return "The tool " + chosen + " named in toolChoice is not in toolConfig.tools.";
        }
        JsonNode thinking = body.path("additionalModelRequestFields").path("thinking");
        if (thinking.path("type").asText("").equals("enabled")) {
            int budget = thinking.path("budget_tokens").asInt(0);
            if (budget < MIN_THINKING_BUDGET) {
                return "The model returned the following errors: thinking.enabled.budget_tokens: Input should be "
                        + "greater than or equal to " + MIN_THINKING_BUDGET;
            }
            if (maxTokens != null && maxTokens.asInt() <= budget) {
                return "The model returned the following errors: `max_tokens` must be greater than "
                        + "`thinking.budget_tokens`. Please consult our documentation at "
                        + "https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
                        + "#max-tokens-and-context-window-size";
            }
        }
        return null;
    }

    /**
     * The tool policy of every protocol: with tools offered, a last user message that is not a tool result gets a
     * call to the first tool, or the one toolChoice names.
     */
    private static SimTurn.Tool toolToCall(JsonNode body) {
        JsonNode tools = body.path("toolConfig").path("tools");
        if (!tools.isArray() || tools.isEmpty()) {
            return null;
        }
        JsonNode messages = body.get("messages");
        JsonNode last = messages.get(messages.size() - 1);
        if (!last.path("role").asText().equals("user")) {
            return null;
        }
        for (JsonNode block : last.path("content")) {
            if (block.has("toolResult")) {
                return null;
            }
        }
        String named = body.path("toolConfig").path("toolChoice").path("tool").path("name").asText(null);
        JsonNode spec = named != null ? findTool(tools, named) : null;
        if (spec == null) {
            for (JsonNode tool : tools) {
                if (tool.has("toolSpec")) {
                    spec = tool.get("toolSpec");
                    break;
                }
            }
        }
        return spec == null ? null : new SimTurn.Tool(spec.path("name").asText(), spec.path("inputSchema").get("json"));
    }

    private static JsonNode findTool(JsonNode tools, String name) {
        for (JsonNode tool : tools) {
            if (tool.path("toolSpec").path("name").asText("").equals(name)) {
                return tool.get("toolSpec");
            }
        }
        return null;
    }

    /**
     * Input tokens, split as Bedrock splits them: uncached, read from the cache, written to it. A block followed by
     * a {@code cachePoint} may end a cache entry.
     */
    private BedrockSimWire.Usage usage(String model, JsonNode body) {
        List<String> parts = new ArrayList<>();
        List<Boolean> cacheable = new ArrayList<>();
        int[] chars = {0};
        boolean[] caching = {false};
        addBlocks(body.path("toolConfig").path("tools"), "tool:", parts, cacheable, chars, caching);
        addBlocks(body.path("system"), "system:", parts, cacheable, chars, caching);
        for (JsonNode message : body.path("messages")) {
            addBlocks(message.path("content"), message.path("role").asText() + ":", parts, cacheable, chars, caching);
        }
        SimRuntime.PromptCacheUse use = runtime.promptCache(model, parts, cacheable);
        int total = SimText.estimateTokens(chars[0]);
        int read = use.readChars() == 0 ? 0 : Math.min(total, SimText.estimateTokens(use.readChars()));
        int written = use.writtenChars() == 0 ? 0 : Math.min(total - read, SimText.estimateTokens(use.writtenChars()));
        return new BedrockSimWire.Usage(Math.max(1, total - read - written), read, written, caching[0]);
    }

    private static void addBlocks(JsonNode blocks, String prefix, List<String> parts, List<Boolean> cacheable,
                                  int[] chars, boolean[] caching) {
        for (JsonNode block : blocks.isArray() ? blocks : SimRuntime.JSON.createArrayNode()) {
            if (block.has("cachePoint")) {
                caching[0] = true;
                if (!cacheable.isEmpty()) {
                    cacheable.set(cacheable.size() - 1, Boolean.TRUE);
                }
                continue;
            }
            parts.add(prefix + block);
            cacheable.add(Boolean.FALSE);
            chars[0] += blockChars(block);
        }
    }

    private static int blockChars(JsonNode block) {
        if (block.has("text")) {
            return block.path("text").asText().length();
        }
        if (block.has("image") || block.has("document")) {
            return IMAGE_CHARS;
        }
        if (block.has("reasoningContent")) {
            return block.path("reasoningContent").path("reasoningText").path("text").asText().length();
        }
        if (block.has("toolUse")) {
            return block.path("toolUse").path("input").toString().length();
        }
        if (block.has("toolResult")) {
            int chars = 0;
            for (JsonNode inner : block.path("toolResult").path("content")) {
                chars += inner.has("json") ? inner.get("json").toString().length() : blockChars(inner);
            }
            return chars;
        }
        return block.toString().length();
    }

    static SimExchange.Answer injectedError(SimFault fault, String requestId) {
        return switch (fault) {
            // Bedrock never sends Retry-After: both kinds of 429 look alike
            case RATE_LIMITED, RATE_LIMITED_NO_RETRY_AFTER -> answer(requestId, 429, "ThrottlingException",
                    "Too many requests, please wait before trying again.");
            case BAD_GATEWAY -> SimExchange.Answer.badGateway();
            case OVERLOADED -> answer(requestId, 503, "ServiceUnavailableException",
                    "Bedrock is unable to process your request.");
            case UNAVAILABLE -> answer(requestId, 503, "ServiceUnavailableException", "Service Unavailable");
            default -> answer(requestId, 500, "InternalServerException",
                    "The system encountered an unexpected error during processing. Try your request again.");
        };
    }

    /** A non-streaming answer that fails where a stream would have failed midway: the model's service erred. */
    static SimExchange.Answer modelError(String requestId) {
        ObjectNode body = BedrockSimWire.error("Received error from the model: Overloaded");
        body.put("originalStatusCode", 529);
        return answer(requestId, 424, "ModelErrorException", body);
    }

    /** How ConverseStream ends when the model's service fails mid-answer (Claude's overloaded is a 529). */
    static Buffer midStreamException() {
        ObjectNode body = BedrockSimWire.error("The model returned an error: Overloaded");
        body.put("originalStatusCode", 529).put("originalMessage", "Overloaded");
        return BedrockSimWire.exception("modelStreamErrorException", body);
    }

    static SimExchange.Answer answer(String requestId, int status, String type, String message) {
        return answer(requestId, status, type, BedrockSimWire.error(message));
    }

    private static SimExchange.Answer answer(String requestId, int status, String type, ObjectNode body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("x-amzn-RequestId", requestId);
        headers.put("x-amzn-ErrorType", BedrockSimWire.errorTypeHeader(type));
        return new SimExchange.Answer(status, headers, SimRuntime.json(body));
    }

    private static void send(RoutingContext ctx, String requestId, int status, String type, String message) {
        SimExchange.Answer answer = answer(requestId, status, type, message);
        ctx.response().setStatusCode(status);
        answer.headers().forEach(ctx.response()::putHeader);
        ctx.response().end(answer.body());
    }
}
