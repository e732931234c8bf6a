package dev.switchboard.routing;

import java.math.BigDecimal;
import java.util.List;

/**
 * The caller's routing wishes, whichever dialect they came in (OpenRouter's {@code provider} object, ZenMux's
 * {@code provider.routing}, the legacy {@code provider_routing_strategy}, {@code models}, {@code provider.fallback}).
 * The model's {@code :provider}, {@code :nitro} and {@code :floor} suffixes are left in {@link #model()} for the
 * planner to resolve. Empty lists and nulls mean "not given".
 *
 * @param model                      the model as the caller wrote it, suffix included
 * @param fallbackModels             models to try, in order, after every endpoint of {@code model} failed
 * @param order                      provider slugs to try first, in this order
 * @param only                       provider slugs allowed (all others excluded)
 * @param ignore                     provider slugs excluded
 * @param allowFallbacks             false: only the providers of {@code order} (or the pinned one) are tried
 * @param sort                       order candidates by this instead of the default order
 * @param maxPromptPrice             USD per million input tokens; endpoints above are excluded
 * @param maxCompletionPrice         USD per million output tokens; endpoints above are excluded
 * @param requireParameters          exclude endpoints that do not list every parameter the request uses
 * @param quantizations              allowed quantizations (endpoints with another one are excluded)
 * @param preferredMaxLatencyMs      endpoints whose recent TTFT p50 is above go after those within
 * @param preferredMinThroughput     endpoints whose recent decode p50 (tok/s) is below go after those within
 * @param denyDataCollection         {@code provider.data_collection: "deny"}: only endpoints whose provider is known
 *                                   not to retain or train on prompts
 * @param zeroDataRetention          {@code provider.zdr: true}: only endpoints with zero data retention
 * @param sticky                     {@code provider.sticky}: false turns session stickiness off for this request
 */
public record RoutingRequest(
        String model,
        List<String> fallbackModels,
        List<String> order,
        List<String> only,
        List<String> ignore,
        boolean allowFallbacks,
        RouteSort sort,
        BigDecimal maxPromptPrice,
        BigDecimal maxCompletionPrice,
        boolean requireParameters,
        List<String> quantizations,
        Double preferredMaxLatencyMs,
        Double preferredMinThroughput,
        boolean denyDataCollection,
        boolean zeroDataRetention,
        boolean sticky) {

    public RoutingRequest {
        fallbackModels = fallbackModels == null ? List.of() : List.copyOf(fallbackModels);
        order = order == null ? List.of() : List.copyOf(order);
        only = only == null ? List.of() : List.copyOf(only);
        ignore = ignore == null ? List.of() : List.copyOf(ignore);
        quantizations = quantizations == null ? List.of() : List.copyOf(quantizations);
    }

    /** Without privacy filters, sticky: the options every dialect had before them. */
    public RoutingRequest(String model, List<String> fallbackModels, List<String> order, List<String> only,
                          List<String> ignore, boolean allowFallbacks, RouteSort sort, BigDecimal maxPromptPrice,
                          BigDecimal maxCompletionPrice, boolean requireParameters, List<String> quantizations,
                          Double preferredMaxLatencyMs, Double preferredMinThroughput) {
        this(model, fallbackModels, order, only, ignore, allowFallbacks, sort, maxPromptPrice, maxCompletionPrice,
                requireParameters, quantizations, preferredMaxLatencyMs, preferredMinThroughput, false, false, true);
    }

    /** Just a model, every option at its default. */
    public static RoutingRequest of(String model) {
        return new RoutingRequest(model, List.of(), List.of(), List.of(), List.of(), true, null, null, null, false,
                List.of(), null, null);
    }
}
