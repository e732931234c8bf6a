package dev.switchboard.limits;

import java.math.BigDecimal;

/**
 * What one gateway key may use. A null limit is no limit. The period is kept even without a budget: it is the period
 * the admin page counts the key's usage in.
 *
 * @param rpm       requests per minute
 * @param tpm       tokens (prompt and output) per minute
 * @param budgetUsd spend in USD at list prices per {@code period}
 */
public record KeyLimits(Integer rpm, Integer tpm, BigDecimal budgetUsd, BudgetPeriod period) {

    public static final KeyLimits NONE = new KeyLimits(null, null, null, BudgetPeriod.MONTHLY);

    /** The largest per-minute limit accepted: more is no limit in practice, and keeps bucket arithmetic exact. */
    public static final int MAX_PER_MINUTE = 1_000_000_000;

    public KeyLimits {
        if (period == null) {
            period = BudgetPeriod.MONTHLY;
        }
        if (rpm != null && (rpm < 1 || rpm > MAX_PER_MINUTE)) {
            throw new IllegalArgumentException("A requests-per-minute limit is a whole number from 1 to "
                    + MAX_PER_MINUTE + ", or none.");
        }
        if (tpm != null && (tpm < 1 || tpm > MAX_PER_MINUTE)) {
            throw new IllegalArgumentException("A tokens-per-minute limit is a whole number from 1 to "
                    + MAX_PER_MINUTE + ", or none.");
        }
        if (budgetUsd != null && (budgetUsd.signum() < 0 || budgetUsd.compareTo(new BigDecimal("1000000000")) >= 0
                || budgetUsd.stripTrailingZeros().scale() > 6)) {
            throw new IllegalArgumentException("A budget is an amount in USD from 0 to 999999999.999999, or none.");
        }
    }

    public boolean rateLimited() {
        return rpm != null || tpm != null;
    }

    public boolean any() {
        return rateLimited() || budgetUsd != null;
    }

    /**
     * Parses limits as the CLI and the admin form give them: blank means none; the period defaults to monthly.
     * Throws {@link IllegalArgumentException} with a message for the person who typed them.
     */
    public static KeyLimits parse(String rpm, String tpm, String budgetUsd, String period) {
        return new KeyLimits(perMinute(rpm, "requests-per-minute"), perMinute(tpm, "tokens-per-minute"),
                budget(budgetUsd), period == null || period.isBlank() ? BudgetPeriod.MONTHLY : BudgetPeriod.parse(period));
    }

    private static Integer perMinute(String value, String what) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (!v.matches("[0-9]{1,10}") || Long.parseLong(v) < 1 || Long.parseLong(v) > MAX_PER_MINUTE) {
            throw new IllegalArgumentException("A " + what + " limit is a whole number from 1 to " + MAX_PER_MINUTE
                    + " (or empty for none), not '" + abbreviate(v) + "'.");
        }
        return Integer.parseInt(v);
    }

    private static BigDecimal budget(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.startsWith("$")) {
            v = v.substring(1).strip();
        }
        if (!v.matches("[0-9]{1,9}(\\.[0-9]{1,6})?")) {
            throw new IllegalArgumentException("A budget is an amount in USD such as 25 or 7.50 (up to 6 decimals; "
                    + "empty for none), not '" + abbreviate(value.strip()) + "'.");
        }
        return new BigDecimal(v);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
