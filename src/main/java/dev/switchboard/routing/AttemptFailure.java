package dev.switchboard.routing;

import dev.switchboard.llm.UpstreamError;

import java.time.Duration;

/**
 * Why one candidate did not serve a request: it failed ({@code error} set), or it was not tried at all because its
 * circuit was open or it was cooling down after a 429 ({@code skipped} set, with when it may be tried again).
 */
public record AttemptFailure(String endpointSlug, String provider, UpstreamError error, String skipped,
                             Duration availableIn) {

    public static AttemptFailure failed(String endpointSlug, String provider, UpstreamError error) {
        return new AttemptFailure(endpointSlug, provider, error, null, null);
    }

    public static AttemptFailure skipped(String endpointSlug, String provider, String why, Duration availableIn) {
        return new AttemptFailure(endpointSlug, provider, null, why, availableIn);
    }

    public boolean wasTried() {
        return error != null;
    }
}
