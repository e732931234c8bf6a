package dev.switchboard.probe;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** {@code switchboard.probe.*}: the scheduled prober of every routable endpoint. */
@ConfigMapping(prefix = "switchboard.probe")
public interface ProbeConfig {

    /** False stops probing in this replica (the schedule still ticks, and does nothing). */
    @WithDefault("true")
    boolean enabled();

    /** How often every endpoint is probed; probes of one run are spread over most of it. */
    @WithDefault("60s")
    Duration interval();

    /** Provider slugs to probe (cost control); absent or empty means every routable provider. */
    Optional<Set<String>> providers();

    /** Probes in flight at once. */
    @WithDefault("8")
    int maxConcurrency();

    /** The limit of one probe, send to end of stream. */
    @WithDefault("30s")
    Duration timeout();

    /** max_tokens of the probe request. */
    @WithDefault("16")
    int maxTokens();
}
