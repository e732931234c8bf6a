package dev.switchboard.stats;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * {@code switchboard.stats.*}. The intervals are scheduler expressions (a duration, or {@code off} to stop the job
 * in this replica); the {@code @Scheduled} annotations read them by name with the same defaults.
 */
@ConfigMapping(prefix = "switchboard.stats")
public interface StatsConfig {

    /** Samples held in memory while waiting for the database; beyond it new samples are dropped and counted. */
    @WithDefault("100000")
    int queueCapacity();

    /** Samples written per insert batch. */
    @WithDefault("5000")
    int flushBatchSize();

    /** How often queued samples are written. */
    @WithDefault("1s")
    String flushInterval();

    /** How often rollups are brought up to date. */
    @WithDefault("60s")
    String rollupInterval();

    /** How often the in-memory stats snapshot is refreshed from the rollups. */
    @WithDefault("30s")
    String refreshInterval();

    /** How often partitions are created ahead and retention applied (a no-op unless a day has turned). */
    @WithDefault("1h")
    String maintenanceInterval();

    /** Raw samples older than this are dropped, a whole day partition at a time. */
    @WithDefault("7d")
    Duration sampleRetention();

    /** Minute rollups older than this are deleted; hour rows keep the history. */
    @WithDefault("3d")
    Duration minuteRollupRetention();

    /** Hour rollups older than this are deleted. */
    @WithDefault("90d")
    Duration hourRollupRetention();

    /** The recent window routing ranks endpoints by (TTFT and decode speed medians). */
    @WithDefault("30m")
    Duration routingWindow();
}
