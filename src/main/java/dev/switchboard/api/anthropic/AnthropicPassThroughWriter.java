package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.Served;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.http.SseEvent;
import dev.switchboard.proxy.PassThroughJson;
import dev.switchboard.proxy.PassThroughWriter;

import java.math.BigDecimal;
import java.util.function.Function;

/**
 * An Anthropic provider's answer to an Anthropic caller. Only two events are rewritten: {@code message_start} (the
 * generation id, the public model, {@code provider}) and {@code message_delta} (its usage gains {@code cost});
 * content events go out as they came.
 */
final class AnthropicPassThroughWriter implements PassThroughWriter {

    private final Served served;
    private final Function<Usage, BigDecimal> costOf;
    private int inputTokens;
    private int cacheReadTokens;
    private int cacheWriteTokens;

    AnthropicPassThroughWriter(Served served, Function<Usage, BigDecimal> costOf) {
        this.served = served;
        this.costOf = costOf;
    }

    @Override
    public byte[] answer(ObjectNode json) {
        stamp(json);
        if (json.get("usage") instanceof ObjectNode usage) {
            remember(usage);
            addCost(usage, usage.path("output_tokens").asInt());
        }
        return PassThroughJson.bytes(json);
    }

    @Override
    public byte[] frame(SseEvent event) {
        String type = event.event();
        if ("message_start".equals(type) || "message_delta".equals(type)) {
            ObjectNode data = PassThroughJson.parse(event.data());
            if (data != null) {
                if (data.get("message") instanceof ObjectNode message) {
                    stamp(message);
                    if (message.get("usage") instanceof ObjectNode usage) {
                        remember(usage);
                    }
                } else if (data.get("usage") instanceof ObjectNode usage) {
                    // message_delta's counts are cumulative and may restate the input
                    if (usage.has("input_tokens")) {
                        remember(usage);
                    }
                    addCost(usage, usage.path("output_tokens").asInt());
                }
                return PassThroughWriter.sse(type, PassThroughJson.text(data));
            }
        }
        return PassThroughWriter.sse(type, event.data());
    }

    private void stamp(ObjectNode message) {
        message.put("id", served.generationId());
        message.put("model", served.model());
        message.put("provider", served.provider());
    }

    private void remember(JsonNode usage) {
        inputTokens = usage.path("input_tokens").asInt(inputTokens);
        cacheReadTokens = usage.path("cache_read_input_tokens").asInt(cacheReadTokens);
        cacheWriteTokens = usage.path("cache_creation_input_tokens").asInt(cacheWriteTokens);
    }

    /** Anthropic's input_tokens leave out cached tokens; ours count them. */
    private void addCost(ObjectNode usage, int outputTokens) {
        BigDecimal cost = costOf.apply(new Usage(inputTokens + cacheReadTokens + cacheWriteTokens, outputTokens,
                cacheReadTokens, cacheWriteTokens, 0));
        if (cost != null) {
            usage.put("cost", cost);
        }
    }

}
