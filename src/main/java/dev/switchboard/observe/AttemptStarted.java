package dev.switchboard.observe;

import dev.switchboard.catalog.CatalogEndpoint;

/**
 * One try at one candidate endpoint.
 *
 * @param request       the request it belongs to
 * @param number        1 for the first attempt of the request, 2 for the one after a fail-over, ...
 * @param endpoint      the catalog endpoint called (its provider, upstream model id, kind)
 * @param modelSlug     the catalog model it serves: the requested one, or a fallback model
 * @param fallbackModel whether it serves a fallback model rather than the requested one
 * @param passThrough   whether the caller's body goes upstream as it is (same protocol on both sides)
 * @param sentNanos     a {@link System#nanoTime()} reading when it was sent
 * @param baseUrl       the provider's base URL as configured (or the catalog's), null when the adapter builds
 *                      it from a region (Bedrock, Vertex) or the gateway had no way to call the provider
 */
public record AttemptStarted(RequestStarted request, int number, CatalogEndpoint endpoint, String modelSlug,
                             boolean fallbackModel, boolean passThrough, long sentNanos, String baseUrl) {

    /** An attempt whose provider address is not known. */
    public AttemptStarted(RequestStarted request, int number, CatalogEndpoint endpoint, String modelSlug,
                          boolean fallbackModel, boolean passThrough, long sentNanos) {
        this(request, number, endpoint, modelSlug, fallbackModel, passThrough, sentNanos, null);
    }

    public String provider() {
        return endpoint.provider().slug();
    }
}
