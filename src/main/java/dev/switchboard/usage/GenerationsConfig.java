package dev.switchboard.usage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * {@code switchboard.generations.*}. The intervals are scheduler expressions (a duration, or {@code off}); the
 * {@code @Scheduled} annotations read them by name with the same defaults.
 */
@ConfigMapping(prefix = "switchboard.generations")
public interface GenerationsConfig {

    /** Generations held in memory while waiting for the database; beyond it new ones are dropped and counted. */
    @WithDefault("10000")
    int bufferSize();

    /** Rows per multi-row insert. */
    @WithDefault("500")
    int batchSize();

    /** How often queued generations are written. */
    @WithDefault("1s")
    String flushInterval();

    /** Generations older than this are deleted (checked daily). */
    @WithDefault("30d")
    Duration retention();

    /** How often retention is applied. */
    @WithDefault("24h")
    String retentionInterval();

    /** Recently written generations kept in memory, so that a caller asking right after its response is served fast. */
    @WithDefault("2000")
    int recentCacheSize();
}
