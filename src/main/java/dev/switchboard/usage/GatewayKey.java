package dev.switchboard.usage;

import dev.switchboard.limits.KeyLimits;

/**
 * Who called: a gateway key by its id and name (never the key itself) and its limits; {@code master} for the master
 * key, which has none.
 */
public record GatewayKey(String id, String name, boolean master, KeyLimits limits) {

    public static final GatewayKey MASTER = new GatewayKey("master", "master key", true);

    public GatewayKey {
        limits = limits == null ? KeyLimits.NONE : limits;
    }

    public GatewayKey(String id, String name, boolean master) {
        this(id, name, master, KeyLimits.NONE);
    }
}
