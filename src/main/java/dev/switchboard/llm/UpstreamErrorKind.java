package dev.switchboard.llm;

/**
 * What went wrong with an upstream call, answering the two questions routing asks: was it the provider's fault
 * (it counts against the endpoint's uptime), and may another provider help (try the next candidate)?
 */
public enum UpstreamErrorKind {
    /** 429: too many requests for this key or endpoint. Counted apart from uptime; another provider may help. */
    RATE_LIMITED(false, true),
    /** The provider says it is overloaded (Anthropic 529, 503 "overloaded"). */
    OVERLOADED(true, true),
    /** 5xx. */
    SERVER_ERROR(true, true),
    /** No answer (or no first token, or no next chunk) in time. */
    TIMEOUT(true, true),
    /** Could not connect, or the connection broke. */
    CONNECTION(true, true),
    /** The provider answered something that is not its protocol. */
    MALFORMED_RESPONSE(true, true),
    /** 401/403: our credentials for this provider are wrong; the endpoint is down for its users. */
    AUTHENTICATION(true, true),
    /** 404 for the model: the endpoint is misconfigured. */
    NOT_FOUND(true, true),
    /** 400/422: this provider refuses this request (an unsupported parameter, say). Another may accept it. */
    BAD_REQUEST(false, true),
    /** The prompt is too long for this provider's context; one with a larger window may take it. */
    CONTEXT_TOO_LONG(false, true),
    /** The provider's safety filter refused the request. */
    CONTENT_FILTERED(false, false),
    /** The caller went away. */
    CANCELLED(false, false);

    private final boolean providerFault;
    private final boolean mayHelpElsewhere;

    UpstreamErrorKind(boolean providerFault, boolean mayHelpElsewhere) {
        this.providerFault = providerFault;
        this.mayHelpElsewhere = mayHelpElsewhere;
    }

    /** Counts as a failure in the endpoint's uptime. */
    public boolean providerFault() {
        return providerFault;
    }

    /** Trying the next candidate may succeed. */
    public boolean mayHelpElsewhere() {
        return mayHelpElsewhere;
    }
}
