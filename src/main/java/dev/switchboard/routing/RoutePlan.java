package dev.switchboard.routing;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The endpoints to attempt for one request, in order, and those left out with their reasons.
 *
 * @param requestedModel the model as the caller wrote it
 * @param candidates     in attempt order: the requested model's endpoints, then each fallback model's
 * @param excluded       every endpoint considered and left out, with why
 * @param session        the session the request belongs to, against which the endpoint that serves it is recorded
 *                       ({@link StickySession#NONE} for none)
 * @param stuck          whether the session's last endpoint was moved first (stickiness beat the default order)
 */
public record RoutePlan(String requestedModel, List<Candidate> candidates, List<Exclusion> excluded,
                        StickySession session, boolean stuck) {

    public RoutePlan {
        candidates = List.copyOf(candidates);
        excluded = List.copyOf(excluded);
        session = session == null ? StickySession.NONE : session;
    }

    /** A plan outside any session. */
    public RoutePlan(String requestedModel, List<Candidate> candidates, List<Exclusion> excluded) {
        this(requestedModel, candidates, excluded, StickySession.NONE, false);
    }

    /**
     * One plain-English sentence of what was considered and what was left out, for error messages, e.g.
     * "Considered 3 endpoints for testlab/alpha: tried in order test-lab, test-lab-eu; excluded other-lab (does not
     * support tools)."
     */
    public String describe() {
        int considered = candidates.size() + excluded.size();
        StringBuilder sb = new StringBuilder("Considered ").append(considered)
                .append(considered == 1 ? " endpoint" : " endpoints").append(" for ").append(requestedModel);
        if (considered == 0) {
            return sb.append(": the model has no endpoints.").toString();
        }
        sb.append(": ");
        if (!candidates.isEmpty()) {
            sb.append(candidates.size() == 1 ? "candidate " : "candidates in order ").append(candidates.stream()
                    .map(c -> c.endpoint().slug() + (c.fallbackModel() ? " (fallback model)" : ""))
                    .collect(Collectors.joining(", ")));
        } else {
            sb.append("no candidate left");
        }
        if (!excluded.isEmpty()) {
            sb.append("; excluded ").append(excluded.stream().map(e -> e.endpointSlug() + " (" + e.reason() + ")")
                    .collect(Collectors.joining(", ")));
        }
        return sb.append('.').toString();
    }
}
