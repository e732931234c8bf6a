package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.routing.RouteSort;
import dev.switchboard.routing.RoutingRequest;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the routing extensions of a request body into a {@link RoutingRequest}: the same JSON on OpenAI and Anthropic
 * requests, in either dialect — OpenRouter's {@code provider} object and {@code models}, ZenMux's
 * {@code provider.routing} and {@code provider.fallback}, and the legacy {@code provider_routing_strategy}.
 * <p>
 * Unknown fields are ignored; a JSON {@code null} means "not given".
 * Anything malformed or self-contradicting is a {@link ProxyException} (400) whose {@code param} is the JSON path at
 * fault and whose message says what was expected and what was given. Whether the provider slugs exist is the
 * planner's question, not this one's.
 * <p>
 * Decisions where the dialects leave room: an explicit {@code allow_fallbacks} wins over the "only these" that ZenMux's
 * {@code routing.type=order} implies; {@code models[0]} is dropped when it repeats {@code model}; fallback models are
 * {@code models} then {@code provider.fallback}, without repeats.
 */
public final class RoutingExtensions {

    private static final List<String> PERCENTILES = List.of("p50", "p75", "p90", "p99");

    private RoutingExtensions() {
    }

    public static RoutingRequest parse(ObjectNode body) {
        if (body == null) {
            throw ProxyException.invalid("The request body must be a JSON object with a `model`.", "model");
        }
        String model = modelOf(body);
        List<String> fallbacks = new ArrayList<>(stringList(body.get("models"), "models", false));
        if (!fallbacks.isEmpty() && fallbacks.getFirst().equals(model)) {
            fallbacks.removeFirst(); // OpenRouter clients often repeat the model as the first of `models`
        }

        JsonNode provider = present(body.get("provider"));
        List<String> order = List.of();
        List<String> only = List.of();
        List<String> ignore = List.of();
        Boolean allowFallbacks = null;
        RouteSort sort = null;
        BigDecimal maxPrompt = null;
        BigDecimal maxCompletion = null;
        boolean requireParameters = false;
        List<String> quantizations = List.of();
        Double maxLatencyMs = null;
        Double minThroughput = null;
        List<String> zenOrder = null;
        RouteSort zenSort = null;
        boolean denyDataCollection = false;
        boolean zdr = false;
        boolean sticky = true;

        if (provider != null) {
            if (!provider.isObject()) {
                throw expected("provider", "an object such as {\"order\": [\"openai\"]}", provider);
            }
            order = stringList(provider.get("order"), "provider.order", true);
            only = stringList(provider.get("only"), "provider.only", true);
            ignore = stringList(provider.get("ignore"), "provider.ignore", false);
            allowFallbacks = bool(provider.get("allow_fallbacks"), "provider.allow_fallbacks");
            sort = sortOf(provider.get("sort"));
            JsonNode maxPrice = present(provider.get("max_price"));
            if (maxPrice != null) {
                if (!maxPrice.isObject()) {
                    throw expected("provider.max_price", "an object {\"prompt\": ..., \"completion\": ...} of USD "
                            + "per million tokens", maxPrice);
                }
                maxPrompt = price(maxPrice.get("prompt"), "provider.max_price.prompt");
                maxCompletion = price(maxPrice.get("completion"), "provider.max_price.completion");
            }
            requireParameters = Boolean.TRUE.equals(bool(provider.get("require_parameters"),
                    "provider.require_parameters"));
            quantizations = stringList(provider.get("quantizations"), "provider.quantizations", false);
            Double latencySeconds = percentileOrNumber(provider.get("preferred_max_latency"),
                    "provider.preferred_max_latency", "seconds");
            maxLatencyMs = latencySeconds == null ? null : latencySeconds * 1000;
            minThroughput = percentileOrNumber(provider.get("preferred_min_throughput"),
                    "provider.preferred_min_throughput", "tokens per second");
            denyDataCollection = dataCollection(provider.get("data_collection"));
            zdr = Boolean.TRUE.equals(bool(provider.get("zdr"), "provider.zdr"));
            sticky = !Boolean.FALSE.equals(bool(provider.get("sticky"), "provider.sticky"));

            JsonNode routing = present(provider.get("routing"));
            if (routing != null) {
                if (!routing.isObject()) {
                    throw expected("provider.routing", "an object {\"type\": \"order\"|\"priority\", ...}", routing);
                }
                String type = string(routing.get("type"), "provider.routing.type");
                if ("order".equals(type)) {
                    zenOrder = stringList(routing.get("providers"), "provider.routing.providers", true);
                    if (zenOrder.isEmpty()) {
                        throw ProxyException.invalid("`provider.routing.providers` is required with type \"order\": "
                                + "a non-empty array of provider slugs.", "provider.routing.providers");
                    }
                } else if ("priority".equals(type)) {
                    zenSort = factor(routing.get("primary_factor"), "provider.routing.primary_factor");
                    if (zenSort == null) {
                        throw ProxyException.invalid("`provider.routing.primary_factor` is required with type "
                                + "\"priority\": one of \"price\", \"latency\", \"throughput\".",
                                "provider.routing.primary_factor");
                    }
                } else {
                    throw ProxyException.invalid("`provider.routing.type` must be \"order\" or \"priority\"; got "
                            + describe(routing.get("type")) + ".", "provider.routing.type");
                }
            }
            // read here so that a bad value is the caller's 400 with the others; the proxy asks for it again
            continueOnStreamFailure(body);
            String fallback = string(provider.get("fallback"), "provider.fallback");
            if (fallback != null) {
                fallbacks.add(fallback);
            }
        }

        JsonNode legacy = present(body.get("provider_routing_strategy"));
        List<String> legacyOrder = null;
        if (legacy != null) {
            if (!legacy.isObject()) {
                throw expected("provider_routing_strategy",
                        "an object {\"type\": \"specified_providers\", \"providers\": [...]}", legacy);
            }
            String type = string(legacy.get("type"), "provider_routing_strategy.type");
            if (!"specified_providers".equals(type)) {
                throw ProxyException.invalid("`provider_routing_strategy.type` must be \"specified_providers\"; got "
                        + describe(legacy.get("type")) + ".", "provider_routing_strategy.type");
            }
            legacyOrder = stringList(legacy.get("providers"), "provider_routing_strategy.providers", true);
            if (legacyOrder.isEmpty()) {
                throw ProxyException.invalid("`provider_routing_strategy.providers` is required: a non-empty array "
                        + "of provider slugs.", "provider_routing_strategy.providers");
            }
        }

        // one order, whichever dialect gave it; two that differ cannot both be obeyed
        List<String> strictOrder = zenOrder != null ? zenOrder : legacyOrder;
        if (zenOrder != null && legacyOrder != null && !zenOrder.equals(legacyOrder)) {
            throw ProxyException.invalid("`provider.routing.providers` " + zenOrder + " and "
                    + "`provider_routing_strategy.providers` " + legacyOrder
                    + " give different provider orders; give one.", "provider_routing_strategy.providers");
        }
        if (strictOrder != null) {
            if (!order.isEmpty() && !order.equals(strictOrder)) {
                throw ProxyException.invalid("`provider.order` " + order + " and `"
                        + (zenOrder != null ? "provider.routing.providers" : "provider_routing_strategy.providers")
                        + "` " + strictOrder + " give different provider orders; give one.", "provider.order");
            }
            order = strictOrder;
            if (allowFallbacks == null) {
                allowFallbacks = false;
            }
        }
        if (zenSort != null) {
            if (sort != null && sort != zenSort) {
                throw ProxyException.invalid("`provider.sort` \"" + name(sort)
                        + "\" and `provider.routing.primary_factor` \"" + name(zenSort)
                        + "\" ask for different sorts; give one.", "provider.sort");
            }
            sort = zenSort;
        }

        Set<String> onlySet = Set.copyOf(only);
        for (String slug : ignore) {
            if (onlySet.contains(slug)) {
                throw ProxyException.invalid("`provider.only` and `provider.ignore` both name \"" + slug
                        + "\"; a provider cannot be both allowed only and ignored.", "provider.ignore");
            }
        }
        if (!order.isEmpty() && !only.isEmpty() && order.stream().noneMatch(onlySet::contains)) {
            throw ProxyException.invalid("`provider.only` " + only + " excludes every provider of the order "
                    + order + "; no provider could be tried.", "provider.only");
        }
        if (!order.isEmpty() && !ignore.isEmpty() && Set.copyOf(ignore).containsAll(order)) {
            throw ProxyException.invalid("`provider.ignore` " + ignore + " excludes every provider of the order "
                    + order + "; no provider could be tried.", "provider.ignore");
        }

        Set<String> distinctFallbacks = new LinkedHashSet<>(fallbacks);
        distinctFallbacks.remove(model);
        return new RoutingRequest(model, List.copyOf(distinctFallbacks), order, only, ignore,
                allowFallbacks == null || allowFallbacks, sort, maxPrompt, maxCompletion, requireParameters,
                quantizations, maxLatencyMs, minThroughput, denyDataCollection, zdr, sticky);
    }

    /** {@code "deny"}: only providers known not to collect data; {@code "allow"} (the default) filters nothing. */
    private static boolean dataCollection(JsonNode node) {
        node = present(node);
        if (node == null) {
            return false;
        }
        if (node.isTextual()) {
            switch (node.asText().strip().toLowerCase(Locale.ROOT)) {
                case "deny" -> {
                    return true;
                }
                case "allow" -> {
                    return false;
                }
                default -> {
                }
            }
        }
        throw expected("provider.data_collection", "\"allow\" or \"deny\"", node);
    }

    /**
     * {@code provider.continue_on_stream_failure}: when a stream dies after text went out, another provider continues
     * the partial answer into the same stream (see the proxy's StreamContinuation). False unless given as true; anything
     * but a boolean is a 400. The proxy reads it, not routing: it changes what happens after a stream began, not
     * which endpoints are tried.
     */
    public static boolean continueOnStreamFailure(ObjectNode body) {
        JsonNode provider = body == null ? null : present(body.get("provider"));
        if (provider == null || !provider.isObject()) {
            return false;
        }
        return Boolean.TRUE.equals(bool(provider.get("continue_on_stream_failure"),
                "provider.continue_on_stream_failure"));
    }

    private static String modelOf(ObjectNode body) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw ProxyException.invalid("`model` is required: a model slug such as \"anthropic/claude-sonnet-4\" "
                    + "(see GET /v1/models).", "model");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw expected("model", "a model slug (a non-empty string) such as \"anthropic/claude-sonnet-4\"", model);
        }
        return model.asText().strip();
    }

    private static RouteSort sortOf(JsonNode node) {
        node = present(node);
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            // {by, partition}: partition decides how fallback models mix in, which our order already fixes
            RouteSort by = factor(node.get("by"), "provider.sort.by");
            if (by == null) {
                throw ProxyException.invalid("`provider.sort.by` is required when `provider.sort` is an object: one "
                        + "of \"price\", \"latency\", \"throughput\".", "provider.sort.by");
            }
            return by;
        }
        return factor(node, "provider.sort");
    }

    private static RouteSort factor(JsonNode node, String path) {
        node = present(node);
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            switch (node.asText().toLowerCase(Locale.ROOT)) {
                case "price" -> {
                    return RouteSort.PRICE;
                }
                case "latency" -> {
                    return RouteSort.LATENCY;
                }
                case "throughput" -> {
                    return RouteSort.THROUGHPUT;
                }
                default -> {
                }
            }
        }
        throw expected(path, "one of \"price\", \"latency\", \"throughput\"", node);
    }

    private static String name(RouteSort sort) {
        return sort.name().toLowerCase(Locale.ROOT);
    }

    /** A list of non-empty strings; {@code nonEmpty}: an explicit [] is an error (it would allow nothing). */
    private static List<String> stringList(JsonNode node, String path, boolean nonEmpty) {
        node = present(node);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw expected(path, "an array of strings", node);
        }
        if (node.isEmpty() && nonEmpty) {
            throw ProxyException.invalid("`" + path + "` is empty; give at least one provider slug, or leave it "
                    + "out.", path);
        }
        List<String> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                throw expected(path + "[" + i + "]", "a non-empty string", item);
            }
            String value = item.asText().strip();
            if (!values.contains(value)) {
                values.add(value);
            }
        }
        return List.copyOf(values);
    }

    private static String string(JsonNode node, String path) {
        node = present(node);
        if (node == null) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw expected(path, "a non-empty string", node);
        }
        return node.asText().strip();
    }

    private static Boolean bool(JsonNode node, String path) {
        node = present(node);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            throw expected(path, "true or false", node);
        }
        return node.booleanValue();
    }

    private static BigDecimal price(JsonNode node, String path) {
        BigDecimal value = decimal(node, path, "a price in USD per million tokens (a number)");
        if (value != null && value.signum() < 0) {
            throw ProxyException.invalid("`" + path + "` must not be negative; got " + value.toPlainString() + ".",
                    path);
        }
        return value;
    }

    private static BigDecimal decimal(JsonNode node, String path, String what) {
        node = present(node);
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            try {
                return node.decimalValue();
            } catch (NumberFormatException e) {
                // a double beyond its range (1e999): Infinity has no decimal value
                throw expected(path, what, node);
            }
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.asText().strip());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw expected(path, what, node);
    }

    /** A number, or an object of percentiles of which p50 is used if given, else the smallest one given. */
    private static Double percentileOrNumber(JsonNode node, String path, String unit) {
        node = present(node);
        if (node == null) {
            return null;
        }
        String what = "a number of " + unit + " or an object {\"p50\": ..., \"p90\": ...}";
        BigDecimal value;
        String at = path;
        if (node.isObject()) {
            value = null;
            for (String p : PERCENTILES) {
                value = decimal(node.get(p), path + "." + p, "a number of " + unit);
                if (value != null) {
                    at = path + "." + p;
                    break;
                }
            }
            if (value == null) {
                throw ProxyException.invalid("`" + path + "` must give at least one of p50, p75, p90, p99 (" + unit
                        + "); got " + describe(node) + ".", path);
            }
        } else {
            value = decimal(node, path, what);
        }
        if (value.signum() < 0) {
            throw ProxyException.invalid("`" + at + "` must not be negative; got " + value.toPlainString() + ".", at);
        }
        return value.doubleValue();
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    private static ProxyException expected(String path, String what, JsonNode given) {
        return ProxyException.invalid("`" + path + "` must be " + what + "; got " + describe(given) + ".", path);
    }

    /** What the caller sent, briefly: its JSON type and, for scalars, the value. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            String text = node.asText();
            return "the string \"" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "\"";
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        if (node.isBoolean()) {
            return Objects.toString(node.booleanValue());
        }
        if (node.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
