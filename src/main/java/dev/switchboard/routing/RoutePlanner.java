package dev.switchboard.routing;

import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.ProxyException;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.stats.EndpointStats;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * Decides which endpoints a request may go to and in what order (DESIGN.md, Routing), from the catalog, recent stats
 * and health alone: no wire formats, no I/O, so it is tested over hand-built catalogs.
 * <ol>
 *   <li>The model: slug or alias; a suffix after the last ':' is {@code nitro} (sort by throughput), {@code floor}
 *       (sort by price) or a provider slug that pins that provider for the requested model.</li>
 *   <li>Each endpoint passes the caller's filters (pin, {@code only}, {@code ignore}, a strict {@code order},
 *       the privacy filters {@code data_collection} and {@code zdr}, {@code max_price}, {@code quantizations}, tools, {@code max_tokens}, {@code require_parameters}) and must be
 *       live; each one left out is reported with its reason.</li>
 *   <li>Order: an explicit {@code order} first (the rest after it); else {@code sort}; else the model's original
 *       vendor first, then lowest recent TTFT, endpoints without data after by price. Then the latency/throughput
 *       preferences (meeting, no data, failing) and health (open or cooling-down circuits last, kept for when
 *       nothing else is left) as stable partitions. Within a session ({@link StickySession}) and without an explicit
 *       order, sort or pin, the endpoint that served the session last goes first while it is healthy, so the
 *       provider's prompt cache keeps hitting.</li>
 *   <li>Each fallback model's candidates follow, under the same filters bar the pin and the order.</li>
 * </ol>
 * An explicit {@code sort} wins over a {@code :nitro}/{@code :floor} suffix; a fallback model may carry its own
 * {@code :provider} pin, its variant suffix is ignored (the request's sort applies).
 */
public final class RoutePlanner {

    private static final String NITRO = "nitro";
    private static final String FLOOR = "floor";

    private final Catalog catalog;
    private final LongFunction<EndpointStats> stats;
    private final HealthView health;

    public RoutePlanner(Catalog catalog, LongFunction<EndpointStats> stats, HealthView health) {
        this.catalog = catalog;
        this.stats = stats;
        this.health = health;
    }

    /** A model and what its suffix asked for. */
    private record Resolved(CatalogModel model, String pin, RouteSort variantSort) {
    }

    /** Why an endpoint was left out: a caller's requirement, or a provider that cannot take traffic. */
    private record Left(Exclusion exclusion, boolean unavailable, String need) {
    }

    /** The output modality of embedding models: they answer /v1/embeddings, never a chat route, and the reverse. */
    public static final String EMBEDDINGS = "embeddings";
    private static final ChatRequest NO_CHAT = new ChatRequest(null, null, List.of(), null, null, null, null, null,
            null, null, null, null, null, null, null, null, null);

    public RoutePlan plan(RoutingRequest routing, ChatRequest chat) {
        return plan(routing, chat, false, StickySession.NONE);
    }

    /**
     * As {@link #plan(RoutingRequest, ChatRequest)}, within a session: when the request gives no order, sort or
     * {@code :provider}, the endpoint that served the session last goes first while it is healthy (circuit closed,
     * not cooling down) and meets the caller's latency/throughput preferences as well as the default first does.
     */
    public RoutePlan plan(RoutingRequest routing, ChatRequest chat, StickySession session) {
        return plan(routing, chat, false, session);
    }

    /** An embeddings request: the same resolution, filters and order, over embedding models only. */
    public RoutePlan planEmbeddings(RoutingRequest routing) {
        return plan(routing, NO_CHAT, true, StickySession.NONE);
    }

    private RoutePlan plan(RoutingRequest routing, ChatRequest chat, boolean embeddings, StickySession session) {
        Resolved main = resolve(routing.model(), "model");
        checkKind(main.model(), embeddings, "model");
        checkProviders(routing.order(), "provider.order");
        checkProviders(routing.only(), "provider.only");
        checkProviders(routing.ignore(), "provider.ignore");
        List<Resolved> fallbacks = new ArrayList<>();
        for (String slug : routing.fallbackModels()) {
            Resolved fallback = resolve(slug, "models");
            checkKind(fallback.model(), embeddings, "models");
            fallbacks.add(fallback);
        }
        if (RequestParameters.usesImages(chat) && !acceptsImages(main.model())) {
            throw ProxyException.invalid(main.model().slug() + " does not accept images (its input is "
                    + String.join(", ", main.model().inputModalities()) + "); remove the images or choose a model "
                    + "with image input (GET /v1/models).", "messages");
        }

        RouteSort sort = routing.sort() != null ? routing.sort() : main.variantSort();
        Set<String> used = RequestParameters.of(chat);
        List<Candidate> candidates = new ArrayList<>();
        List<Left> left = new ArrayList<>();

        List<CatalogEndpoint> kept = filter(main.model(), main.pin(), true, routing, chat, used, left);
        List<CatalogEndpoint> ordered = order(kept, routing, sort, true);
        boolean stuck = false;
        if (session != null && session.endpointId() != null && sort == null && main.pin() == null
                && routing.order().isEmpty()) {
            stuck = stick(ordered, session.endpointId(), routing);
        }
        candidates.addAll(ordered.stream().map(e -> new Candidate(e, main.model().slug(), false)).toList());
        Set<Long> seen = new HashSet<>();
        candidates.forEach(c -> seen.add(c.endpoint().id()));
        for (Resolved fallback : fallbacks) {
            List<CatalogEndpoint> fallbackKept = filter(fallback.model(), fallback.pin(), false, routing, chat, used,
                    left);
            for (CatalogEndpoint e : order(fallbackKept, routing, sort, false)) {
                if (seen.add(e.id())) {
                    candidates.add(new Candidate(e, fallback.model().slug(), true));
                }
            }
        }
        // an endpoint excluded under one model may not be under another (a fallback model repeated): report it once
        Map<String, Exclusion> excluded = new LinkedHashMap<>();
        for (Left l : left) {
            excluded.putIfAbsent(l.exclusion().endpointSlug(), l.exclusion());
        }
        RoutePlan plan = new RoutePlan(routing.model(), candidates, List.copyOf(excluded.values()),
                session == null ? StickySession.NONE : session, stuck);
        if (candidates.isEmpty()) {
            throw noCandidate(main.model(), plan, left);
        }
        return plan;
    }

    private static void checkKind(CatalogModel model, boolean embeddings, String param) {
        boolean embeds = model.outputModalities().contains(EMBEDDINGS);
        if (embeds && !embeddings) {
            throw ProxyException.invalid(model.slug() + " is an embedding model; use POST /v1/embeddings.", param);
        }
        if (!embeds && embeddings) {
            throw ProxyException.invalid(model.slug() + " is not an embedding model; /v1/embeddings serves models "
                    + "with the output modality 'embeddings' (GET /v1/models lists them).", param);
        }
    }

    private Resolved resolve(String requested, String param) {
        var direct = catalog.model(requested);
        if (direct.isPresent()) {
            return new Resolved(direct.get(), null, null);
        }
        int colon = requested.lastIndexOf(':');
        String base = colon > 0 ? requested.substring(0, colon) : requested;
        String suffix = colon > 0 ? requested.substring(colon + 1) : null;
        CatalogModel model = catalog.model(base).orElseThrow(() -> new ProxyException(new ProxyError(
                ProxyErrorType.NOT_FOUND, "Unknown model \"" + base + "\"" + ("model".equals(param) ? ""
                : " (in " + param + ")") + ". GET /v1/models lists the models this gateway serves.", param,
                "model_not_found")));
        if (suffix == null) {
            return new Resolved(model, null, null);
        }
        if (suffix.equals(NITRO)) {
            return new Resolved(model, null, RouteSort.THROUGHPUT);
        }
        if (suffix.equals(FLOOR)) {
            return new Resolved(model, null, RouteSort.PRICE);
        }
        if (catalog.provider(suffix).isEmpty()) {
            throw ProxyException.invalid("Unknown provider \"" + suffix + "\" in the model suffix of \"" + requested
                    + "\"; after the last ':' comes a provider slug (" + servedBy(model) + " serve " + model.slug()
                    + ") or :nitro / :floor.", param);
        }
        if (model.endpoints().stream().noneMatch(e -> e.provider().slug().equals(suffix))) {
            throw ProxyException.invalid("Provider \"" + suffix + "\" does not serve " + model.slug() + "; "
                    + servedBy(model) + " do.", param);
        }
        return new Resolved(model, suffix, null);
    }

    private static String servedBy(CatalogModel model) {
        return model.endpoints().stream().map(e -> e.provider().slug()).distinct()
                .collect(Collectors.joining(", "));
    }

    private void checkProviders(List<String> slugs, String param) {
        for (String slug : slugs) {
            if (catalog.provider(slug).isEmpty()) {
                throw ProxyException.invalid("Unknown provider \"" + slug + "\" in " + param + "; known providers: "
                        + catalog.providers().stream().map(CatalogProvider::slug).sorted()
                        .collect(Collectors.joining(", ")) + ".", param);
            }
        }
    }

    private static boolean acceptsImages(CatalogModel model) {
        return model.inputModalities().contains("image");
    }

    /** The model's endpoints that pass every filter, in catalog order; the others are added to {@code left}. */
    private List<CatalogEndpoint> filter(CatalogModel model, String pin, boolean requested, RoutingRequest routing,
                                         ChatRequest chat, Set<String> used, List<Left> left) {
        boolean images = RequestParameters.usesImages(chat);
        List<CatalogEndpoint> kept = new ArrayList<>();
        for (CatalogEndpoint e : model.endpoints()) {
            String provider = e.provider().slug();
            String reason = null;
            String need = null;
            if (pin != null && !provider.equals(pin)) {
                reason = "not the provider pinned by :" + pin;
            } else if (!routing.only().isEmpty() && !routing.only().contains(provider)) {
                reason = "not in provider.only";
            } else if (routing.ignore().contains(provider)) {
                reason = "in provider.ignore";
            } else if (requested && pin == null && !routing.allowFallbacks() && !routing.order().isEmpty()
                    && !routing.order().contains(provider)) {
                reason = "not in provider.order, and fallbacks are not allowed";
            } else if (routing.denyDataCollection() && !e.deniesDataCollection()) {
                reason = "its provider may retain or train on prompts (provider.data_collection: \"deny\")";
                need = "is known not to collect data (provider.data_collection: \"deny\")";
            } else if (routing.zeroDataRetention() && !e.zdr()) {
                reason = "not zero data retention (provider.zdr: true)";
                need = "has zero data retention (provider.zdr: true)";
            } else if (images && !acceptsImages(model)) {
                reason = "the model does not accept images";
                need = "accepts images";
            } else if (above(e.pricing().input(), routing.maxPromptPrice())) {
                reason = "input price $" + plain(e.pricing().input()) + "/M is above max_price.prompt $"
                        + plain(routing.maxPromptPrice()) + "/M";
                need = "is within max_price.prompt";
            } else if (above(e.pricing().output(), routing.maxCompletionPrice())) {
                reason = "output price $" + plain(e.pricing().output()) + "/M is above max_price.completion $"
                        + plain(routing.maxCompletionPrice()) + "/M";
                need = "is within max_price.completion";
            } else if (!routing.quantizations().isEmpty() && (e.quantization() == null
                    || !routing.quantizations().contains(e.quantization()))) {
                reason = (e.quantization() == null ? "quantization not stated" : "quantization " + e.quantization())
                        + ", not one of " + routing.quantizations();
                need = "has quantization " + String.join(" or ", routing.quantizations());
            } else if (used.contains("tools") && !e.supports("tools")) {
                reason = "does not support tools";
                need = "supports tools";
            } else if (chat.maxTokens() != null && e.maxOutputTokens() != null
                    && chat.maxTokens() > e.maxOutputTokens()) {
                reason = "max_tokens " + chat.maxTokens() + " is above its max output of " + e.maxOutputTokens();
                need = "allows max_tokens " + chat.maxTokens();
            } else if (routing.requireParameters()) {
                Set<String> missing = new TreeSet<>(used);
                missing.removeAll(e.supportedParameters());
                if (!missing.isEmpty()) {
                    reason = "does not support " + String.join(", ", missing) + " (require_parameters)";
                    need = "supports every parameter of the request";
                }
            }
            if (reason != null) {
                left.add(new Left(new Exclusion(e.slug(), reason), false, need));
            } else if (!e.provider().status().routable()) {
                left.add(new Left(new Exclusion(e.slug(), "provider " + e.provider().status().label()), true, null));
            } else {
                kept.add(e);
            }
        }
        return kept;
    }

    private static boolean above(BigDecimal price, BigDecimal max) {
        return max != null && price.compareTo(max) > 0;
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private List<CatalogEndpoint> order(List<CatalogEndpoint> endpoints, RoutingRequest routing, RouteSort sort,
                                        boolean requested) {
        Comparator<CatalogEndpoint> base = sort == null ? defaultOrder() : sorted(sort);
        List<CatalogEndpoint> listed = new ArrayList<>();
        List<CatalogEndpoint> rest = new ArrayList<>(endpoints);
        if (requested) {
            for (String slug : routing.order()) {
                rest.stream().filter(e -> e.provider().slug().equals(slug)).findFirst().ifPresent(listed::add);
            }
            rest.removeAll(listed);
        }
        rest.sort(base);
        // the caller's explicit order is obeyed as given; preferences rank only what it left to us
        List<CatalogEndpoint> ordered = new ArrayList<>(listed);
        ordered.addAll(byPreference(rest, routing));
        return byHealth(ordered);
    }

    /**
     * Moves the session's endpoint first when it is a candidate, healthy, and in the best preference tier present;
     * true when it was moved (or already first).
     */
    private boolean stick(List<CatalogEndpoint> ordered, long endpointId, RoutingRequest routing) {
        if (health.state(endpointId) != EndpointHealth.State.HEALTHY) {
            return false;
        }
        for (int i = 0; i < ordered.size(); i++) {
            CatalogEndpoint e = ordered.get(i);
            if (e.id() == endpointId) {
                if (preferenceTier(e, routing) > preferenceTier(ordered.getFirst(), routing)) {
                    return false;
                }
                ordered.add(0, ordered.remove(i));
                return true;
            }
        }
        return false;
    }

    /** Original vendor first, then lowest recent TTFT; no data after data, by price. */
    private Comparator<CatalogEndpoint> defaultOrder() {
        return Comparator.comparing((CatalogEndpoint e) -> !e.originalVendor()).thenComparing(byTtft());
    }

    private Comparator<CatalogEndpoint> sorted(RouteSort sort) {
        return switch (sort) {
            case PRICE -> byPrice().thenComparing(byTtft());
            case LATENCY -> byTtft();
            case THROUGHPUT -> Comparator.comparing((CatalogEndpoint e) -> decodeP50(e) == null)
                    .thenComparing(e -> decodeP50(e) == null ? 0 : -decodeP50(e))
                    .thenComparing(byPrice());
        };
    }

    private Comparator<CatalogEndpoint> byTtft() {
        return Comparator.comparing((CatalogEndpoint e) -> ttftP50(e) == null)
                .thenComparing(e -> ttftP50(e) == null ? 0 : ttftP50(e))
                .thenComparing(byPrice());
    }

    private static Comparator<CatalogEndpoint> byPrice() {
        return Comparator.comparing((CatalogEndpoint e) -> e.pricing().blended())
                .thenComparing(e -> e.provider().slug());
    }

    /** Stable: endpoints meeting the preferred latency/throughput, then those without data, then those missing it. */
    private List<CatalogEndpoint> byPreference(List<CatalogEndpoint> endpoints, RoutingRequest routing) {
        if (routing.preferredMaxLatencyMs() == null && routing.preferredMinThroughput() == null) {
            return endpoints;
        }
        List<CatalogEndpoint> result = new ArrayList<>(endpoints);
        result.sort(Comparator.comparingInt(e -> preferenceTier(e, routing)));
        return result;
    }

    private int preferenceTier(CatalogEndpoint e, RoutingRequest routing) {
        int tier = 0;
        if (routing.preferredMaxLatencyMs() != null) {
            Double ttft = ttftP50(e);
            tier = Math.max(tier, ttft == null ? 1 : ttft <= routing.preferredMaxLatencyMs() ? 0 : 2);
        }
        if (routing.preferredMinThroughput() != null) {
            Double decode = decodeP50(e);
            tier = Math.max(tier, decode == null ? 1 : decode >= routing.preferredMinThroughput() ? 0 : 2);
        }
        return tier;
    }

    /** Stable: open or cooling-down endpoints after all others, kept for when nothing else is left. */
    private List<CatalogEndpoint> byHealth(List<CatalogEndpoint> endpoints) {
        List<CatalogEndpoint> result = new ArrayList<>(endpoints);
        result.sort(Comparator.comparing(e -> switch (health.state(e.id())) {
            case OPEN, COOLING_DOWN -> true;
            case HEALTHY, HALF_OPEN -> false;
        }));
        return result;
    }

    private Double ttftP50(CatalogEndpoint e) {
        EndpointStats s = stats.apply(e.id());
        return s == null || !s.routingTtft().hasData() ? null : s.routingTtft().p50();
    }

    private Double decodeP50(CatalogEndpoint e) {
        EndpointStats s = stats.apply(e.id());
        return s == null || !s.routingDecode().hasData() ? null : s.routingDecode().p50();
    }

    /**
     * Nothing left: a 400 when the caller's own requirements ruled every live endpoint out (changing the request
     * helps), a 503 when what passed them is not configured (configuring a provider helps).
     */
    private static ProxyException noCandidate(CatalogModel model, RoutePlan plan, List<Left> left) {
        List<Left> unavailable = left.stream().filter(Left::unavailable).toList();
        if (!unavailable.isEmpty() || left.isEmpty()) {
            String providers = unavailable.stream().map(l -> l.exclusion().endpointSlug()
                    .substring(l.exclusion().endpointSlug().lastIndexOf(':') + 1)).distinct()
                    .collect(Collectors.joining(", "));
            String example = providers.isEmpty() ? "<slug>" : providers.split(", ")[0];
            String message = "No provider of " + model.slug() + " that fits this request is configured"
                    + (providers.isEmpty() ? "" : " (" + providers + ")") + ". " + plan.describe()
                    + " An operator can configure one with switchboard.provider." + example + ".api-key (or the "
                    + "provider's credentials for Vertex or Bedrock); retrying as is will not help.";
            return new ProxyException(new ProxyError(ProxyErrorType.UNAVAILABLE, message, null, "no_provider"));
        }
        Set<String> needs = left.stream().map(Left::need).collect(Collectors.toSet());
        String headline = needs.size() == 1 && !needs.contains(null)
                ? "No provider of " + model.slug() + " " + needs.iterator().next() + "."
                : "No provider of " + model.slug() + " fits this request's routing options and parameters.";
        return new ProxyException(new ProxyError(ProxyErrorType.INVALID_REQUEST, headline + " " + plan.describe()
                + " Change the request or its provider options; retrying as is will not help.", null,
                "no_candidate"));
    }
}
