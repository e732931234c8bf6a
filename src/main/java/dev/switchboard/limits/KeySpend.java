package dev.switchboard.limits;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every key's spend in its current budget period, in memory, so the budget check is no database query: read from the
 * generation log in the background ({@link KeyUsageQueries}) and added to by each call this replica serves as it
 * ends. The generation log is written behind, so a read may miss this replica's latest calls while holding other
 * replicas' ones: the larger of the two is kept, which never counts a call twice and lags other replicas' spend by at
 * most one refresh.
 */
public final class KeySpend {

    private record Spent(Instant periodStart, BigDecimal usd) {
    }

    private final ConcurrentHashMap<String, Spent> byKey = new ConcurrentHashMap<>();

    /** What the key spent in the period {@code now} is in. */
    public BigDecimal spent(String keyId, BudgetPeriod period, Instant now) {
        Spent s = byKey.get(keyId);
        return s != null && s.periodStart().equals(period.start(now)) ? s.usd() : BigDecimal.ZERO;
    }

    /** A call that ended at {@code at} and cost {@code usd}. */
    public void add(String keyId, BudgetPeriod period, Instant at, BigDecimal usd) {
        if (usd == null || usd.signum() == 0) {
            return;
        }
        Instant start = period.start(at);
        byKey.merge(keyId, new Spent(start, usd), (old, added) -> old.periodStart().equals(start)
                ? new Spent(start, old.usd().add(usd)) : old.periodStart().isAfter(start) ? old : added);
    }

    /** The spend the generation log holds for the period starting at {@code periodStart}. */
    public void loaded(String keyId, Instant periodStart, BigDecimal usd) {
        byKey.merge(keyId, new Spent(periodStart, usd), (old, read) -> !old.periodStart().equals(periodStart)
                ? (old.periodStart().isAfter(periodStart) ? old : read)
                : old.usd().compareTo(usd) >= 0 ? old : read);
    }
}
