package dev.switchboard.observe;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code switchboard.tracing.*} into the {@code quarkus.otel.*} settings the OpenTelemetry extension reads:
 * with an endpoint the SDK is enabled (application.properties keeps it disabled, so without one tracing costs
 * nothing: no tracer is installed at all). Its ordinal sits above application.properties and below the environment
 * and system properties, so an explicit {@code QUARKUS_OTEL_*} setting still wins.
 */
public class TracingConfigSource implements ConfigSourceFactory {

    static final String NAME = "switchboard-tracing";
    static final int ORDINAL = 260;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String endpoint = value(context, "switchboard.tracing.otlp-endpoint");
        if (endpoint == null) {
            return List.of();
        }
        Map<String, String> otel = new HashMap<>();
        otel.put("quarkus.otel.sdk.disabled", "false");
        otel.put("quarkus.otel.exporter.otlp.traces.endpoint", endpoint);
        String protocol = value(context, "switchboard.tracing.otlp-protocol");
        otel.put("quarkus.otel.exporter.otlp.traces.protocol", protocol == null ? "http/protobuf" : protocol);
        String ratio = value(context, "switchboard.tracing.sample-ratio");
        if (ratio != null) {
            otel.put("quarkus.otel.traces.sampler", "parentbased_traceidratio");
            otel.put("quarkus.otel.traces.sampler.arg", ratio);
        }
        return List.of(new PropertiesConfigSource(otel, NAME, ORDINAL));
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        String raw = value == null ? null : value.getValue();
        return raw == null || raw.isBlank() ? null : raw.trim();
    }
}
