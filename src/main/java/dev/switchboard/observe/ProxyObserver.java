package dev.switchboard.observe;

/**
 * Something that follows proxied requests: metrics, traces, request logs. Implement it as a CDI bean and the proxy
 * finds it ({@link ProxyObservers}); it is asked once per request whether it wants to follow that request.
 * <p>
 * Everything here is called on the request's Vert.x event loop, on the hot path: an implementation must not block,
 * wait on a lock, do I/O (a log line goes to the logging system, which queues or writes as it is configured), nor
 * allocate much. A listener that throws is skipped for that call and does not disturb the request.
 */
public interface ProxyObserver {

    /**
     * A request reached the proxy. Returns what follows it to its end, or {@link RequestObservation#NONE} when this
     * observer has no interest in it (the proxy then skips this observer for the request at no cost). A stateless
     * observer may return one shared observation for every request: every event carries what it needs.
     */
    RequestObservation onRequest(RequestStarted request);
}
