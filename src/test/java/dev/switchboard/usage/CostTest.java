package dev.switchboard.usage;

import dev.switchboard.catalog.Pricing;
import dev.switchboard.llm.Usage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class CostTest {

    private static BigDecimal usd(String v) {
        return new BigDecimal(v);
    }

    private static final Pricing SONNET = new Pricing(usd("3"), usd("15"), usd("0.30"), usd("3.75"));

    @Test
    void inputAndOutputAtListPrices() {
        // 1000 x $3/M + 500 x $15/M = 0.003 + 0.0075
        assertThat(Cost.of(SONNET, new Usage(1000, 500, 0, 0, 0))).isEqualByComparingTo("0.0105");
        assertThat(Cost.of(SONNET, new Usage(1000, 500, 0, 0, 0)).scale()).isEqualTo(9);
    }

    @Test
    void cachedTokensArePricedApartFromTheRestOfTheInput() {
        // uncached 10000 - 6000 - 2000 = 2000 x 3 + 6000 x 0.30 + 2000 x 3.75 + 100 x 15 = 6000 + 1800 + 7500 + 1500
        assertThat(Cost.of(SONNET, new Usage(10_000, 100, 6000, 2000, 0))).isEqualByComparingTo("0.0168");
    }

    @Test
    void missingCachePricesFallBackToTheInputPrice() {
        Pricing noCache = new Pricing(usd("2"), usd("8"), null, null);
        assertThat(Cost.of(noCache, new Usage(1000, 0, 400, 100, 0)))
                .isEqualByComparingTo(Cost.of(noCache, new Usage(1000, 0, 0, 0, 0)));
    }

    @Test
    void reasoningTokensAreAlreadyPartOfTheOutput() {
        assertThat(Cost.of(SONNET, new Usage(0, 100, 0, 0, 80))).isEqualByComparingTo(Cost.of(SONNET,
                new Usage(0, 100, 0, 0, 0)));
    }

    @Test
    void zeroOrNoUsageCostsNothing() {
        assertThat(Cost.of(SONNET, Usage.NONE)).isEqualByComparingTo("0");
        assertThat(Cost.of(SONNET, null)).isEqualByComparingTo("0");
    }

    @Test
    void roundsHalfUpToTheNanoDollar() {
        // 1 token at $0.0015/M = 0.0000000015 -> 0.000000002
        Pricing tiny = new Pricing(usd("0.0015"), usd("0"), null, null);
        assertThat(Cost.of(tiny, new Usage(1, 0, 0, 0, 0))).isEqualTo(usd("0.000000002"));
    }

    @Test
    void moreCachedThanInputTokensNeverBillsANegativeAmount() {
        assertThat(Cost.of(SONNET, new Usage(10, 0, 50, 0, 0)).signum()).isPositive();
    }
}
