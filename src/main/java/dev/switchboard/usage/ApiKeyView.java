package dev.switchboard.usage;

import dev.switchboard.limits.KeyLimits;

import java.time.Instant;

/** A gateway key as the admin sees it: never the key, only its first characters. */
public record ApiKeyView(String id, String name, String prefix, Instant createdAt, Instant revokedAt,
                         KeyLimits limits) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
