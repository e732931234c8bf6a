package dev.switchboard.observe;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The request log: one line per proxied request on the {@code switchboard.requests} logger. */
@ConfigMapping(prefix = "switchboard.log")
public interface RequestLogConfig {

    enum Format {
        /** No request lines (the default: metrics and the generation log already hold every request). */
        OFF,
        /** {@code key=value} pairs, for a terminal. */
        TEXT,
        /** One JSON object per line, for a log shipper. */
        JSON
    }

    /** {@code off}, {@code text} or {@code json}. */
    @WithDefault("off")
    Format requests();

    /**
     * Adds the prompt (the request's messages) and the completion text to each line. Off by default: prompts and
     * answers are the callers' data, and often personal or secret.
     */
    @WithDefault("false")
    boolean includeContent();
}
