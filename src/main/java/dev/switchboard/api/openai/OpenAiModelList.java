package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.switchboard.api.openai.OpenAiResponseEncoder.NODES;

/**
 * {@code GET /v1/models}: OpenAI's model list, with OpenRouter's extra fields (name, context length, prices,
 * supported parameters) so that clients written for either read it. Only models that can take traffic now are
 * listed: a caller should never pick a model from here and get "no provider configured".
 */
public final class OpenAiModelList {

    private static final BigDecimal PER_TOKEN = BigDecimal.valueOf(1_000_000);

    private OpenAiModelList() {
    }

    public static byte[] encode(Catalog catalog) {
        ObjectNode root = NODES.objectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (CatalogModel model : catalog.models()) {
            List<CatalogEndpoint> live = model.endpoints().stream()
                    .filter(e -> e.provider().status().routable()).toList();
            if (live.isEmpty()) {
                continue;
            }
            ObjectNode entry = data.addObject();
            entry.put("id", model.slug());
            entry.put("object", "model");
            entry.put("created", model.released() == null ? 0
                    : model.released().atStartOfDay(ZoneOffset.UTC).toEpochSecond());
            entry.put("owned_by", model.vendorSlug());
            entry.put("name", model.name());
            entry.put("context_length", model.contextLength());
            // the prices a caller pays at least: the cheapest provider that can serve it now
            CatalogEndpoint cheapest = live.stream()
                    .min(Comparator.comparing((CatalogEndpoint e) -> e.pricing().blended())).orElseThrow();
            ObjectNode pricing = entry.putObject("pricing");
            pricing.put("prompt", perToken(cheapest.pricing().input()));
            pricing.put("completion", perToken(cheapest.pricing().output()));
            Set<String> parameters = new LinkedHashSet<>();
            live.forEach(e -> parameters.addAll(e.supportedParameters()));
            ArrayNode supported = entry.putArray("supported_parameters");
            parameters.forEach(supported::add);
        }
        return OpenAiResponseEncoder.write(root);
    }

    /** USD per million tokens to USD per token, as a plain decimal string ("0.000003"), as OpenRouter lists it. */
    static String perToken(BigDecimal perMillion) {
        if (perMillion == null || perMillion.signum() == 0) {
            return "0";
        }
        return perMillion.divide(PER_TOKEN).stripTrailingZeros().toPlainString();
    }
}
