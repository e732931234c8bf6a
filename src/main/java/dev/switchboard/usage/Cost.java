package dev.switchboard.usage;

import dev.switchboard.catalog.Pricing;
import dev.switchboard.llm.Usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/** What a call cost in USD at an endpoint's list prices. */
public final class Cost {

    /** Cost is kept to the nano-dollar, as {@code generations.cost_usd numeric(18, 9)} stores it. */
    public static final int SCALE = 9;

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private Cost() {
    }

    /**
     * (input - cacheRead - cacheWrite) x input price + cacheRead x cache-read price + cacheWrite x cache-write price
     * + output x output price, prices being per million tokens; a cache price the provider does not list falls back to
     * the input price. Null or zero usage costs 0.
     */
    public static BigDecimal of(Pricing pricing, Usage usage) {
        Objects.requireNonNull(pricing, "pricing");
        if (usage == null) {
            return BigDecimal.ZERO.setScale(SCALE);
        }
        BigDecimal cacheReadPrice = pricing.cacheRead() != null ? pricing.cacheRead() : pricing.input();
        BigDecimal cacheWritePrice = pricing.cacheWrite() != null ? pricing.cacheWrite() : pricing.input();
        // An upstream that reports more cached than total input tokens is wrong; never bill a negative amount.
        long uncached = Math.max(0L, (long) usage.inputTokens() - usage.cacheReadTokens() - usage.cacheWriteTokens());
        BigDecimal perMillion = pricing.input().multiply(BigDecimal.valueOf(uncached))
                .add(cacheReadPrice.multiply(BigDecimal.valueOf(Math.max(0, usage.cacheReadTokens()))))
                .add(cacheWritePrice.multiply(BigDecimal.valueOf(Math.max(0, usage.cacheWriteTokens()))))
                .add(pricing.output().multiply(BigDecimal.valueOf(Math.max(0, usage.outputTokens()))));
        return perMillion.divide(MILLION, SCALE, RoundingMode.HALF_UP);
    }
}
