package dev.switchboard.routing;

/**
 * An endpoint left out of a plan, and why, in words a caller can act on.
 *
 * @param endpointSlug the endpoint's public slug, {@code vendor/model:provider}
 * @param reason       e.g. "does not support tools", "provider not configured"
 */
public record Exclusion(String endpointSlug, String reason) {
}
