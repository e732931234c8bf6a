package dev.switchboard.limits;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One gateway key with its limits and what it used in its current period (the generation log's figures).
 *
 * @param periodStart when the current period began ({@link Instant#EPOCH} for a total budget)
 * @param resetsAt    when it ends, null for a total budget
 * @param budgetLeft  the budget minus the spend (never below zero), null without a budget
 */
public record KeyUsage(String id, String name, String prefix, Instant createdAt, Instant revokedAt, KeyLimits limits,
                       Instant periodStart, Instant resetsAt, long requests, long tokens, BigDecimal spentUsd,
                       BigDecimal budgetLeft) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
