package dev.switchboard.web;

import dev.switchboard.catalog.Capability;
import dev.switchboard.catalog.CatalogModel;

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

    public boolean isWeek() {
        return "7d".equals(window);
    }
}
