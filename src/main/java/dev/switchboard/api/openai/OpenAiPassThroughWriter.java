package dev.switchboard.api.openai;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
 * An OpenAI-compatible provider's answer to an OpenAI caller. Every chunk names the generation id and the public
 * model in place of the provider's (a plain text replacement on the chunks between, which carry neither
 * {@code provider} nor usage, so they are not parsed again); the first chunk and the usage chunk are rewritten with
 * {@code provider} and {@code usage.cost}.
 */
final class OpenAiPassThroughWriter implements PassThroughWriter {

    private final Served served;
    private final Function<Usage, BigDecimal> costOf;
    private String idToken;
    private String idReplacement;
    private String modelToken;
    private final String modelReplacement;
    private boolean first = true;

    OpenAiPassThroughWriter(Served served, String upstreamModel, Function<Usage, BigDecimal> costOf) {
        this.served = served;
        this.costOf = costOf;
        this.modelToken = "\"model\":" + quote(upstreamModel);
        this.modelReplacement = "\"model\":" + quote(served.model());
    }

    @Override
    public byte[] answer(ObjectNode json) {
        stamp(json);
        return PassThroughJson.bytes(json);
    }

    @Override
    public byte[] frame(SseEvent event) {
        String data = event.data();
        String trimmed = data.strip();
        if (!trimmed.startsWith("{")) {
            return PassThroughWriter.sse(event.event(), data);
        }
        if (first || trimmed.contains("\"usage\":{")) {
            ObjectNode chunk = PassThroughJson.parse(trimmed);
            if (chunk != null) {
                if (first) {
                    first = false;
                    String upstreamId = chunk.path("id").asText(null);
                    if (upstreamId != null) {
                        idToken = "\"id\":" + quote(upstreamId);
                        idReplacement = "\"id\":" + quote(served.generationId());
                    }
                    modelToken = chunk.has("model") ? "\"model\":" + quote(chunk.path("model").asText())
                            : modelToken;
                }
                stamp(chunk);
                return PassThroughWriter.sse(event.event(), PassThroughJson.text(chunk));
            }
        }
        String out = data;
        if (idToken != null) {
            out = out.replace(idToken, idReplacement);
        }
        out = out.replace(modelToken, modelReplacement);
        return PassThroughWriter.sse(event.event(), out);
    }

    private void stamp(ObjectNode json) {
        if (json.has("id")) {
            json.put("id", served.generationId());
        }
        json.put("model", served.model());
        json.put("provider", served.provider());
        if (json.get("usage") instanceof ObjectNode usage) {
            BigDecimal cost = costOf.apply(usage(usage));
            if (cost != null) {
                usage.put("cost", cost);
            }
        }
    }

    static Usage usage(JsonNode usage) {
        return new Usage(usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt(),
                usage.path("prompt_tokens_details").path("cached_tokens").asInt(), 0,
                usage.path("completion_tokens_details").path("reasoning_tokens").asInt());
    }

    private static String quote(String value) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value == null ? "" : value)) + "\"";
    }
}
