package dev.switchboard.limits;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Budget periods in UTC, the in-memory spend per period, limits as people type them, and the headers' notation. */
class BudgetPeriodAndSpendTest {

    private static final Instant WED = Instant.parse("2026-12-09T17:45:12.345Z");

    @Test
    void periodsStartAndResetOnUtcCalendarBoundaries() {
        assertThat(BudgetPeriod.DAILY.start(WED)).isEqualTo(Instant.parse("2026-12-09T00:00:00Z"));
        assertThat(BudgetPeriod.DAILY.resetsAt(WED)).isEqualTo(Instant.parse("2026-12-10T00:00:00Z"));
        assertThat(BudgetPeriod.WEEKLY.start(WED)).isEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
        assertThat(BudgetPeriod.WEEKLY.resetsAt(WED)).isEqualTo(Instant.parse("2026-12-14T00:00:00Z"));
        assertThat(BudgetPeriod.MONTHLY.start(WED)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(BudgetPeriod.MONTHLY.resetsAt(WED)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(BudgetPeriod.TOTAL.start(WED)).isEqualTo(Instant.EPOCH);
        assertThat(BudgetPeriod.TOTAL.resetsAt(WED)).isNull();
        // a Monday at midnight is the start of its own week, not the end of the last
        Instant monday = Instant.parse("2026-12-14T00:00:00Z");
        assertThat(BudgetPeriod.WEEKLY.start(monday)).isEqualTo(monday);
        assertThat(BudgetPeriod.parse(" Weekly ")).isEqualTo(BudgetPeriod.WEEKLY);
        assertThatThrownBy(() -> BudgetPeriod.parse("hourly")).hasMessageContaining("daily, weekly, monthly or total");
    }

    @Test
    void spendCountsInItsPeriodAndStartsAgainInTheNext() {
        KeySpend spend = new KeySpend();
        spend.add("k", BudgetPeriod.DAILY, WED, new BigDecimal("0.25"));
        spend.add("k", BudgetPeriod.DAILY, WED.plusSeconds(60), new BigDecimal("0.50"));
        assertThat(spend.spent("k", BudgetPeriod.DAILY, WED)).isEqualByComparingTo("0.75");
        assertThat(spend.spent("other", BudgetPeriod.DAILY, WED)).isEqualByComparingTo("0");
        Instant tomorrow = Instant.parse("2026-12-10T00:00:01Z");
        assertThat(spend.spent("k", BudgetPeriod.DAILY, tomorrow)).isEqualByComparingTo("0");
        spend.add("k", BudgetPeriod.DAILY, tomorrow, new BigDecimal("0.10"));
        assertThat(spend.spent("k", BudgetPeriod.DAILY, tomorrow)).isEqualByComparingTo("0.10");
        // a late call of yesterday does not bring yesterday back
        spend.add("k", BudgetPeriod.DAILY, WED, new BigDecimal("9"));
        assertThat(spend.spent("k", BudgetPeriod.DAILY, tomorrow)).isEqualByComparingTo("0.10");
    }

    @Test
    void aReadOfTheLogKeepsTheLargerOfItAndWhatThisReplicaCounted() {
        KeySpend spend = new KeySpend();
        Instant start = BudgetPeriod.MONTHLY.start(WED);
        spend.add("k", BudgetPeriod.MONTHLY, WED, new BigDecimal("2"));
        spend.loaded("k", start, new BigDecimal("1.5")); // the log has not been written with the latest call yet
        assertThat(spend.spent("k", BudgetPeriod.MONTHLY, WED)).isEqualByComparingTo("2");
        spend.loaded("k", start, new BigDecimal("3.25")); // other replicas' calls
        assertThat(spend.spent("k", BudgetPeriod.MONTHLY, WED)).isEqualByComparingTo("3.25");
    }

    @Test
    void limitsParseAsTypedAndRefuseWhatIsNotALimit() {
        assertThat(KeyLimits.parse("60", " 10000 ", "$7.50", "weekly"))
                .isEqualTo(new KeyLimits(60, 10000, new BigDecimal("7.50"), BudgetPeriod.WEEKLY));
        assertThat(KeyLimits.parse("", null, " ", null)).isEqualTo(KeyLimits.NONE);
        assertThat(KeyLimits.NONE.any()).isFalse();
        assertThatThrownBy(() -> KeyLimits.parse("0", null, null, null)).hasMessageContaining("from 1 to");
        assertThatThrownBy(() -> KeyLimits.parse("-5", null, null, null)).hasMessageContaining("'-5'");
        assertThatThrownBy(() -> KeyLimits.parse(null, "99999999999", null, null)).hasMessageContaining("tokens");
        assertThatThrownBy(() -> KeyLimits.parse(null, null, "1e3", null)).hasMessageContaining("amount in USD");
        assertThatThrownBy(() -> KeyLimits.parse(null, null, "1.1234567", null)).hasMessageContaining("6 decimals");
        assertThatThrownBy(() -> KeyLimits.parse(null, null, null, "yearly")).hasMessageContaining("monthly");
    }

    @Test
    void headersUseEachProvidersNotation() {
        assertThat(RateLimitHeaders.duration(0)).isEqualTo("0s");
        assertThat(RateLimitHeaders.duration(20)).isEqualTo("20ms");
        assertThat(RateLimitHeaders.duration(6000)).isEqualTo("6s");
        assertThat(RateLimitHeaders.duration(7660)).isEqualTo("7.66s");
        assertThat(RateLimitHeaders.duration(90_000)).isEqualTo("1m30s");
        assertThat(RateLimitHeaders.duration(60_000)).isEqualTo("1m0s");
        RateLimitState state = new RateLimitState(60, 59, 1000, null, 0, 0);
        assertThat(RateLimitHeaders.openAi(state)).containsExactly(Map.entry("x-ratelimit-limit-requests", "60"),
                Map.entry("x-ratelimit-remaining-requests", "59"), Map.entry("x-ratelimit-reset-requests", "1s"));
        assertThat(RateLimitHeaders.anthropic(state, Instant.parse("2026-12-07T10:00:00.200Z"))).containsExactly(
                Map.entry("anthropic-ratelimit-requests-limit", "60"),
                Map.entry("anthropic-ratelimit-requests-remaining", "59"),
                Map.entry("anthropic-ratelimit-requests-reset", "2026-12-07T10:00:02Z"));
    }
}
