package dev.switchboard.catalog;

import dev.switchboard.catalog.CatalogDocument.EndpointEntry;
import dev.switchboard.catalog.CatalogDocument.ModelEntry;
import dev.switchboard.catalog.CatalogDocument.ProviderEntry;
import dev.switchboard.catalog.CatalogDocument.VendorEntry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the shipped catalog plus the operator's files ({@code switchboard.catalog.files}) into Postgres by upsert.
 * Unchanged rows are left alone, so a restart with the same files writes nothing; entries gone from the files are
 * retired, never deleted. Replicas starting together serialise on an advisory lock.
 */
@ApplicationScoped
public class CatalogLoader {

    static final String SHIPPED = "catalog/catalog.yaml";
    private static final long LOCK_KEY = 0x5357_4341_5441_4c47L; // "SWCATALG"

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "switchboard.catalog.files")
    Optional<List<String>> operatorFiles;

    /** The shipped file then the operator's, in the order configured. */
    public List<CatalogReader.Source> sources() {
        List<CatalogReader.Source> sources = new ArrayList<>();
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(SHIPPED)) {
            if (in == null) {
                throw new CatalogException(List.of(SHIPPED + ": the shipped catalog is missing from the application"));
            }
            sources.add(new CatalogReader.Source("classpath:" + SHIPPED,
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String file : operatorFiles.orElse(List.of())) {
            if (file.isBlank()) {
                continue;
            }
            Path path = Path.of(file.trim());
            try {
                sources.add(new CatalogReader.Source(path.toString(), Files.readString(path)));
            } catch (NoSuchFileException e) {
                throw new CatalogException(List.of(path + ": file not found (configured in switchboard.catalog.files)"));
            } catch (IOException e) {
                throw new CatalogException(List.of(path + ": cannot be read: " + e.getMessage()));
            }
        }
        return sources;
    }

    /** Reads, validates and writes the configured catalog files; throws {@link CatalogException} naming every problem. */
    @Transactional
    public CatalogValidator.Valid load() {
        return load(sources());
    }

    /** Validates and writes the given files; nothing is written when any of them has a problem. */
    @Transactional
    public CatalogValidator.Valid load(List<CatalogReader.Source> sources) {
        CatalogValidator.Valid valid = CatalogValidator.validate(CatalogReader.read(sources));
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK_KEY);
                lock.execute();
            }
            write(c, valid);
        } catch (SQLException e) {
            throw new IllegalStateException("Writing the catalog to the database failed: " + e.getMessage(), e);
        }
        Log.infof("Catalog loaded: %d vendors, %d providers, %d models, %d endpoints", valid.vendors().size(),
                valid.providers().size(), valid.models().size(),
                valid.models().stream().mapToInt(m -> m.endpoints().size()).sum());
        return valid;
    }

    private void write(Connection c, CatalogValidator.Valid valid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into vendors (slug, name) values (?, ?)
                on conflict (slug) do update set name = excluded.name, retired_at = null, updated_at = now()
                where (vendors.name, vendors.retired_at) is distinct from (excluded.name, null)""")) {
            for (VendorEntry v : valid.vendors()) {
                ps.setString(1, v.slug());
                ps.setString(2, v.name());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into providers (slug, name, kind, base_url, region, website, description)
                values (?, ?, ?, ?, ?, ?, ?)
                on conflict (slug) do update set name = excluded.name, kind = excluded.kind,
                    base_url = excluded.base_url, region = excluded.region, website = excluded.website,
                    description = excluded.description, retired_at = null, updated_at = now()
                where (providers.name, providers.kind, providers.base_url, providers.region, providers.website,
                       providers.description, providers.retired_at)
                    is distinct from (excluded.name, excluded.kind, excluded.base_url, excluded.region,
                       excluded.website, excluded.description, null)""")) {
            for (ProviderEntry p : valid.providers()) {
                ps.setString(1, p.slug());
                ps.setString(2, p.name());
                ps.setString(3, p.kind());
                ps.setString(4, p.baseUrl());
                ps.setString(5, p.region());
                ps.setString(6, p.website());
                ps.setString(7, p.description() == null ? "" : p.description().strip());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into models (slug, vendor_slug, name, description, released, context_length,
                    input_modalities, output_modalities, capabilities, aliases)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (slug) do update set vendor_slug = excluded.vendor_slug, name = excluded.name,
                    description = excluded.description, released = excluded.released,
                    context_length = excluded.context_length, input_modalities = excluded.input_modalities,
                    output_modalities = excluded.output_modalities, capabilities = excluded.capabilities,
                    aliases = excluded.aliases, retired_at = null, updated_at = now()
                where (models.vendor_slug, models.name, models.description, models.released, models.context_length,
                       models.input_modalities, models.output_modalities, models.capabilities, models.aliases,
                       models.retired_at)
                    is distinct from (excluded.vendor_slug, excluded.name, excluded.description, excluded.released,
                       excluded.context_length, excluded.input_modalities, excluded.output_modalities,
                       excluded.capabilities, excluded.aliases, null)""")) {
            for (ModelEntry m : valid.models()) {
                ps.setString(1, m.slug());
                ps.setString(2, m.vendor());
                ps.setString(3, m.name());
                ps.setString(4, m.description() == null ? "" : m.description().strip());
                if (m.released() == null) {
                    ps.setNull(5, Types.DATE);
                } else {
                    ps.setDate(5, Date.valueOf(m.released()));
                }
                ps.setInt(6, m.contextLength());
                ps.setArray(7, c.createArrayOf("text", m.inputModalities().toArray()));
                ps.setArray(8, c.createArrayOf("text", m.outputModalities().toArray()));
                ps.setArray(9, c.createArrayOf("text", m.capabilities().toArray()));
                ps.setArray(10, c.createArrayOf("text", m.aliases().toArray()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Map<String, ProviderEntry> providerEntries = new HashMap<>();
        valid.providers().forEach(p -> providerEntries.put(p.slug(), p));
        try (PreparedStatement ps = c.prepareStatement("""
                insert into endpoints (model_slug, provider_slug, upstream_id, price_input, price_output,
                    price_cache_read, price_cache_write, context_length, max_output_tokens, quantization,
                    supported_parameters, original_vendor, data_collection, zdr)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (model_slug, provider_slug) do update set upstream_id = excluded.upstream_id,
                    price_input = excluded.price_input, price_output = excluded.price_output,
                    price_cache_read = excluded.price_cache_read, price_cache_write = excluded.price_cache_write,
                    context_length = excluded.context_length, max_output_tokens = excluded.max_output_tokens,
                    quantization = excluded.quantization, supported_parameters = excluded.supported_parameters,
                    original_vendor = excluded.original_vendor, data_collection = excluded.data_collection,
                    zdr = excluded.zdr, retired_at = null, updated_at = now()
                where (endpoints.upstream_id, endpoints.price_input, endpoints.price_output, endpoints.price_cache_read,
                       endpoints.price_cache_write, endpoints.context_length, endpoints.max_output_tokens,
                       endpoints.quantization, endpoints.supported_parameters, endpoints.original_vendor,
                       endpoints.data_collection, endpoints.zdr, endpoints.retired_at)
                    is distinct from (excluded.upstream_id, excluded.price_input, excluded.price_output,
                       excluded.price_cache_read, excluded.price_cache_write, excluded.context_length,
                       excluded.max_output_tokens, excluded.quantization, excluded.supported_parameters,
                       excluded.original_vendor, excluded.data_collection, excluded.zdr, null)""")) {
            for (ModelEntry m : valid.models()) {
                for (EndpointEntry e : m.endpoints()) {
                    ProviderEntry provider = providerEntries.get(e.provider());
                    ps.setString(1, m.slug());
                    ps.setString(2, e.provider());
                    ps.setString(3, e.upstreamId());
                    ps.setBigDecimal(4, e.pricing().input());
                    ps.setBigDecimal(5, e.pricing().output());
                    ps.setBigDecimal(6, e.pricing().cacheRead());
                    ps.setBigDecimal(7, e.pricing().cacheWrite());
                    ps.setInt(8, e.contextLength() != null ? e.contextLength() : m.contextLength());
                    if (e.maxOutputTokens() == null) {
                        ps.setNull(9, Types.INTEGER);
                    } else {
                        ps.setInt(9, e.maxOutputTokens());
                    }
                    ps.setString(10, e.quantization());
                    List<String> params = e.supportedParameters() == null ? List.of() : e.supportedParameters();
                    ps.setArray(11, c.createArrayOf("text", params.toArray()));
                    ps.setBoolean(12, Boolean.TRUE.equals(e.originalVendor()));
                    ps.setString(13, dataCollection(e, provider));
                    ps.setBoolean(14, zdr(e, provider));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
        retireMissing(c, valid);
    }

    /**
     * The endpoint's own value, else its provider's, else "allow": a filter for providers that do not collect data
     * must never let through one not known to comply.
     */
    static String dataCollection(EndpointEntry e, ProviderEntry provider) {
        if (e.dataCollection() != null) {
            return e.dataCollection();
        }
        return provider != null && provider.dataCollection() != null ? provider.dataCollection() : "allow";
    }

    /** The endpoint's own value, else its provider's, else false (not known to retain nothing). */
    static boolean zdr(EndpointEntry e, ProviderEntry provider) {
        if (e.zdr() != null) {
            return e.zdr();
        }
        return provider != null && Boolean.TRUE.equals(provider.zdr());
    }

    /** Whatever the files no longer hold is retired, so its history stays joinable. */
    private void retireMissing(Connection c, CatalogValidator.Valid valid) throws SQLException {
        Object[] vendors = valid.vendors().stream().map(VendorEntry::slug).toArray();
        Object[] providers = valid.providers().stream().map(ProviderEntry::slug).toArray();
        Object[] models = valid.models().stream().map(ModelEntry::slug).toArray();
        Object[] endpointKeys = valid.models().stream()
                .flatMap(m -> m.endpoints().stream().map(e -> m.slug() + " " + e.provider())).toArray();
        retire(c, "update vendors set retired_at = now() where retired_at is null and slug <> all(?)", vendors);
        retire(c, "update providers set retired_at = now() where retired_at is null and slug <> all(?)", providers);
        retire(c, "update models set retired_at = now() where retired_at is null and slug <> all(?)", models);
        retire(c, "update endpoints set retired_at = now() where retired_at is null "
                + "and model_slug || ' ' || provider_slug <> all(?)", endpointKeys);
    }

    private void retire(Connection c, String sql, Object[] keep) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", keep));
            int retired = ps.executeUpdate();
            if (retired > 0) {
                Log.infof("Catalog: retired %d entries no longer in the catalog files (%s)", retired,
                        sql.substring(7, sql.indexOf(' ', 7)));
            }
        }
    }
}
