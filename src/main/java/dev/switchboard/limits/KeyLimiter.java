package dev.switchboard.limits;

import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.llm.Usage;
import dev.switchboard.proxy.SkipWhileDraining;
import dev.switchboard.web.Formats;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Future;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * The proxy's check of a key's limits before a call and its settling after: rate limits from {@link RateLimiter}
 * (memory, or Redis shared by the replicas), the budget from {@link KeySpend} (memory). A check never waits on the
 * database, and never blocks: its answer is a future; the limits come with the key ({@code GatewayKeys}), and the
 * spend is re-read in the background.
 */
@ApplicationScoped
public class KeyLimiter {

    /** What a call admitted under limits took, to settle when it ends; null for a key without limits. */
    public record Charge(String keyId, KeyLimits limits, long reservedTokens) {
    }

    public sealed interface Admission {
        /** Where the key stands for the rate-limit headers; null when the key has no rate limit. */
        RateLimitState state();
    }

    public record Admitted(Charge charge, RateLimitState state) implements Admission {
    }

    /** @param retryAfter how long to wait, null when waiting does not help */
    public record Refused(ProxyError error, Duration retryAfter, RateLimitState state) implements Admission {
    }

    private static final Future<Admission> UNLIMITED = Future.succeededFuture(new Admitted(null, null));

    @Inject
    LimitsClock clock;

    @Inject
    LimitsConfig config;

    @Inject
    KeyUsageQueries queries;

    @Inject
    RateLimiter rates;

    private final KeySpend spend = new KeySpend();
    private boolean refreshFailing;

    /** After the database is migrated; the spend is known before the first call in practice, and zero until then. */
    void onStart(@Observes @Priority(30) StartupEvent event) {
        refreshSpend();
    }

    /** What a request is estimated to use up front: its body's size in tokens plus its max_tokens (or the default). */
    public long estimate(long bodyBytes, Integer maxTokens) {
        long prompt = (bodyBytes + config.bytesPerToken() - 1) / Math.max(1, config.bytesPerToken());
        return prompt + (maxTokens == null || maxTokens < 0 ? config.defaultMaxTokens() : maxTokens);
    }

    /** Whether a call by {@code keyId} under {@code limits} may go ahead now; takes its request and tokens if so. */
    public Future<Admission> admit(String keyId, KeyLimits limits, long estimatedTokens) {
        if (keyId == null || limits == null || !limits.any()) {
            return UNLIMITED;
        }
        if (limits.budgetUsd() != null) {
            Instant now = clock.now();
            BigDecimal spent = spend.spent(keyId, limits.period(), now);
            if (spent.compareTo(limits.budgetUsd()) >= 0) {
                ProxyError error = budgetExceeded(limits, spent, now);
                return state(keyId, limits).map(state -> new Refused(error, null, state));
            }
        }
        if (!limits.rateLimited()) {
            return Future.succeededFuture(new Admitted(new Charge(keyId, limits, 0), null));
        }
        return rates.reserve(keyId, limits, estimatedTokens).map(decision -> decision.allowed()
                ? new Admitted(new Charge(keyId, limits, estimatedTokens), decision.state())
                : new Refused(rateLimited(decision, limits, estimatedTokens), decision.retryAfter(),
                decision.state()));
    }

    /** The end of an admitted call: tokens settled with its usage, its cost added to the key's spend. */
    public void settle(Charge charge, Usage usage, BigDecimal cost) {
        if (charge == null) {
            return;
        }
        long used = usage == null ? 0 : (long) usage.inputTokens() + usage.outputTokens();
        if (charge.limits().tpm() != null) {
            // not awaited: the call is over; a settlement Redis misses is made in memory (FailOpenRateLimiter)
            rates.settle(charge.keyId(), charge.limits(), charge.reservedTokens(), used);
        }
        spend.add(charge.keyId(), charge.limits().period(), clock.now(), cost);
    }

    /** The key's spend in its current period as this replica knows it. */
    public BigDecimal spent(String keyId, BudgetPeriod period) {
        return spend.spent(keyId, period, clock.now());
    }

    /** The key's rate-limit state now, without taking anything; null when it has no rate limit. */
    public Future<RateLimitState> state(String keyId, KeyLimits limits) {
        return limits.rateLimited() ? rates.peek(keyId, limits) : Future.succeededFuture();
    }

    /** Re-reads every key's spend in its current period from the generation log (other replicas' calls too). */
    @Scheduled(every = "${switchboard.limits.spend-refresh-interval:10s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SkipWhileDraining.class)
    public void refreshSpend() {
        try {
            for (KeyUsage key : queries.all()) {
                if (!key.revoked()) {
                    spend.loaded(key.id(), key.periodStart(), key.spentUsd());
                }
            }
            if (refreshFailing) {
                Log.info("Key spend: the generation log can be read again.");
            }
            refreshFailing = false;
        } catch (SQLException e) {
            if (!refreshFailing) {
                Log.warnf("Key spend: cannot read the generation log, budgets count this replica's calls only until "
                        + "it can: %s", e.getMessage());
            }
            refreshFailing = true;
        }
    }

    private static ProxyError rateLimited(RateLimiter.Decision decision, KeyLimits limits, long estimate) {
        String message = switch (decision.refusal()) {
            case REQUESTS -> "Rate limit reached for this gateway key: " + limits.rpm()
                    + " requests per minute. Try again in " + seconds(decision.retryAfter()) + " (Retry-After).";
            case TOKENS -> "Rate limit reached for this gateway key: " + limits.tpm() + " tokens per minute; this "
                    + "request needs about " + estimate + " (prompt estimate plus max_tokens) and "
                    + decision.state().tokensRemaining() + " are left. Try again in " + seconds(decision.retryAfter())
                    + " (Retry-After), or lower max_tokens.";
            case TOO_LARGE -> "This request needs about " + estimate + " tokens (prompt estimate plus max_tokens), "
                    + "more than this gateway key's limit of " + limits.tpm() + " tokens per minute: lower max_tokens "
                    + "or shorten the prompt; retrying as it is will not help.";
        };
        return new ProxyError(ProxyErrorType.RATE_LIMITED, message, null, "rate_limit_exceeded");
    }

    private static ProxyError budgetExceeded(KeyLimits limits, BigDecimal spent, Instant now) {
        Instant resets = limits.period().resetsAt(now);
        String message = "This gateway key's budget of " + Formats.usd(limits.budgetUsd()) + " "
                + limits.period().phrase() + " is used up (" + Formats.usd(spent) + " spent). "
                + (resets == null ? "A total budget does not reset; the gateway's admin can raise it."
                : "It resets at " + resets + "; the gateway's admin can raise it before then.");
        return new ProxyError(ProxyErrorType.BUDGET_EXCEEDED, message, null, "budget_exceeded");
    }

    private static String seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000) + " s";
    }
}
