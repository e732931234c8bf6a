package dev.switchboard.api;

import java.math.BigDecimal;

/**
 * Who served a response, as every response tells the caller: the generation id, the public model slug (the
 * fallback model's when one served), the provider slug, when the generation began (epoch seconds, OpenAI's
 * {@code created}), and its cost in USD (null until usage is known).
 */
public record Served(String generationId, String model, String provider, long created, BigDecimal cost) {

    public Served withCost(BigDecimal cost) {
        return new Served(generationId, model, provider, created, cost);
    }
}
