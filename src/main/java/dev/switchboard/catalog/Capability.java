package dev.switchboard.catalog;

import java.util.Arrays;
import java.util.Optional;

/** What a model can do, as filtered on in the portal. */
public enum Capability {
    TOOLS("tools", "Tools"),
    VISION("vision", "Vision"),
    REASONING("reasoning", "Reasoning"),
    STRUCTURED_OUTPUT("structured_output", "Structured output"),
    PROMPT_CACHING("prompt_caching", "Prompt caching");

    private final String id;
    private final String label;

    Capability(String id, String label) {
        this.id = id;
        this.label = label;
    }

    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    public static Optional<Capability> fromId(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }
}
