package dev.switchboard.providers;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.EnumMap;
import java.util.Map;

/** The adapter of each wire kind: routing and the prober pick one by the endpoint's provider kind. */
@ApplicationScoped
public class ProviderAdapters {

    private final Map<ProviderKind, ProviderAdapter> byKind = new EnumMap<>(ProviderKind.class);

    @Inject
    public ProviderAdapters(@Any Instance<ProviderAdapter> adapters) {
        for (ProviderAdapter adapter : adapters) {
            ProviderAdapter previous = byKind.put(adapter.kind(), adapter);
            if (previous != null) {
                throw new IllegalStateException("Two adapters for " + adapter.kind() + ": "
                        + previous.getClass().getSimpleName() + " and " + adapter.getClass().getSimpleName());
            }
        }
    }

    /** The adapter for a kind; a kind without one is a build defect, not a runtime condition. */
    public ProviderAdapter forKind(ProviderKind kind) {
        ProviderAdapter adapter = byKind.get(kind);
        if (adapter == null) {
            throw new IllegalStateException("No adapter for provider kind " + kind.id());
        }
        return adapter;
    }

    public boolean supports(ProviderKind kind) {
        return byKind.containsKey(kind);
    }
}
