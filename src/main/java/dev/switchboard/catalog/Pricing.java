package dev.switchboard.catalog;

import java.math.BigDecimal;

/** List prices in USD per million tokens; the cache prices are null where the provider lists none. */
public record Pricing(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite) {

    /** A single number to sort and filter "price" by: input and output weighted 3:1, as typical chat traffic is. */
    public BigDecimal blended() {
        return input.multiply(BigDecimal.valueOf(3)).add(output).divide(BigDecimal.valueOf(4));
    }
}
