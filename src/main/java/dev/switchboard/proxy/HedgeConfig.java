package dev.switchboard.proxy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Hedged requests ({@code switchboard.hedge.*}): off unless a request asks ({@code provider.hedge}) or its model is
 * listed under {@code switchboard.hedge.models."<vendor/model>"}.
 */
@ConfigMapping(prefix = "switchboard.hedge")
public interface HedgeConfig {

    /** False: never hedge, whatever requests or the models' settings ask. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The threshold of a {@code p90} hedge when the endpoint's p90 cannot be known: fewer than {@link #minSamples()}
     * TTFT samples in the routing window, or a whole (non-streaming) answer, whose time no TTFT percentile tells.
     */
    @WithDefault("1000")
    int fallbackAfterMs();

    /** A {@code p90} needs at least this many TTFT samples of the endpoint in the routing window to be used. */
    @WithDefault("20")
    int minSamples();

    /** Hedging on by default for these models (keyed by model slug, quoted: {@code "openai/gpt-4.1"}). */
    Map<String, ModelHedge> models();

    /** One model's default: {@code after-ms} (fixed) or {@code after} ({@code p90}); a request's own field wins. */
    interface ModelHedge {

        OptionalInt afterMs();

        Optional<String> after();
    }
}
