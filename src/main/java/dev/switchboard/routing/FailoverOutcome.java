package dev.switchboard.routing;

import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What the caller hears when no candidate served the request: one status for the whole story, and a message that
 * names every provider tried or skipped, what each did, and whether a retry may help. Pure: the proxy hands it the
 * attempts, and encodes the result in the caller's protocol.
 *
 * @param error      the error to answer with
 * @param retryAfter when a retry may succeed (the soonest cool-down or circuit back-off), or null
 */
public record FailoverOutcome(ProxyError error, Duration retryAfter) {

    /** Whether, after this failure, the next candidate should be tried. */
    public static boolean tryNext(UpstreamError error) {
        return error.kind().mayHelpElsewhere();
    }

    public static FailoverOutcome of(RoutePlan plan, List<AttemptFailure> failures) {
        String model = plan.requestedModel();
        List<AttemptFailure> tried = failures.stream().filter(AttemptFailure::wasTried).toList();
        Duration soonest = failures.stream().map(AttemptFailure::availableIn).filter(Objects::nonNull)
                .min(Comparator.naturalOrder()).orElse(null);
        List<Duration> waits = new ArrayList<>();
        tried.stream().map(f -> f.error().retryAfter()).filter(Objects::nonNull).forEach(waits::add);
        if (soonest != null) {
            waits.add(soonest);
        }
        Duration retryAfter = waits.stream().min(Comparator.naturalOrder()).orElse(null);
        String story = story(failures);
        String excluded = plan.excluded().isEmpty() ? "" : " " + plan.describe();

        if (failures.stream().allMatch(AttemptFailure::rateLimited) && !failures.isEmpty()) {
            // a retry after the soonest cool-down will be let through, which a 503 would not tell a client's
            // rate-limit handling; a 429 without Retry-After still has the cool-down the breaker gave it. The
            // hint comes before the providers' own (long) words, so that a shortened message keeps it
            return new FailoverOutcome(new ProxyError(ProxyErrorType.RATE_LIMITED, (tried.isEmpty()
                    ? "Every provider of " + model + " is cooling down after rate limiting requests."
                    : "Every provider of " + model + " is rate limiting requests.")
                    + (retryAfter == null ? " A retry later may help." : retryHint(retryAfter)) + " " + story + "."
                    + excluded, null, null), retryAfter);
        }
        if (tried.isEmpty()) {
            return new FailoverOutcome(new ProxyError(ProxyErrorType.UNAVAILABLE, "No provider of " + model
                    + " can take a request right now: " + story + "." + excluded + retryHint(retryAfter), null,
                    "no_available_provider"), retryAfter);
        }
        UpstreamError last = tried.getLast().error();
        if (last.kind() == UpstreamErrorKind.CONTENT_FILTERED) {
            return new FailoverOutcome(new ProxyError(ProxyErrorType.INVALID_REQUEST, tried.getLast().provider()
                    + "'s safety filter refused this request" + detail(last) + ". Another provider was not tried: "
                    + "the same prompt would most likely be refused again.", null, "content_filtered"), null);
        }
        if (tried.stream().allMatch(f -> refusal(f.error()))) {
            AttemptFailure first = tried.getFirst();
            String others = tried.size() == 1 ? "" : " (all " + tried.size() + " providers tried refused it: "
                    + story + ")";
            return new FailoverOutcome(new ProxyError(ProxyErrorType.INVALID_REQUEST, first.provider()
                    + " refused this request" + detail(first.error()) + others + "." + excluded, null,
                    first.error().kind() == UpstreamErrorKind.CONTEXT_TOO_LONG ? "context_length_exceeded" : null),
                    null);
        }
        ProxyErrorType type;
        String lead;
        if (tried.stream().allMatch(f -> f.error().kind() == UpstreamErrorKind.RATE_LIMITED)) {
            // the others were skipped for open circuits: a rate limit is still what a retry waits for
            type = ProxyErrorType.RATE_LIMITED;
            lead = "Every provider of " + model + " tried is rate limiting requests";
        } else if (tried.stream().allMatch(f -> f.error().kind() == UpstreamErrorKind.TIMEOUT)) {
            type = ProxyErrorType.TIMEOUT;
            lead = "Every provider of " + model + " tried timed out";
        } else if (tried.stream().allMatch(f -> unavailable(f.error()))) {
            type = ProxyErrorType.UNAVAILABLE;
            lead = "Every provider of " + model + " tried is overloaded or unavailable";
        } else {
            type = ProxyErrorType.UPSTREAM_FAILED;
            lead = tried.size() == 1 && failures.size() == 1 ? "The provider of " + model + " failed"
                    : "All " + failures.size() + " providers of " + model + " failed";
        }
        boolean retryMayHelp = tried.stream().anyMatch(f -> f.error().kind().providerFault()
                || f.error().kind() == UpstreamErrorKind.RATE_LIMITED);
        return new FailoverOutcome(new ProxyError(type, lead + ": " + story + "." + excluded
                + (retryMayHelp ? " A retry may help" + (retryAfter == null ? "." : retryHint(retryAfter))
                : ""), null, null), retryAfter);
    }

    private static boolean refusal(UpstreamError e) {
        return e.kind() == UpstreamErrorKind.BAD_REQUEST || e.kind() == UpstreamErrorKind.CONTEXT_TOO_LONG;
    }

    private static boolean unavailable(UpstreamError e) {
        return e.kind() == UpstreamErrorKind.OVERLOADED
                || e.kind() == UpstreamErrorKind.SERVER_ERROR && Integer.valueOf(503).equals(e.httpStatus());
    }

    private static String story(List<AttemptFailure> failures) {
        List<String> parts = new ArrayList<>();
        for (AttemptFailure f : failures) {
            if (f.wasTried()) {
                UpstreamError e = f.error();
                parts.add(f.provider() + ": " + (e.httpStatus() == null ? "" : e.httpStatus() + " ")
                        + e.getMessage() + providerWords(e));
            } else {
                parts.add(f.provider() + ": not tried, " + f.skipped());
            }
        }
        return String.join("; ", parts);
    }

    private static String detail(UpstreamError e) {
        String words = e.providerMessage() != null && !e.providerMessage().isBlank() ? e.providerMessage()
                : e.getMessage();
        return words == null || words.isBlank() ? "" : ": " + words;
    }

    private static String providerWords(UpstreamError e) {
        return e.providerMessage() == null || e.providerMessage().isBlank()
                || e.providerMessage().equals(e.getMessage()) ? "" : " (" + e.providerMessage() + ")";
    }

    private static String retryHint(Duration retryAfter) {
        if (retryAfter == null) {
            return "";
        }
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return " Retry after " + seconds + " s.";
    }
}
