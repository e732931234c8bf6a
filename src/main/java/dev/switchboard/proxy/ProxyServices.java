package dev.switchboard.proxy;

import dev.switchboard.catalog.CatalogService;
import dev.switchboard.providers.ProviderAdapters;
import dev.switchboard.providers.UpstreamTargets;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.stats.SampleRecorder;
import dev.switchboard.stats.StatsSnapshot;
import dev.switchboard.usage.GenerationLog;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

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
}
