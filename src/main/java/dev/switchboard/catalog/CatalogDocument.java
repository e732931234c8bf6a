package dev.switchboard.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * The catalog YAML as written (snake_case keys), after the shipped file and the operator's files are merged. These
 * records only carry what the files say; {@link CatalogValidator} decides whether it makes sense.
 */
public final class CatalogDocument {

    private CatalogDocument() {
    }

    public record VendorEntry(String slug, String name, Boolean retired) {
    }

    public record ProviderEntry(
            String slug,
            String name,
            String kind,
            @JsonProperty("base_url") String baseUrl,
            String region,
            String website,
            String description,
            @JsonProperty("data_collection") String dataCollection,
            Boolean zdr,
            Boolean retired) {
    }

    public record ModelEntry(
            String slug,
            String name,
            String vendor,
            String description,
            LocalDate released,
            @JsonProperty("context_length") Integer contextLength,
            @JsonProperty("input_modalities") List<String> inputModalities,
            @JsonProperty("output_modalities") List<String> outputModalities,
            List<String> capabilities,
            List<String> aliases,
            List<EndpointEntry> endpoints,
            Boolean retired) {
    }

    public record EndpointEntry(
            String provider,
            @JsonProperty("upstream_id") String upstreamId,
            @JsonProperty("original_vendor") Boolean originalVendor,
            PricingEntry pricing,
            @JsonProperty("context_length") Integer contextLength,
            @JsonProperty("max_output_tokens") Integer maxOutputTokens,
            String quantization,
            @JsonProperty("supported_parameters") List<String> supportedParameters,
            @JsonProperty("data_collection") String dataCollection,
            Boolean zdr,
            Boolean retired) {
    }

    public record PricingEntry(
            BigDecimal input,
            BigDecimal output,
            @JsonProperty("cache_read") BigDecimal cacheRead,
            @JsonProperty("cache_write") BigDecimal cacheWrite) {
    }
}
