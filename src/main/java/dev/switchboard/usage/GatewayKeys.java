package dev.switchboard.usage;

import dev.switchboard.catalog.CatalogService;
import dev.switchboard.catalog.ProviderStatus;
import dev.switchboard.limits.BudgetPeriod;
import dev.switchboard.limits.KeyLimits;
import dev.switchboard.proxy.SkipWhileDraining;
import dev.switchboard.sim.DemoMode;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The check every proxied call makes, answered from memory: the active keys by hash, loaded at start-up, re-read in
 * the background ({@code switchboard.auth.refresh-interval}) so that other replicas' changes arrive, and changed at
 * once by this replica's own creations, revocations and limit changes. Each key comes with its limits. The master key ({@code switchboard.auth.master-key}) always
 * works.
 * <p>
 * The proxy is open (every call allowed) only in demo mode without a master key: a newcomer's first run works with
 * any client, and nothing real is behind it. A valid key sent to an open proxy is still identified.
 */
@ApplicationScoped
@Named("gatewayKeys") // the Models page asks {inject:gatewayKeys.open}
public class GatewayKeys {

    static final String HOW_TO_SEND = "Send a gateway key as 'Authorization: Bearer <key>' or in the 'x-api-key' header.";

    @Inject
    AuthConfig config;

    @Inject
    DataSource dataSource;

    @Inject
    CatalogService catalog;

    @Inject
    DemoMode demo;

    /** Active keys by the hex SHA-256 of the key; replaced whole, never changed in place. */
    private volatile Map<String, GatewayKey> byHash = Map.of();
    private volatile boolean open;
    /** Local changes so far: a background read that started before one must not undo it. */
    private long localChanges;
    private boolean refreshFailing;

    /** After the catalog (priority 10), which decides whether demo mode is on. */
    void onStart(@Observes @Priority(20) StartupEvent event) {
        boolean anyLive = catalog.current().providers().stream().anyMatch(p -> p.status() == ProviderStatus.LIVE);
        open = demo.active(anyLive) && masterKey().isEmpty();
        if (open) {
            Log.warn("The proxy is open: demo mode and no switchboard.auth.master-key. Every call is allowed; set "
                    + "switchboard.auth.master-key (or turn demo mode off) to require gateway keys.");
        }
        refresh();
    }

    /**
     * Whether {@code presented} (the value of {@code Authorization: Bearer <key>} or {@code x-api-key}, see
     * {@link #presentedKey}) may call. Never a database query.
     */
    public AuthResult authenticate(String presented) {
        String key = presented == null || presented.isBlank() ? null : presented.strip();
        if (key != null) {
            Optional<String> master = masterKey();
            if (master.isPresent() && KeyMaterial.constantTimeEquals(key, master.get())) {
                return new AuthResult.Allowed(GatewayKey.MASTER);
            }
            GatewayKey known = byHash.get(KeyMaterial.hash(key));
            if (known != null) {
                return new AuthResult.Allowed(known);
            }
        }
        if (open) {
            return new AuthResult.Allowed(null);
        }
        if (masterKey().isEmpty() && byHash.isEmpty()) {
            return new AuthResult.Denied("This gateway has no keys yet. Its operator sets one with "
                    + "switchboard.auth.master-key (environment SWITCHBOARD_AUTH_MASTER_KEY) or creates one with "
                    + "'java -jar quarkus-run.jar keys create <name>'; then " + lowerFirst(HOW_TO_SEND));
        }
        return new AuthResult.Denied(key == null ? "Missing gateway key. " + HOW_TO_SEND
                : "Invalid or revoked gateway key. " + HOW_TO_SEND);
    }

    /**
     * The key a request presents: the token of an {@code Authorization: Bearer} header, else the {@code x-api-key}
     * header (as OpenAI and Anthropic clients send them); null when neither is there.
     */
    public static String presentedKey(String authorization, String xApiKey) {
        if (authorization != null) {
            String value = authorization.strip();
            if (value.length() > 7 && value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                return value.substring(7).strip();
            }
        }
        return xApiKey == null || xApiKey.isBlank() ? null : xApiKey.strip();
    }

    /**
     * The stored hash of the active key {@code id}, the secret its holder's usage-page session is signed with; empty
     * when there is no such key or it is revoked (which so ends its sessions on every replica).
     */
    Optional<String> activeHash(String id) {
        for (Map.Entry<String, GatewayKey> e : byHash.entrySet()) {
            if (e.getValue().id().equals(id)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** The active key of a stored hash, or null. */
    GatewayKey authenticatedByHash(String hash) {
        return byHash.get(hash);
    }

    /** True when every call is allowed: demo mode and no master key. Shown on the portal. */
    public boolean open() {
        return open;
    }

    /** Whether a master key is configured (the admin pages need one). */
    public boolean hasMasterKey() {
        return masterKey().isPresent();
    }

    Optional<String> masterKey() {
        return config.masterKey().filter(k -> !k.isBlank());
    }

    /** Re-reads the active keys; keeps the previous ones when the database cannot be read. */
    public void refresh() {
        long changesBefore;
        synchronized (this) {
            changesBefore = localChanges;
        }
        Map<String, GatewayKey> read = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select id, name, key_hash, rpm_limit, tpm_limit, budget_usd, "
                     + "budget_period from api_keys where revoked_at is null");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                read.put(rs.getString(3), new GatewayKey(rs.getString(1), rs.getString(2), false, new KeyLimits(
                        (Integer) rs.getObject(4), (Integer) rs.getObject(5), rs.getBigDecimal(6),
                        BudgetPeriod.parse(rs.getString(7)))));
            }
        } catch (SQLException e) {
            if (!refreshFailing) {
                Log.warnf("Gateway keys: cannot read the keys, keeping the %d known: %s", byHash.size(), e.getMessage());
            }
            refreshFailing = true;
            return;
        }
        refreshFailing = false;
        synchronized (this) {
            // A key created or revoked here while the read ran may be missing from it: keep what we have, the next
            // read sees both.
            if (localChanges == changesBefore) {
                byHash = Map.copyOf(read);
            }
        }
    }

    @Scheduled(every = "${switchboard.auth.refresh-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SkipWhileDraining.class)
    void scheduledRefresh() {
        refresh();
    }

    /** This replica's change, applied once committed: a revoked key is refused from the next call on. */
    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) ApiKeyService.KeysChanged change) {
        synchronized (this) {
            localChanges++;
            Map<String, GatewayKey> next = new HashMap<>(byHash);
            if (change.revoked()) {
                next.values().removeIf(k -> k.id().equals(change.id()));
            } else {
                next.put(change.keyHash(), new GatewayKey(change.id(), change.name(), false, change.limits()));
            }
            byHash = Map.copyOf(next);
        }
    }

    private static String lowerFirst(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
