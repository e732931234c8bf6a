package dev.switchboard.database;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code switchboard.buffers.*}: how the write-behind buffers behave while the database is away. */
@ConfigMapping(prefix = "switchboard.buffers")
public interface BuffersConfig {

    /** At most one WARN line per this interval about rows dropped from a full buffer, with the count since the last. */
    @WithDefault("30s")
    Duration dropLogInterval();

    /** While the database is down, how long a buffer waits between tries to reach it again. */
    @WithDefault("5s")
    Duration recheckInterval();
}
