package dev.switchboard.routing;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;

import java.time.Duration;

/**
 * Why one candidate did not serve a request: it failed ({@code error} set), or it was not tried at all because its
 * circuit was open or it was cooling down after a 429 ({@code skipped} set). {@code availableIn} says when it may be
 * tried again: for a skipped one, and for one that answered 429 (its cool-down, which a 429 without Retry-After
 * still has).
 */
public record AttemptFailure(String endpointSlug, String provider, UpstreamError error, String skipped,
                             Duration availableIn, boolean coolingDown) {

    public static AttemptFailure failed(String endpointSlug, String provider, UpstreamError error) {
        return failed(endpointSlug, provider, error, null);
    }

    /** A failure after which the endpoint takes calls again in {@code availableIn} (null: at once). */
    public static AttemptFailure failed(String endpointSlug, String provider, UpstreamError error,
                                        Duration availableIn) {
        return new AttemptFailure(endpointSlug, provider, error, null, availableIn, false);
    }

    public static AttemptFailure skipped(String endpointSlug, String provider, String why, Duration availableIn) {
        return new AttemptFailure(endpointSlug, provider, null, why, availableIn, false);
    }

    /** Not tried: it is cooling down after a rate limit, until {@code availableIn} from now. */
    public static AttemptFailure coolingDown(String endpointSlug, String provider, Duration availableIn) {
        return new AttemptFailure(endpointSlug, provider, null, "cooling down after a rate limit", availableIn, true);
    }

    public boolean wasTried() {
        return error != null;
    }

    /** Held back by a rate limit: a 429 now, or the cool-down of an earlier one. */
    public boolean rateLimited() {
        return wasTried() ? error.kind() == UpstreamErrorKind.RATE_LIMITED : coolingDown;
    }
}
