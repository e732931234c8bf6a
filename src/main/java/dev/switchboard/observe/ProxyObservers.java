package dev.switchboard.observe;

import dev.switchboard.api.ProxyError;
import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogModel;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every {@link ProxyObserver} bean, gathered once, and what the proxy calls to open a request's observation. With
 * no observer (or none interested in a request) a request costs one check of {@link #any()}.
 */
@Singleton
public class ProxyObservers {

    private final ProxyObserver[] observers;

    @Inject
    public ProxyObservers(@Any Instance<ProxyObserver> found) {
        this(found.stream().toList());
    }

    public ProxyObservers(List<ProxyObserver> observers) {
        this.observers = observers.toArray(ProxyObserver[]::new);
    }

    /** False when nobody listens: the proxy then builds no event at all. */
    public boolean any() {
        return observers.length > 0;
    }

    /** The observation of one request by every interested observer; {@link RequestObservation#NONE} if none is. */
    public RequestObservation open(RequestStarted request) {
        List<RequestObservation> interested = null;
        for (ProxyObserver observer : observers) {
            RequestObservation o = GuardedObservation.open(observer, request);
            if (o != RequestObservation.NONE) {
                if (interested == null) {
                    interested = new ArrayList<>(observers.length);
                }
                interested.add(o);
            }
        }
        if (interested == null) {
            return RequestObservation.NONE;
        }
        return new GuardedObservation(interested.toArray(RequestObservation[]::new));
    }

    /** A request the gateway answered itself before any attempt (bad key, bad body, unknown model, key limits). */
    public void refused(RequestStarted request, ProxyError error) {
        if (any()) {
            open(request).requestFinished(RequestFinished.refused(request, error, System.nanoTime()));
        }
    }

    /**
     * The catalog slug a caller's model string names (directly, by alias, or with a {@code :provider} or variant
     * suffix), or null: what observers may use where free text must not go, as metric labels.
     */
    public static String catalogModel(Catalog catalog, String requested) {
        if (requested == null || requested.isEmpty()) {
            return null;
        }
        Optional<CatalogModel> direct = catalog.model(requested);
        if (direct.isPresent()) {
            return direct.get().slug();
        }
        int colon = requested.lastIndexOf(':');
        return colon > 0 ? catalog.model(requested.substring(0, colon)).map(CatalogModel::slug).orElse(null) : null;
    }
}
