package dev.switchboard.usage;

/** Who called: a gateway key by its id and name (never the key itself); {@code master} for the master key. */
public record GatewayKey(String id, String name, boolean master) {

    public static final GatewayKey MASTER = new GatewayKey("master", "master key", true);
}
