package dev.switchboard.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The profiles in force, changed at run time through the control API. The JSON and YAML form, in files and on the
 * control API alike, is a map from model id to profile where the key {@code "*"} is the default profile; a profile
 * given with some fields takes the others from the default profile in force.
 */
public final class SimProfiles {

    /** The key of the default profile in files and on the control API. */
    public static final String DEFAULT_KEY = "*";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** An immutable view: the default profile and the per-model ones. */
    public record Snapshot(SimProfile defaultProfile, Map<String, SimProfile> models) {
        public Snapshot {
            models = Map.copyOf(models);
        }
    }

    private final Snapshot initial;
    private volatile Snapshot current;

    SimProfiles(SimProfile defaultProfile, Map<String, SimProfile> models) {
        this.initial = new Snapshot(defaultProfile, models);
        this.current = initial;
    }

    public SimProfile forModel(String model) {
        Snapshot s = current;
        return s.models().getOrDefault(model, s.defaultProfile());
    }

    public Snapshot snapshot() {
        return current;
    }

    /** Sets one model's profile, or the default one for {@value #DEFAULT_KEY}. */
    public synchronized void put(String model, SimProfile profile) {
        Snapshot s = current;
        if (DEFAULT_KEY.equals(model)) {
            current = new Snapshot(profile, s.models());
        } else {
            Map<String, SimProfile> models = new LinkedHashMap<>(s.models());
            models.put(model, profile);
            current = new Snapshot(s.defaultProfile(), models);
        }
    }

    /** Sets a profile from JSON whose missing fields come from the default profile in force. */
    public synchronized SimProfile putJson(String model, JsonNode fields) {
        SimProfile profile = merge(current.defaultProfile(), fields);
        put(model, profile);
        return profile;
    }

    public synchronized boolean remove(String model) {
        Snapshot s = current;
        if (!s.models().containsKey(model)) {
            return false;
        }
        Map<String, SimProfile> models = new LinkedHashMap<>(s.models());
        models.remove(model);
        current = new Snapshot(s.defaultProfile(), models);
        return true;
    }

    /** Back to the profiles the server started with. */
    public void reset() {
        current = initial;
    }

    public ObjectNode toJson() {
        Snapshot s = current;
        ObjectNode root = JSON.createObjectNode();
        root.set(DEFAULT_KEY, JSON.valueToTree(s.defaultProfile()));
        new TreeMap<>(s.models()).forEach((model, profile) -> root.set(model, JSON.valueToTree(profile)));
        return root;
    }

    /** Reads a profiles file, YAML or JSON (JSON is YAML), over the given base default profile. */
    public static Snapshot read(Path file, SimProfile base) throws IOException {
        JsonNode root = YAML.readTree(Files.readString(file));
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new Snapshot(base, Map.of());
        }
        try {
            return parse(root, base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** A map of model id to profile fields; {@value #DEFAULT_KEY} first, the others over it. */
    public static Snapshot parse(JsonNode root, SimProfile base) {
        if (!root.isObject()) {
            throw new IllegalArgumentException("profiles must be a map of model id to profile");
        }
        SimProfile defaultProfile = root.has(DEFAULT_KEY) ? merge(base, root.get(DEFAULT_KEY)) : base;
        Map<String, SimProfile> models = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals(DEFAULT_KEY)) {
                try {
                    models.put(e.getKey(), merge(defaultProfile, e.getValue()));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("profile '" + e.getKey() + "': " + ex.getMessage(), ex);
                }
            }
        }
        return new Snapshot(defaultProfile, models);
    }

    /** The base profile with the given fields replaced; unknown fields and invalid values are refused. */
    public static SimProfile merge(SimProfile base, JsonNode fields) {
        if (fields == null || fields.isNull()) {
            return base;
        }
        if (!fields.isObject()) {
            throw new IllegalArgumentException("a profile must be a JSON object");
        }
        ObjectNode merged = JSON.valueToTree(base);
        for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!merged.has(e.getKey())) {
                throw new IllegalArgumentException("unknown profile field '" + e.getKey() + "'; known fields: "
                        + String.join(", ", (Iterable<String>) merged::fieldNames));
            }
            if (!e.getValue().isNumber()) {
                throw new IllegalArgumentException("profile field '" + e.getKey() + "' must be a number");
            }
            merged.set(e.getKey(), e.getValue());
        }
        try {
            return JSON.treeToValue(merged, SimProfile.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException(cause instanceof IllegalArgumentException
                    ? cause.getMessage() : e.getOriginalMessage(), e);
        }
    }
}
