package dev.switchboard.routing;

import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the caller hears when no candidate served: one status for the whole story, in words a user can act on. */
class FailoverOutcomeTest {

    private static final RoutePlan PLAN = new RoutePlan("lab/model", List.of(), List.of(
            new Exclusion("lab/model:cheap", "does not support tools")));

    private static AttemptFailure failed(String provider, UpstreamErrorKind kind, Integer status, Duration retryAfter,
                                         String providerMessage) {
        return AttemptFailure.failed("lab/model:" + provider, provider, new UpstreamError(kind, status, retryAfter,
                kind.name().toLowerCase().replace('_', ' '), providerMessage));
    }

    @Test
    void everyProviderRefusingTheRequestReturnsTheFirstRefusalAsA400() {
        FailoverOutcome outcome = FailoverOutcome.of(PLAN, List.of(
                failed("a", UpstreamErrorKind.BAD_REQUEST, 400, null, "temperature must be at most 1"),
                failed("b", UpstreamErrorKind.BAD_REQUEST, 422, null, "unknown field")));
        assertThat(outcome.error().type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        assertThat(outcome.error().message()).startsWith("a refused this request: temperature must be at most 1")
                .contains("all 2 providers tried refused it").contains("does not support tools");
        assertThat(outcome.retryAfter()).isNull();
    }

    @Test
    void aRefusalAmongProviderFailuresIsA502() {
        FailoverOutcome outcome = FailoverOutcome.of(PLAN, List.of(
                failed("a", UpstreamErrorKind.BAD_REQUEST, 400, null, "no"),
                failed("b", UpstreamErrorKind.SERVER_ERROR, 500, null, null)));
        assertThat(outcome.error().type()).isEqualTo(ProxyErrorType.UPSTREAM_FAILED);
        assertThat(outcome.error().message()).contains("All 2 providers of lab/model failed").contains("a: 400")
                .contains("b: 500").contains("A retry may help");
    }

    @Test
    void allRateLimitedIsA429WithTheSoonestRetry() {
        FailoverOutcome outcome = FailoverOutcome.of(PLAN, List.of(
                failed("a", UpstreamErrorKind.RATE_LIMITED, 429, Duration.ofSeconds(30), null),
                failed("b", UpstreamErrorKind.RATE_LIMITED, 429, Duration.ofSeconds(4), null)));
        assertThat(outcome.error().type()).isEqualTo(ProxyErrorType.RATE_LIMITED);
        assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(4));
        assertThat(outcome.error().message()).contains("Retry after 4 s");
    }

    @Test
    void allTimedOutIs504AndAllOverloadedIs503() {
        assertThat(FailoverOutcome.of(PLAN, List.of(failed("a", UpstreamErrorKind.TIMEOUT, null, null, null)))
                .error().type()).isEqualTo(ProxyErrorType.TIMEOUT);
        assertThat(FailoverOutcome.of(PLAN, List.of(failed("a", UpstreamErrorKind.OVERLOADED, 529, null, null),
                failed("b", UpstreamErrorKind.SERVER_ERROR, 503, null, null))).error().type())
                .isEqualTo(ProxyErrorType.UNAVAILABLE);
    }

    @Test
    void nothingTriedBecauseEveryCircuitIsOpenIs503WithWhen() {
        FailoverOutcome outcome = FailoverOutcome.of(PLAN, List.of(AttemptFailure.skipped("lab/model:a", "a",
                "its circuit is open after repeated failures", Duration.ofSeconds(12))));
        assertThat(outcome.error().type()).isEqualTo(ProxyErrorType.UNAVAILABLE);
        assertThat(outcome.error().message()).contains("a: not tried, its circuit is open").contains("Retry after 12 s");
        assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void everyCandidateCoolingDownAfterRateLimitsIsA429WithTheSoonestCoolDown() {
        FailoverOutcome outcome = FailoverOutcome.of(PLAN, List.of(
                AttemptFailure.coolingDown("lab/model:a", "a", Duration.ofSeconds(9)),
                AttemptFailure.coolingDown("lab/model:b", "b", Duration.ofMillis(2500))));
        assertThat(outcome.error().type()).isEqualTo(ProxyErrorType.RATE_LIMITED);
        assertThat(outcome.retryAfter()).isEqualTo(Duration.ofMillis(2500));
        assertThat(outcome.error().message()).contains("cooling down after rate limiting")
                .contains("a: not tried, cooling down after a rate limit").contains("Retry after 3 s");
    }

    @Test
    void rateLimitsTriedAndCoolingDownTogetherAre429WithTheSmallestWait() {
        // a 429 without Retry-After still has its cool-down; a skipped one's is further away, the other 429's nearer
        FailoverOutcome outcome = FailoverOutcome.of(PLAN, List.of(
                AttemptFailure.coolingDown("lab/model:a", "a", Duration.ofSeconds(20)),
                AttemptFailure.failed("lab/model:b", "b", new UpstreamError(UpstreamErrorKind.RATE_LIMITED, 429,
                        null, "rate limited", null), Duration.ofSeconds(1)),
                failed("c", UpstreamErrorKind.RATE_LIMITED, 429, Duration.ofSeconds(6), null)));
        assertThat(outcome.error().type()).isEqualTo(ProxyErrorType.RATE_LIMITED);
        assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aCoolDownBesideAnOpenCircuitIsStill503() {
        FailoverOutcome outcome = FailoverOutcome.of(PLAN, List.of(
                AttemptFailure.coolingDown("lab/model:a", "a", Duration.ofSeconds(3)),
                AttemptFailure.skipped("lab/model:b", "b", "its circuit is open after repeated failures",
                        Duration.ofSeconds(10))));
        assertThat(outcome.error().type()).isEqualTo(ProxyErrorType.UNAVAILABLE);
        assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aSafetyRefusalIsA400AndNotRetriedElsewhere() {
        UpstreamError filtered = new UpstreamError(UpstreamErrorKind.CONTENT_FILTERED, 400, null, "filtered", null);
        assertThat(FailoverOutcome.tryNext(filtered)).isFalse();
        FailoverOutcome outcome = FailoverOutcome.of(PLAN, List.of(AttemptFailure.failed("lab/model:a", "a",
                filtered)));
        assertThat(outcome.error().type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        assertThat(outcome.error().code()).isEqualTo("content_filtered");
    }
}
