package dev.switchboard.usage;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.switchboard.limits.BudgetPeriod;
import dev.switchboard.limits.KeyLimits;

import java.math.BigDecimal;
import java.time.Instant;

/** A gateway key as stored: its hash, never the key. */
@Entity
@Table(name = "api_keys")
public class ApiKey extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    @Column(name = "key_hash", nullable = false, unique = true)
    public String keyHash;

    @Column(nullable = false)
    public String prefix;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "rpm_limit")
    public Integer rpmLimit;

    @Column(name = "tpm_limit")
    public Integer tpmLimit;

    @Column(name = "budget_usd", precision = 15, scale = 6)
    public BigDecimal budgetUsd;

    @Column(name = "budget_period", nullable = false)
    public String budgetPeriod = BudgetPeriod.MONTHLY.id();

    KeyLimits limits() {
        return new KeyLimits(rpmLimit, tpmLimit, budgetUsd, BudgetPeriod.parse(budgetPeriod));
    }

    void limits(KeyLimits limits) {
        rpmLimit = limits.rpm();
        tpmLimit = limits.tpm();
        budgetUsd = limits.budgetUsd();
        budgetPeriod = limits.period().id();
    }

    ApiKeyView view() {
        return new ApiKeyView(id, name, prefix, createdAt, revokedAt, limits());
    }
}
