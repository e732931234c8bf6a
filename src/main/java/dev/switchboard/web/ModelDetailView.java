package dev.switchboard.web;

import dev.switchboard.catalog.Capability;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.routing.RoutePlanner;

import java.util.List;

/** The model detail page: the model, its providers side by side, and the charts of the chosen window. */
public record ModelDetailView(CatalogModel model, List<ProviderColumn> providers, String window, ModelCharts charts) {

    public List<Capability> capabilities() {
        return model.capabilities().stream().sorted().toList();
    }

    /** "text, image → text" */
    public String modalities() {
        return String.join(", ", model.inputModalities()) + " → " + String.join(", ", model.outputModalities());
    }

    /**
     * An embedding model: no output tokens, so no output or cache prices, max output, TTFT or speed to show; its
     * calls still have uptime and tokens.
     */
    public boolean embeddings() {
        return model.outputModalities().contains(RoutePlanner.EMBEDDINGS);
    }

    public boolean isWeek() {
        return "7d".equals(window);
    }
}
