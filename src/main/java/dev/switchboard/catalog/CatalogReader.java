package dev.switchboard.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.switchboard.catalog.CatalogDocument.ModelEntry;
import dev.switchboard.catalog.CatalogDocument.ProviderEntry;
import dev.switchboard.catalog.CatalogDocument.VendorEntry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads catalog YAML files in order and merges each over the ones before it: vendors and providers by slug, models
 * by slug, a model's endpoints by provider; within an entry, the fields a later file gives replace the earlier ones.
 * So an operator's file can add a provider, change one price, or retire a shipped model with {@code retired: true}.
 */
public final class CatalogReader {

    /** One catalog file: a name to report problems against, and its text. */
    public record Source(String name, String text) {
    }

    /** An entry after merging, with the files that contributed to it (for error messages). */
    public record Located<T>(T entry, String origin) {
    }

    /** What the files say after merging, before validation. */
    public record Merged(List<Located<VendorEntry>> vendors, List<Located<ProviderEntry>> providers,
                         List<Located<ModelEntry>> models) {
    }

    private static final Set<String> TOP_KEYS = Set.of("vendors", "providers", "models");
    private static final Set<String> VENDOR_KEYS = Set.of("slug", "name", "retired");
    private static final Set<String> PROVIDER_KEYS =
            Set.of("slug", "name", "kind", "base_url", "region", "website", "description", "data_collection", "zdr",
                    "retired");
    private static final Set<String> MODEL_KEYS = Set.of("slug", "name", "vendor", "description", "released",
            "context_length", "input_modalities", "output_modalities", "capabilities", "aliases", "endpoints",
            "retired");
    private static final Set<String> ENDPOINT_KEYS = Set.of("provider", "upstream_id", "original_vendor", "pricing",
            "context_length", "max_output_tokens", "quantization", "supported_parameters", "data_collection", "zdr",
            "retired");
    private static final Set<String> PRICING_KEYS = Set.of("input", "output", "cache_read", "cache_write");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

    private final List<String> problems = new ArrayList<>();
    private final Map<String, Entry> vendors = new LinkedHashMap<>();
    private final Map<String, Entry> providers = new LinkedHashMap<>();
    private final Map<String, Entry> models = new LinkedHashMap<>();

    /** A merged entry: its tree, and the files it came from. */
    private static final class Entry {
        final ObjectNode node;
        final Set<String> origins = new LinkedHashSet<>();

        Entry(ObjectNode node, String origin) {
            this.node = node;
            origins.add(origin);
        }

        String origin() {
            return String.join(" + ", origins);
        }
    }

    private CatalogReader() {
    }

    /** Reads and merges the sources; throws {@link CatalogException} listing every problem found. */
    public static Merged read(List<Source> sources) {
        CatalogReader reader = new CatalogReader();
        for (Source source : sources) {
            reader.add(source);
        }
        Merged merged = reader.bind();
        if (!reader.problems.isEmpty()) {
            throw new CatalogException(reader.problems);
        }
        return merged;
    }

    private void add(Source source) {
        JsonNode root;
        try {
            root = YAML.readTree(source.text());
        } catch (JsonProcessingException e) {
            problems.add(source.name() + ": not valid YAML"
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : "") + ": "
                    + e.getOriginalMessage());
            return;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            problems.add(source.name() + ": the top level must be a mapping with vendors, providers and models");
            return;
        }
        unknownKeys(source.name(), "the top level", root, TOP_KEYS);
        mergeList(source.name(), root.get("vendors"), "vendors", "vendor", "slug", VENDOR_KEYS, vendors);
        mergeList(source.name(), root.get("providers"), "providers", "provider", "slug", PROVIDER_KEYS, providers);
        mergeList(source.name(), root.get("models"), "models", "model", "slug", MODEL_KEYS, models);
    }

    private void mergeList(String file, JsonNode list, String listName, String what, String keyField,
                           Set<String> allowed, Map<String, Entry> into) {
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            problems.add(file + ": '" + listName + "' must be a list");
            return;
        }
        int index = 0;
        for (JsonNode item : list) {
            index++;
            if (!item.isObject()) {
                problems.add(file + ": " + listName + " entry #" + index + " must be a mapping");
                continue;
            }
            JsonNode key = item.get(keyField);
            if (key == null || !key.isTextual() || key.asText().isBlank()) {
                problems.add(file + ": " + listName + " entry #" + index + " has no '" + keyField + "'");
                continue;
            }
            String label = what + " '" + key.asText() + "'";
            unknownKeys(file, label, item, allowed);
            if (what.equals("model")) {
                checkEndpoints(file, label, item.get("endpoints"));
            }
            Entry existing = into.get(key.asText());
            if (existing == null) {
                into.put(key.asText(), new Entry(((ObjectNode) item).deepCopy(), file));
            } else {
                existing.origins.add(file);
                mergeFields(existing.node, (ObjectNode) item);
            }
        }
    }

    private void checkEndpoints(String file, String model, JsonNode endpoints) {
        if (endpoints == null || !endpoints.isArray()) {
            return;
        }
        int index = 0;
        for (JsonNode endpoint : endpoints) {
            index++;
            JsonNode provider = endpoint.get("provider");
            if (!endpoint.isObject() || provider == null || !provider.isTextual()) {
                problems.add(file + ": " + model + ", endpoint #" + index + " has no 'provider'");
                continue;
            }
            String label = model + ", endpoint '" + provider.asText() + "'";
            unknownKeys(file, label, endpoint, ENDPOINT_KEYS);
            JsonNode pricing = endpoint.get("pricing");
            if (pricing != null && pricing.isObject()) {
                unknownKeys(file, label + ", pricing", pricing, PRICING_KEYS);
            }
        }
    }

    /** Later fields win; a model's endpoints merge by provider, each endpoint (and its pricing) field by field. */
    private static void mergeFields(ObjectNode target, ObjectNode override) {
        override.properties().forEach(field -> {
            JsonNode value = field.getValue();
            JsonNode current = target.get(field.getKey());
            if (field.getKey().equals("endpoints") && value.isArray() && current != null && current.isArray()) {
                target.set("endpoints", mergeEndpoints((ArrayNode) current, (ArrayNode) value));
            } else if (value.isObject() && current != null && current.isObject()) {
                mergeFields((ObjectNode) current, (ObjectNode) value);
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        });
    }

    private static ArrayNode mergeEndpoints(ArrayNode current, ArrayNode overrides) {
        ArrayNode merged = current.deepCopy();
        for (JsonNode override : overrides) {
            String provider = override.path("provider").asText();
            ObjectNode match = null;
            for (JsonNode existing : merged) {
                if (existing.path("provider").asText().equals(provider)) {
                    match = (ObjectNode) existing;
                }
            }
            if (match == null) {
                merged.add(override.deepCopy());
            } else {
                mergeFields(match, (ObjectNode) override);
            }
        }
        return merged;
    }

    private void unknownKeys(String file, String where, JsonNode node, Set<String> allowed) {
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            problems.add(file + ": " + where + ": unknown field" + (unknown.size() > 1 ? "s " : " ")
                    + unknown.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "))
                    + " (allowed: " + allowed.stream().sorted().collect(Collectors.joining(", ")) + ")");
        }
    }

    private Merged bind() {
        return new Merged(
                bindAll(vendors, VendorEntry.class, "vendor"),
                bindAll(providers, ProviderEntry.class, "provider"),
                bindAll(models, ModelEntry.class, "model"));
    }

    private <T> List<Located<T>> bindAll(Map<String, Entry> entries, Class<T> type, String what) {
        List<Located<T>> bound = new ArrayList<>();
        entries.forEach((slug, entry) -> {
            try {
                bound.add(new Located<>(YAML.treeToValue(entry.node, type), entry.origin()));
            } catch (JsonProcessingException e) {
                problems.add(entry.origin() + ": " + what + " '" + slug + "': " + describe(e));
            }
        });
        return bound;
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof MismatchedInputException mismatch) {
            String path = mismatch.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "#" + (ref.getIndex() + 1))
                    .collect(Collectors.joining("."));
            String value = e instanceof InvalidFormatException invalid ? " '" + invalid.getValue() + "'" : "";
            return "field '" + path + "' has a wrong value" + value + ": expected "
                    + expected(mismatch.getTargetType());
        }
        return e.getOriginalMessage();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == java.time.LocalDate.class) {
            return "a date like 2025-05-22";
        }
        if (type == String.class) {
            return "a text";
        }
        return "a mapping";
    }
}
