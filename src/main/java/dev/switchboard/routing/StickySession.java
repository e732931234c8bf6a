package dev.switchboard.routing;

/**
 * The session a request belongs to, for stickiness: an opaque key (calling key, model and session, hashed) and the
 * endpoint that last served it, if any.
 *
 * @param key        null when the request belongs to no session (or stickiness is off for it)
 * @param endpointId the endpoint that last served the session successfully, or null
 */
public record StickySession(String key, Long endpointId) {

    /** No session: nothing to prefer, nothing to record. */
    public static final StickySession NONE = new StickySession(null, null);
}
