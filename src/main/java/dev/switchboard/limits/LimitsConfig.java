package dev.switchboard.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code switchboard.limits.*}: how per-key limits estimate what a request will use. */
@ConfigMapping(prefix = "switchboard.limits")
public interface LimitsConfig {

    /**
     * Output tokens reserved against a tokens-per-minute limit for a request that sets no max_tokens; the call is
     * settled with what it really used afterwards.
     */
    @WithDefault("1024")
    int defaultMaxTokens();

    /** Prompt bytes per estimated token: a rough, generous estimate (real tokens settle it afterwards). */
    @WithDefault("4")
    int bytesPerToken();

    /** How often this replica re-reads every key's spend in its period from the generation log (other replicas'). */
    @WithDefault("10s")
    String spendRefreshInterval();
}
