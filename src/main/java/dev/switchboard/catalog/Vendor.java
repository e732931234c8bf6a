package dev.switchboard.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A company that makes models: the prefix of a model slug. */
@Entity
@Table(name = "vendors")
public class Vendor extends PanacheEntityBase {

    @Id
    public String slug;

    public String name;

    @Column(name = "retired_at")
    public OffsetDateTime retiredAt;
}
