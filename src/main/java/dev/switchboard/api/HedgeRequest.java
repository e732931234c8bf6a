package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the caller asked of hedging ({@code provider.hedge}), read from the body of either protocol. The proxy decides
 * with it and the model's configuration whether a second candidate may race the first; see
 * {@code dev.switchboard.proxy.HedgePolicy}.
 *
 * @param mode    what was asked
 * @param afterMs the fixed threshold of {@link Mode#FIXED}; null otherwise
 * @param why     for {@link Mode#OFF}: what turned it off, in words (for the generation's reader); null otherwise
 */
public record HedgeRequest(Mode mode, Integer afterMs, String why) {

    /** Longest fixed threshold accepted: beyond an hour no first token is coming anyway. */
    static final int MAX_AFTER_MS = 3_600_000;

    public enum Mode {
        /** Nothing said: the model's configuration decides (off when it has none). */
        NOT_GIVEN,
        /** Never hedge this request: the caller said so, or it has side effects a second call would repeat. */
        OFF,
        /** Hedge when no first token (or answer) came within {@code afterMs}. */
        FIXED,
        /** Hedge at the chosen endpoint's live TTFT p90. */
        P90
    }

    public static final HedgeRequest NOT_GIVEN = new HedgeRequest(Mode.NOT_GIVEN, null, null);

    /** The caller's header that forbids hedging whatever the body or the configuration say. */
    public static final String NO_HEDGE_HEADER = "x-switchboard-no-hedge";

    /**
     * Reads {@code provider.hedge} ({@code false}, {@code true} (= {@code {"after": "p90"}}), {@code {"after_ms": N}}
     * or {@code {"after": "p90"}}); a malformed value is a 400 naming the field. Side effects win over any of it: the
     * {@code x-switchboard-no-hedge: true} header, OpenAI's {@code store: true} (a second call stores a second
     * completion) and Anthropic's {@code mcp_servers} (the provider calls the caller's tools itself) turn hedging off.
     *
     * @param noHedgeHeader the value of {@link #NO_HEDGE_HEADER}, or null
     */
    public static HedgeRequest parse(ObjectNode body, String noHedgeHeader) {
        HedgeRequest asked = asked(body);
        if (noHedgeHeader != null) {
            String value = noHedgeHeader.strip();
            if (value.equalsIgnoreCase("true") || value.equals("1")) {
                return off("the caller's " + NO_HEDGE_HEADER + " header");
            }
            if (!value.equalsIgnoreCase("false") && !value.equals("0")) {
                throw ProxyException.invalid("The " + NO_HEDGE_HEADER + " header must be true or false; got \""
                        + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "\".", null);
            }
        }
        JsonNode store = body.get("store");
        if (store != null && store.isBoolean() && store.booleanValue()) {
            return off("store: true (a second call would store a second completion)");
        }
        JsonNode mcp = body.get("mcp_servers");
        if (mcp != null && !mcp.isNull() && !(mcp.isArray() && mcp.isEmpty())) {
            return off("mcp_servers (the provider would call the caller's tools twice)");
        }
        return asked;
    }

    private static HedgeRequest asked(ObjectNode body) {
        JsonNode provider = body.get("provider");
        if (provider == null || !provider.isObject()) {
            return NOT_GIVEN; // a non-object provider is RoutingExtensions' error to report
        }
        JsonNode hedge = provider.get("hedge");
        if (hedge == null || hedge.isNull()) {
            return NOT_GIVEN;
        }
        String path = "provider.hedge";
        if (hedge.isBoolean()) {
            return hedge.booleanValue() ? new HedgeRequest(Mode.P90, null, null) : off("provider.hedge: false");
        }
        if (!hedge.isObject()) {
            throw expected(path, "false, true, or an object {\"after_ms\": 200} or {\"after\": \"p90\"}", hedge);
        }
        JsonNode afterMs = present(hedge.get("after_ms"));
        JsonNode after = present(hedge.get("after"));
        if (afterMs != null && after != null) {
            throw ProxyException.invalid("`provider.hedge` gives both `after_ms` and `after`; give one.",
                    path + ".after");
        }
        if (afterMs != null) {
            if (!afterMs.isIntegralNumber() || !afterMs.canConvertToInt() || afterMs.intValue() < 0
                    || afterMs.intValue() > MAX_AFTER_MS) {
                throw expected(path + ".after_ms", "a whole number of milliseconds from 0 to " + MAX_AFTER_MS,
                        afterMs);
            }
            return new HedgeRequest(Mode.FIXED, afterMs.intValue(), null);
        }
        if (after != null) {
            if (!after.isTextual() || !after.asText().strip().equalsIgnoreCase("p90")) {
                throw expected(path + ".after", "\"p90\" (the endpoint's live time-to-first-token p90)", after);
            }
            return new HedgeRequest(Mode.P90, null, null);
        }
        throw ProxyException.invalid("`provider.hedge` must give `after_ms` (milliseconds) or `after` (\"p90\"); "
                + "got " + RoutingExtensions.describe(hedge) + " without either.", path);
    }

    private static HedgeRequest off(String why) {
        return new HedgeRequest(Mode.OFF, null, why);
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    private static ProxyException expected(String path, String what, JsonNode given) {
        return ProxyException.invalid("`" + path + "` must be " + what + "; got " + RoutingExtensions.describe(given)
                + ".", path);
    }
}
