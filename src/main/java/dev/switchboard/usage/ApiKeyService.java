package dev.switchboard.usage;

import dev.switchboard.limits.KeyLimits;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Creates, revokes and lists gateway keys. Each change reaches this replica's {@link GatewayKeys} once committed. */
@ApplicationScoped
public class ApiKeyService {

    /**
     * Fired inside the changing transaction; {@link GatewayKeys} applies it once the transaction commits, without a
     * query. {@code keyHash}, {@code name} and {@code limits} are null for a revocation.
     */
    public record KeysChanged(String id, String keyHash, String name, boolean revoked, KeyLimits limits) {
    }

    public static final int MAX_NAME_LENGTH = 100;

    @Inject
    Event<KeysChanged> changed;

    /** Creates a key named {@code name}; the result holds the key in clear, which is never available again. */
    @Transactional
    public CreatedKey create(String name) {
        return create(name, KeyLimits.NONE);
    }

    /** Creates a key named {@code name} with {@code limits}. */
    @Transactional
    public CreatedKey create(String name, KeyLimits limits) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("A key needs a name of 1 to " + MAX_NAME_LENGTH + " characters.");
        }
        String key = KeyMaterial.newKey();
        ApiKey row = new ApiKey();
        row.id = KeyMaterial.newId();
        row.name = trimmed;
        row.keyHash = KeyMaterial.hash(key);
        row.prefix = KeyMaterial.prefix(key);
        row.limits(limits);
        // microseconds: what timestamptz keeps, so the view equals what a later read returns
        row.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        row.persist();
        changed.fire(new KeysChanged(row.id, row.keyHash, row.name, false, limits));
        Log.infof("Gateway key %s (%s, %s...) created", row.id, row.name, row.prefix);
        return new CreatedKey(row.view(), key);
    }

    /** Revokes a key; false when there is no such key or it was revoked already. */
    @Transactional
    public boolean revoke(String id) {
        if (id == null) {
            return false;
        }
        ApiKey row = ApiKey.findById(id);
        if (row == null || row.revokedAt != null) {
            return false;
        }
        row.revokedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        changed.fire(new KeysChanged(row.id, null, null, true, null));
        Log.infof("Gateway key %s (%s, %s...) revoked", row.id, row.name, row.prefix);
        return true;
    }

    /** Sets an active key's limits, applied from its next call on; false when there is no such active key. */
    @Transactional
    public boolean setLimits(String id, KeyLimits limits) {
        if (id == null) {
            return false;
        }
        ApiKey row = ApiKey.findById(id);
        if (row == null || row.revokedAt != null) {
            return false;
        }
        row.limits(limits);
        changed.fire(new KeysChanged(row.id, row.keyHash, row.name, false, limits));
        Log.infof("Gateway key %s (%s, %s...) limits set: %s", row.id, row.name, row.prefix, describe(limits));
        return true;
    }

    /** The limits in words: {@code 60 rpm, 10000 tpm, $5 monthly}, or {@code no limits}. */
    public static String describe(KeyLimits limits) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (limits.rpm() != null) {
            parts.add(limits.rpm() + " rpm");
        }
        if (limits.tpm() != null) {
            parts.add(limits.tpm() + " tpm");
        }
        if (limits.budgetUsd() != null) {
            parts.add("$" + limits.budgetUsd().stripTrailingZeros().toPlainString() + " " + limits.period().id());
        }
        return parts.isEmpty() ? "no limits" : String.join(", ", parts);
    }

    /** Every key, newest first, revoked ones too. */
    @Transactional
    public List<ApiKeyView> list() {
        return ApiKey.<ApiKey>list("order by createdAt desc, id").stream().map(ApiKey::view).toList();
    }
}
