package dev.switchboard.catalog;

import dev.switchboard.catalog.CatalogDocument.EndpointEntry;
import dev.switchboard.catalog.CatalogDocument.ModelEntry;
import dev.switchboard.catalog.CatalogDocument.ProviderEntry;
import dev.switchboard.catalog.CatalogDocument.VendorEntry;
import dev.switchboard.catalog.CatalogReader.Located;
import dev.switchboard.catalog.CatalogReader.Merged;
import dev.switchboard.providers.ProviderKind;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a merged catalog for sense (references, enumerations, ranges, unique names) and returns the active entries:
 * what is marked {@code retired: true} is left out, so the loader retires it.
 */
public final class CatalogValidator {

    /** The catalog as it will be written: only active entries, every reference checked. */
    public record Valid(List<VendorEntry> vendors, List<ProviderEntry> providers, List<ModelEntry> models) {
    }

    public static final Set<String> INPUT_MODALITIES = Set.of("text", "image", "audio", "video", "file");
    /** {@code embeddings}: a model that answers {@code /v1/embeddings} with vectors, never a chat route. */
    public static final Set<String> OUTPUT_MODALITIES = Set.of("text", "image", "audio", "embeddings");
    public static final Set<String> QUANTIZATIONS =
            Set.of("fp4", "fp6", "fp8", "bf16", "fp16", "fp32", "int4", "int8", "unknown");
    public static final Set<String> PARAMETERS = Set.of("tools", "tool_choice", "parallel_tool_calls", "temperature",
            "top_p", "top_k", "min_p", "stop", "max_tokens", "reasoning", "include_reasoning", "response_format",
            "structured_outputs", "seed", "frequency_penalty", "presence_penalty", "repetition_penalty", "logprobs",
            "top_logprobs", "logit_bias", "assistant_prefill", "dimensions");
    /** Whether a provider may retain or train on prompts: "allow" (it may, or it is not known not to) or "deny". */
    public static final Set<String> DATA_COLLECTION = Set.of("allow", "deny");
    /** Variant suffixes of a model name ({@code model:nitro}); a provider may not be called so. */
    public static final Set<String> RESERVED_PROVIDER_SLUGS = Set.of("nitro", "floor", "free", "online", "thinking");

    private static final Pattern VENDOR_OR_PROVIDER_SLUG = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern MODEL_SLUG = Pattern.compile("([a-z0-9][a-z0-9-]*)/[a-z0-9][a-z0-9._-]*");

    private final List<String> problems = new ArrayList<>();

    private CatalogValidator() {
    }

    public static Valid validate(Merged merged) {
        CatalogValidator validator = new CatalogValidator();
        Valid valid = validator.check(merged);
        if (!validator.problems.isEmpty()) {
            throw new CatalogException(validator.problems);
        }
        return valid;
    }

    private Valid check(Merged merged) {
        List<VendorEntry> vendors = new ArrayList<>();
        for (Located<VendorEntry> located : merged.vendors()) {
            VendorEntry v = located.entry();
            String at = located.origin() + ": vendor '" + v.slug() + "'";
            slug(at, v.slug(), VENDOR_OR_PROVIDER_SLUG);
            required(at, "name", v.name());
            if (!isRetired(v.retired())) {
                vendors.add(v);
            }
        }
        Set<String> vendorSlugs = new HashSet<>(vendors.stream().map(VendorEntry::slug).toList());

        List<ProviderEntry> providers = new ArrayList<>();
        for (Located<ProviderEntry> located : merged.providers()) {
            ProviderEntry p = located.entry();
            String at = located.origin() + ": provider '" + p.slug() + "'";
            slug(at, p.slug(), VENDOR_OR_PROVIDER_SLUG);
            if (RESERVED_PROVIDER_SLUGS.contains(p.slug())) {
                problems.add(at + ": '" + p.slug() + "' is a reserved model variant suffix and cannot name a provider");
            }
            required(at, "name", p.name());
            if (required(at, "kind", p.kind()) && ProviderKind.fromId(p.kind()).isEmpty()) {
                problems.add(at + ": kind '" + p.kind() + "' is not one of openai, anthropic, vertex, bedrock");
            }
            if (required(at, "base_url", p.baseUrl())) {
                url(at, "base_url", p.baseUrl());
            }
            if (p.website() != null) {
                url(at, "website", p.website());
            }
            dataCollection(at, p.dataCollection());
            if (!isRetired(p.retired())) {
                providers.add(p);
            }
        }
        Set<String> providerSlugs = new HashSet<>(providers.stream().map(ProviderEntry::slug).toList());

        List<ModelEntry> models = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (Located<ModelEntry> located : merged.models()) {
            names.put(located.entry().slug(), "model '" + located.entry().slug() + "'");
        }
        for (Located<ModelEntry> located : merged.models()) {
            ModelEntry m = located.entry();
            if (isRetired(m.retired())) {
                continue;
            }
            String at = located.origin() + ": model '" + m.slug() + "'";
            var slugMatch = MODEL_SLUG.matcher(m.slug());
            if (!slugMatch.matches()) {
                problems.add(at + ": the slug must look like 'vendor/model' (lowercase letters, digits, '-', '.', '_')");
            } else if (required(at, "vendor", m.vendor())) {
                if (!slugMatch.group(1).equals(m.vendor())) {
                    problems.add(at + ": vendor '" + m.vendor() + "' does not match the slug's prefix '"
                            + slugMatch.group(1) + "'");
                } else if (!vendorSlugs.contains(m.vendor())) {
                    problems.add(at + ": vendor '" + m.vendor() + "' is not listed under vendors");
                }
            }
            required(at, "name", m.name());
            positive(at, "context_length", m.contextLength(), true);
            subset(at, "input_modalities", m.inputModalities(), INPUT_MODALITIES, true);
            subset(at, "output_modalities", m.outputModalities(), OUTPUT_MODALITIES, true);
            if (m.capabilities() != null) {
                for (String c : m.capabilities()) {
                    if (Capability.fromId(c).isEmpty()) {
                        problems.add(at + ": capability '" + c + "' is not one of tools, vision, reasoning, "
                                + "structured_output, prompt_caching");
                    }
                }
            }
            if (m.aliases() != null) {
                for (String alias : m.aliases()) {
                    String other = names.putIfAbsent(alias, "model '" + m.slug() + "'");
                    if (other != null) {
                        problems.add(at + ": alias '" + alias + "' is already the name of " + other);
                    }
                }
            }
            List<EndpointEntry> endpoints = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (EndpointEntry e : m.endpoints() == null ? List.<EndpointEntry>of() : m.endpoints()) {
                String eat = at + ", endpoint '" + e.provider() + "'";
                if (!seen.add(e.provider())) {
                    problems.add(eat + ": the provider is listed twice for this model");
                }
                if (isRetired(e.retired())) {
                    continue;
                }
                if (!providerSlugs.contains(e.provider())) {
                    problems.add(eat + ": provider '" + e.provider() + "' is not listed under providers");
                }
                required(eat, "upstream_id", e.upstreamId());
                if (e.pricing() == null) {
                    problems.add(eat + ": 'pricing' is missing (input and output USD per million tokens)");
                } else {
                    price(eat, "pricing.input", e.pricing().input(), true);
                    price(eat, "pricing.output", e.pricing().output(), true);
                    price(eat, "pricing.cache_read", e.pricing().cacheRead(), false);
                    price(eat, "pricing.cache_write", e.pricing().cacheWrite(), false);
                }
                positive(eat, "context_length", e.contextLength(), false);
                positive(eat, "max_output_tokens", e.maxOutputTokens(), false);
                if (e.quantization() != null && !QUANTIZATIONS.contains(e.quantization())) {
                    problems.add(eat + ": quantization '" + e.quantization() + "' is not one of "
                            + String.join(", ", QUANTIZATIONS.stream().sorted().toList()));
                }
                subset(eat, "supported_parameters", e.supportedParameters(), PARAMETERS, false);
                dataCollection(eat, e.dataCollection());
                endpoints.add(e);
            }
            if (endpoints.isEmpty()) {
                problems.add(at + ": has no endpoint (a model needs at least one provider, or 'retired: true')");
            }
            models.add(new ModelEntry(m.slug(), m.name(), m.vendor(), m.description(), m.released(),
                    m.contextLength(), m.inputModalities(), m.outputModalities(),
                    m.capabilities() == null ? List.of() : m.capabilities(),
                    m.aliases() == null ? List.of() : m.aliases(), endpoints, false));
        }
        return new Valid(vendors, providers, models);
    }

    private void dataCollection(String at, String value) {
        if (value != null && !DATA_COLLECTION.contains(value)) {
            problems.add(at + ": data_collection '" + value + "' is not one of allow, deny");
        }
    }

    private static boolean isRetired(Boolean retired) {
        return Boolean.TRUE.equals(retired);
    }

    private void slug(String at, String slug, Pattern pattern) {
        if (!pattern.matcher(slug).matches()) {
            problems.add(at + ": the slug may hold only lowercase letters, digits and '-'");
        }
    }

    private boolean required(String at, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(at + ": '" + field + "' is missing");
            return false;
        }
        return true;
    }

    private void url(String at, String field, String value) {
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                problems.add(at + ": " + field + " '" + value + "' is not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            problems.add(at + ": " + field + " '" + value + "' is not a URL");
        }
    }

    private void positive(String at, String field, Integer value, boolean needed) {
        if (value == null) {
            if (needed) {
                problems.add(at + ": '" + field + "' is missing");
            }
        } else if (value <= 0) {
            problems.add(at + ": '" + field + "' must be a positive number of tokens, got " + value);
        }
    }

    private void price(String at, String field, BigDecimal value, boolean needed) {
        if (value == null) {
            if (needed) {
                problems.add(at + ": '" + field + "' is missing");
            }
        } else if (value.signum() < 0) {
            problems.add(at + ": '" + field + "' must not be negative, got " + value.toPlainString());
        }
    }

    private void subset(String at, String field, List<String> values, Set<String> allowed, boolean needed) {
        if (values == null || values.isEmpty()) {
            if (needed) {
                problems.add(at + ": '" + field + "' is missing or empty");
            }
            return;
        }
        for (String v : values) {
            if (!allowed.contains(v)) {
                problems.add(at + ": " + field + " has '" + v + "', which is not one of "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }
}
