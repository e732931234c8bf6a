package dev.switchboard.limits;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** Over what time a key's budget is counted. Periods are calendar periods in UTC; a week starts on Monday. */
public enum BudgetPeriod {
    DAILY, WEEKLY, MONTHLY, TOTAL;

    /** The name in the database, the CLI and the admin form. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The start of the period {@code now} is in; {@link Instant#EPOCH} for {@link #TOTAL} (every generation). */
    public Instant start(Instant now) {
        LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
        return switch (this) {
            case DAILY -> day.atStartOfDay(ZoneOffset.UTC).toInstant();
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(ZoneOffset.UTC)
                    .toInstant();
            case MONTHLY -> day.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case TOTAL -> Instant.EPOCH;
        };
    }

    /** When the period {@code now} is in ends and the budget is whole again; null for {@link #TOTAL}, which never does. */
    public Instant resetsAt(Instant now) {
        LocalDate start = start(now).atZone(ZoneOffset.UTC).toLocalDate();
        return switch (this) {
            case DAILY -> start.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case WEEKLY -> start.plusWeeks(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case MONTHLY -> start.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case TOTAL -> null;
        };
    }

    /** "per day", "in total": how a message says it. */
    public String phrase() {
        return switch (this) {
            case DAILY -> "per day (UTC)";
            case WEEKLY -> "per week (Monday to Sunday, UTC)";
            case MONTHLY -> "per calendar month (UTC)";
            case TOTAL -> "in total";
        };
    }

    /** The period named {@code id} ({@code daily|weekly|monthly|total}, any case). */
    public static BudgetPeriod parse(String id) {
        if (id != null) {
            for (BudgetPeriod p : values()) {
                if (p.id().equalsIgnoreCase(id.strip())) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("A budget period is one of daily, weekly, monthly or total, not '"
                + id + "'.");
    }
}
