package dev.switchboard.catalog;

/** Whether a provider's endpoints can take traffic, as shown in the portal. */
public enum ProviderStatus {
    /** Credentials are configured: requests are routed to it. */
    LIVE("live"),
    /** Demo mode: no credentials, so the built-in simulated upstream stands in for it. */
    SIMULATED("simulated"),
    /** Listed with its prices, but no credentials are configured. */
    NOT_CONFIGURED("not configured"),
    /** Switched off by {@code switchboard.provider.<slug>.enabled=false}. */
    DISABLED("disabled");

    private final String label;

    ProviderStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean routable() {
        return this == LIVE || this == SIMULATED;
    }
}
