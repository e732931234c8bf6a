package dev.switchboard.web;

import java.util.Arrays;
import java.util.Optional;

/** The orders the Models page offers. Stats-based orders put models without data last. */
public enum ModelSort {
    NEWEST("newest", "Newest"),
    NAME("name", "Name"),
    PRICE("price", "Price: low to high"),
    CONTEXT("context", "Context: high to low"),
    LATENCY("latency", "Latency: fastest first"),
    THROUGHPUT("throughput", "Throughput: highest first"),
    UPTIME("uptime", "Uptime: highest first");

    private final String id;
    private final String label;

    ModelSort(String id, String label) {
        this.id = id;
        this.label = label;
    }

    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    public static Optional<ModelSort> fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }
}
