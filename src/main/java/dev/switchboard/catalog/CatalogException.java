package dev.switchboard.catalog;

import java.util.List;

/** A catalog file that cannot be loaded. The message names each file, entry and problem, one per line. */
public class CatalogException extends RuntimeException {

    private final List<String> problems;

    public CatalogException(List<String> problems) {
        super("The model catalog cannot be loaded:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
