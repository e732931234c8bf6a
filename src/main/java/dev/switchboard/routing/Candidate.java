package dev.switchboard.routing;

import dev.switchboard.catalog.CatalogEndpoint;

/**
 * One endpoint the router may attempt, in plan order.
 *
 * @param endpoint      the endpoint
 * @param modelSlug     the catalog slug of the model it serves (the requested model, or a fallback model)
 * @param fallbackModel whether it serves one of the caller's fallback models rather than the requested one
 */
public record Candidate(CatalogEndpoint endpoint, String modelSlug, boolean fallbackModel) {
}
