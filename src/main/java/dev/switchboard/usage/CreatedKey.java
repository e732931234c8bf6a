package dev.switchboard.usage;

/**
 * A key just created. {@code key} is the only time the key exists in clear outside its holder: show it once, never
 * log or store it. {@link #toString} leaves it out so that it cannot reach a log by accident.
 */
public record CreatedKey(ApiKeyView view, String key) {

    @Override
    public String toString() {
        return "CreatedKey[" + view + "]";
    }
}
