package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Claude through Bedrock's InvokeModel API, {@code POST /model/{modelId}/invoke} and
 * {@code /invoke-with-response-stream}: the body is Anthropic Messages JSON with
 * {@code "anthropic_version": "bedrock-2023-05-31"} and the model in the path, the answer Anthropic's message JSON,
 * or its stream events each in a {@code chunk} frame of the binary event stream. The request was authenticated by
 * {@link BedrockSimProtocol}; refusals and faults have Bedrock's shapes, the content is the Anthropic simulator's.
 */
final class BedrockSimInvoke {

    static final String ANTHROPIC_VERSION = "bedrock-2023-05-31";
    /**
     * anthropic-java 3.14's BedrockBackend copies its {@code anthropic-version} header (a date such as 2026-10-21)
     * into {@code anthropic_version} instead of sending bedrock-2023-05-31, so dated versions are taken too, as the
     * Anthropic protocol takes any date.
     */
    private static final Pattern DATED_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final SimRuntime runtime;

    BedrockSimInvoke(SimRuntime runtime) {
        this.runtime = runtime;
    }

    void invoke(RoutingContext ctx, String requestId, String model, boolean stream, byte[] bytes) {
        JsonNode body;
        try {
            body = SimRuntime.JSON.readTree(bytes);
        } catch (Exception e) {
            body = null;
        }
        SimExchange exchange = runtime.exchange(ctx, model);
        if (body == null || !body.isObject()) {
            exchange.reject(BedrockSimProtocol.answer(requestId, 400, "ValidationException",
                    "Malformed input request, please reformat your input and try again."));
            return;
        }
        String invalid = validate(body);
        if (invalid != null) {
            exchange.reject(BedrockSimProtocol.answer(requestId, 400, "ValidationException", invalid));
            return;
        }
        SimPlan plan = runtime.plan(model);
        if (plan.fault().isErrorStatus()) {
            exchange.fail(plan.fault(), BedrockSimProtocol.injectedError(plan.fault(), requestId));
            return;
        }
        if (plan.fault() == SimFault.HANG) {
            exchange.hang();
            return;
        }

        AnthropicSimWire.Usage usage = AnthropicSimProtocol.usage(runtime, model, body);
        JsonNode thinking = body.path("thinking");
        int budget = thinking.path("type").asText("").equals("enabled") ? thinking.path("budget_tokens").asInt() : 0;
        SimTurn turn = new SimTurn(model, usage.inputTokens(), body.path("max_tokens").asInt(),
                AnthropicSimProtocol.toolToCall(body), budget);
        SimReply reply = SimReply.generate(turn, plan);
        // Bedrock's ids for Claude's messages and tool uses carry a "bdrk" mark
        SplittableRandom ids = new SplittableRandom(plan.contentSeed() ^ 0x5DEECE66DL);
        String id = "msg_bdrk_01" + SimText.base62(ids, 22);
        String toolUseId = reply.toolCall() != null
                ? "toolu_bdrk_01" + reply.toolCall().idBody().substring(0, 22) : null;
        String anthropicModel = anthropicModel(model);
        long latencyMs = plan.ttftMs() + Math.round(Math.max(0, reply.outputTokens() - 1) * plan.msPerToken());

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amzn-RequestId", requestId);
        if (stream) {
            headers.put("content-type", BedrockSimWire.EVENT_STREAM);
            headers.put("x-amzn-bedrock-content-type", "application/json");
            ObjectNode metrics = BedrockSimWire.invocationMetrics(usage.inputTokens(), reply.outputTokens(),
                    latencyMs, plan.ttftMs());
            exchange.stream(plan, headers, BedrockSimWire.chunks(AnthropicSimWire.streamEvents(id, anthropicModel,
                            reply, usage, toolUseId), metrics, ids), BedrockSimProtocol.midStreamException());
        } else {
            headers.put("content-type", "application/json");
            headers.put("X-Amzn-Bedrock-Invocation-Latency", String.valueOf(latencyMs));
            headers.put("X-Amzn-Bedrock-Input-Token-Count", String.valueOf(usage.inputTokens()));
            headers.put("X-Amzn-Bedrock-Output-Token-Count", String.valueOf(reply.outputTokens()));
            exchange.respond(plan, reply.outputTokens(), new SimExchange.Answer(200, headers,
                            SimRuntime.json(AnthropicSimWire.message(id, anthropicModel, reply, usage, toolUseId))),
                    BedrockSimProtocol.modelError(requestId));
        }
    }

    /**
     * Bedrock's schema check of the body first (its "Malformed input request" messages), then Anthropic's own
     * validation of the conversation.
     */
    static String validate(JsonNode body) {
        if (!body.has("anthropic_version")) {
            return malformed("#: required key [anthropic_version] not found");
        }
        String version = body.path("anthropic_version").asText("");
        if (!version.equals(ANTHROPIC_VERSION) && !DATED_VERSION.matcher(version).matches()) {
            return "Invalid API version: " + version;
        }
        for (String extraneous : new String[] {"model", "stream"}) {
            if (body.has(extraneous)) {
                return malformed("#: extraneous key [" + extraneous + "] is not permitted");
            }
        }
        if (!body.has("max_tokens")) {
            return malformed("#: required key [max_tokens] not found");
        }
        return AnthropicSimProtocol.validate(body);
    }

    private static String malformed(String problem) {
        return "Malformed input request: " + problem + ", please reformat your input and try again.";
    }

    /**
     * The model name Claude's answer carries: Bedrock's id without its inference-profile region, provider prefix and
     * version suffix ({@code us.anthropic.claude-sonnet-4-20250514-v1:0} answers as {@code claude-sonnet-4-20250514}).
     */
    static String anthropicModel(String modelId) {
        String name = modelId.substring(modelId.lastIndexOf('/') + 1);
        int provider = name.indexOf("anthropic.");
        if (provider >= 0) {
            name = name.substring(provider + "anthropic.".length());
        }
        return name.replaceFirst("-v\\d+(:\\d+)?$", "");
    }
}
