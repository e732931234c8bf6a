package dev.switchboard.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** One model served by one provider: its upstream id, list prices (USD per million tokens) and limits. */
@Entity
@Table(name = "endpoints")
public class Endpoint extends PanacheEntityBase {

    @Id
    public Long id;

    @Column(name = "model_slug")
    public String modelSlug;

    @Column(name = "provider_slug")
    public String providerSlug;

    @Column(name = "upstream_id")
    public String upstreamId;

    @Column(name = "price_input")
    public BigDecimal priceInput;

    @Column(name = "price_output")
    public BigDecimal priceOutput;

    @Column(name = "price_cache_read")
    public BigDecimal priceCacheRead;

    @Column(name = "price_cache_write")
    public BigDecimal priceCacheWrite;

    @Column(name = "context_length")
    public int contextLength;

    @Column(name = "max_output_tokens")
    public Integer maxOutputTokens;

    public String quantization;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "supported_parameters")
    public String[] supportedParameters;

    @Column(name = "original_vendor")
    public boolean originalVendor;

    /** "allow": the provider may retain or train on prompts (or is not known not to); "deny": it does not. */
    @Column(name = "data_collection")
    public String dataCollection;

    /** Zero data retention: the provider keeps neither prompts nor completions. */
    public boolean zdr;

    @Column(name = "retired_at")
    public OffsetDateTime retiredAt;
}
