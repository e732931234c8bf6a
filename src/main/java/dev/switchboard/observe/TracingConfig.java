package dev.switchboard.observe;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * OpenTelemetry traces ({@code switchboard.tracing.*}): off unless an OTLP endpoint is given.
 * {@link TracingConfigSource} maps these onto the {@code quarkus.otel.*} settings before the SDK starts, so an
 * operator sets one line; every {@code quarkus.otel.*} setting still applies and wins when set explicitly.
 */
@ConfigMapping(prefix = "switchboard.tracing")
public interface TracingConfig {

    /** Where spans go, e.g. {@code http://collector:4318} (OTLP/HTTP) or {@code http://collector:4317} (gRPC). */
    Optional<String> otlpEndpoint();

    /** {@code http/protobuf} (the OTLP default, port 4318) or {@code grpc} (port 4317). */
    @WithDefault("http/protobuf")
    String otlpProtocol();

    /**
     * The share of new traces kept, 0 to 1. A request that arrives with a {@code traceparent} follows its caller's
     * decision instead, so a trace is never cut in half.
     */
    @WithDefault("1.0")
    double sampleRatio();
}
