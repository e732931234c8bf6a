package dev.switchboard.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/** What a caller asks for, named {@code vendor/model}. */
@Entity
@Table(name = "models")
public class Model extends PanacheEntityBase {

    @Id
    public String slug;

    @Column(name = "vendor_slug")
    public String vendorSlug;

    public String name;

    public String description;

    public LocalDate released;

    @Column(name = "context_length")
    public int contextLength;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "input_modalities")
    public String[] inputModalities;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "output_modalities")
    public String[] outputModalities;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public String[] capabilities;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public String[] aliases;

    @Column(name = "retired_at")
    public OffsetDateTime retiredAt;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;
}
