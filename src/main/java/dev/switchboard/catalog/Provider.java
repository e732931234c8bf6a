package dev.switchboard.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Who serves models; {@link #kind} names the wire protocol its adapter speaks. */
@Entity
@Table(name = "providers")
public class Provider extends PanacheEntityBase {

    @Id
    public String slug;

    public String name;

    public String kind;

    @Column(name = "base_url")
    public String baseUrl;

    public String region;

    public String website;

    public String description;

    @Column(name = "retired_at")
    public OffsetDateTime retiredAt;
}
