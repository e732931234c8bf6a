package dev.switchboard.web;

import dev.switchboard.catalog.Capability;

import java.util.List;

/** Everything the Models page shows: the filter as asked, its options, and one page of results. */
public record ModelsView(
        ModelsFilter filter,
        ModelSearch.Result result,
        List<Option> providers,
        List<Option> vendors,
        List<Option> inputModalities,
        List<Option> outputModalities,
        List<Option> capabilities,
        List<Option> sorts,
        List<Option> contextOptions,
        int catalogSize,
        boolean demo) {

    /** A choice in the filter panel: its value, label, how many models of the catalog have it, and whether it is on. */
    public record Option(String value, String label, int count, boolean selected) {
    }

    /** The link to another page of the same view. */
    public String pageLink(int page) {
        String q = filter.queryString(page);
        return q.isEmpty() ? "/models" : "/models?" + q;
    }

    public boolean hasPrevious() {
        return result.page() > 1;
    }

    public boolean hasNext() {
        return result.page() < result.pages();
    }

    public int firstShown() {
        return result.total() == 0 ? 0 : (result.page() - 1) * ModelsFilter.PAGE_SIZE + 1;
    }

    public int lastShown() {
        return firstShown() == 0 ? 0 : firstShown() + result.rows().size() - 1;
    }

    public List<Capability> allCapabilities() {
        return List.of(Capability.values());
    }
}
