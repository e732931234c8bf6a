package dev.switchboard.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.switchboard.llm.Usage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shape of a generation and its attempts, in {@code GET /api/v1/generation} and (attempts) in
 * {@code generations.attempts}: one shape, so that what is stored reads back as it is served.
 */
final class GenerationJson {

    private GenerationJson() {
    }

    static Map<String, Object> generation(GenerationRecord g) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", g.id());
        json.put("created_at", g.createdAt().toString());
        json.put("requested_model", g.requestedModel());
        json.put("model", g.servedModel());
        json.put("provider", g.providerSlug());
        json.put("endpoint_id", g.endpointId());
        json.put("protocol", g.protocol());
        json.put("streamed", g.streamed());
        json.put("status", g.status());
        json.put("http_status", g.httpStatus());
        json.put("finish_reason", g.finishReason());
        json.put("usage", g.usage() == null ? null : usage(g.usage()));
        // A number in plain notation: BigDecimal would print a sub-micro-dollar cost as 1.5E-7.
        json.put("cost", g.costUsd() == null ? null : new RawValue(g.costUsd().stripTrailingZeros().toPlainString()));
        json.put("ttft_ms", g.ttftMs());
        json.put("latency_ms", g.latencyMs());
        json.put("continued", g.continued());
        json.put("attempts", attempts(g.attempts()));
        return json;
    }

    static Map<String, Object> usage(Usage u) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("input_tokens", u.inputTokens());
        json.put("output_tokens", u.outputTokens());
        json.put("cache_read_tokens", u.cacheReadTokens());
        json.put("cache_write_tokens", u.cacheWriteTokens());
        json.put("reasoning_tokens", u.reasoningTokens());
        json.put("total_tokens", u.totalTokens());
        return json;
    }

    static List<Map<String, Object>> attempts(List<AttemptRecord> attempts) {
        List<Map<String, Object>> list = new ArrayList<>(attempts.size());
        for (AttemptRecord a : attempts) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("provider", a.provider());
            json.put("endpoint_id", a.endpointId());
            json.put("model", a.model());
            json.put("upstream_model", a.upstreamModel());
            json.put("outcome", a.outcome());
            json.put("http_status", a.httpStatus());
            json.put("error_kind", a.errorKind());
            json.put("message", a.message());
            json.put("started_after_ms", a.startedAfterMs());
            json.put("ttft_ms", a.ttftMs());
            json.put("latency_ms", a.latencyMs());
            if (a.continuation()) {
                json.put("continuation", true);
            }
            json.put("hedge", a.hedge());
            json.put("cost", a.cost() == null ? null : new RawValue(a.cost().stripTrailingZeros().toPlainString()));
            list.add(json);
        }
        return list;
    }

    static List<AttemptRecord> attempts(JsonNode array) {
        List<AttemptRecord> list = new ArrayList<>();
        if (array == null || !array.isArray()) {
            return list;
        }
        for (JsonNode a : array) {
            list.add(new AttemptRecord(text(a, "provider"), a.path("endpoint_id").asLong(), text(a, "model"),
                    text(a, "upstream_model"), text(a, "outcome"), integer(a, "http_status"), text(a, "error_kind"),
                    text(a, "message"), a.path("started_after_ms").asInt(), integer(a, "ttft_ms"),
                    a.path("latency_ms").asInt(), a.path("continuation").asBoolean(false),
                    a.path("hedge").asBoolean(false), decimal(a, "cost")));
        }
        return list;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static java.math.BigDecimal decimal(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.decimalValue();
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asInt();
    }
}
