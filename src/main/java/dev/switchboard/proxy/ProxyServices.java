package dev.switchboard.proxy;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.limits.KeyLimiter;
import dev.switchboard.limits.LimitsClock;
import dev.switchboard.observe.ProxyObservers;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.UpstreamTargets;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.routing.StickySessions;
import dev.switchboard.stats.SampleRecorder;
import dev.switchboard.stats.StatsSnapshot;
import dev.switchboard.usage.GenerationLog;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one proxied request needs from the application, gathered so that an exchange is a plain object. A singleton,
 * not a proxied bean: exchanges read its fields directly.
 */
@Singleton
public class ProxyServices {

    @Inject
    CatalogService catalog;

    @Inject
    StatsSnapshot stats;

    @Inject
    EndpointHealth health;

    @Inject
    ProviderAdapters adapters;

    @Inject
    UpstreamTargets targets;

    @Inject
    SampleRecorder samples;

    @Inject
    GenerationLog generations;

    @Inject
    ProxyConfig config;

    @Inject
    Vertx vertx;

    @Inject
    KeyLimiter limiter;

    @Inject
    LimitsClock limitsClock;

    @Inject
    ProxyObservers observers;

    @Inject
    StickySessions sticky;

    @Inject
    HedgePolicy hedging;

    /** False for warm-up calls ({@link ProxyWarmup}): they leave no samples and no generations. */
    boolean recording = true;

    /** The last target built per endpoint id, with the catalog endpoint it was built for. */
    private final ConcurrentHashMap<Long, CachedTarget> targetCache = new ConcurrentHashMap<>();

    private record CachedTarget(CatalogEndpoint endpoint, UpstreamTarget target) {
    }

    /**
     * The services for warm-up calls: the same adapters, config and event loops, but their own circuits, sticky
     * sessions and observers, nothing recorded, and fixed targets for the warm-up's own endpoints.
     */
    ProxyServices forWarmup(EndpointHealth health, StickySessions sticky, ProxyObservers observers,
                            Map<CatalogEndpoint, UpstreamTarget> fixedTargets) {
        ProxyServices copy = new ProxyServices();
        copy.catalog = catalog;
        copy.stats = stats;
        copy.health = health;
        copy.adapters = adapters;
        copy.targets = targets;
        copy.samples = samples;
        copy.generations = generations;
        copy.config = config;
        copy.vertx = vertx;
        copy.limiter = limiter;
        copy.limitsClock = limitsClock;
        copy.observers = observers;
        copy.sticky = sticky;
        copy.hedging = hedging;
        copy.recording = false;
        fixedTargets.forEach((endpoint, target) -> copy.targetCache.put(endpoint.id(),
                new CachedTarget(endpoint, target)));
        return copy;
    }

    /**
     * Where an attempt at this endpoint goes. Building a target reads nine {@code switchboard.provider.<slug>.*}
     * properties through SmallRye Config (about a tenth of the gateway's CPU per request when profiled), so the
     * target is kept per endpoint and reused while the catalog hands out the same endpoint object; a catalog reload
     * brings new endpoint objects and so new targets. Configuration does not change while the app runs.
     */
    UpstreamTarget target(CatalogEndpoint endpoint) {
        CachedTarget cached = targetCache.get(endpoint.id());
        if (cached != null && cached.endpoint() == endpoint) {
            return cached.target();
        }
        UpstreamTarget target = targets.forEndpoint(endpoint);
        targetCache.put(endpoint.id(), new CachedTarget(endpoint, target));
        return target;
    }
}
