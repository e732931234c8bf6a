package dev.switchboard.observe;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How tracing is switched: switchboard.tracing.* becomes quarkus.otel.* over the defaults application.properties
 * sets, and with the SDK disabled the proxy's tracer follows no request.
 */
class TracingConfigSourceTest {

    private static final Map<String, String> APPLICATION = Map.of("quarkus.otel.sdk.disabled", "true");

    @Test
    void withoutAnEndpointTheSdkStaysDisabled() {
        SmallRyeConfig config = config(Map.of());
        assertThat(config.getValue("quarkus.otel.sdk.disabled", Boolean.class)).isTrue();
        assertThat(config.getOptionalValue("quarkus.otel.exporter.otlp.traces.endpoint", String.class)).isEmpty();
        assertThat(config(Map.of("switchboard.tracing.otlp-endpoint", " ")).getValue("quarkus.otel.sdk.disabled",
                Boolean.class)).as("a blank endpoint is none").isTrue();
    }

    @Test
    void anEndpointEnablesTheSdkAndExportsThere() {
        SmallRyeConfig config = config(Map.of("switchboard.tracing.otlp-endpoint", "http://collector:4318"));
        assertThat(config.getValue("quarkus.otel.sdk.disabled", Boolean.class)).isFalse();
        assertThat(config.getValue("quarkus.otel.exporter.otlp.traces.endpoint", String.class))
                .isEqualTo("http://collector:4318");
        assertThat(config.getValue("quarkus.otel.exporter.otlp.traces.protocol", String.class))
                .isEqualTo("http/protobuf");
        assertThat(config.getOptionalValue("quarkus.otel.traces.sampler", String.class))
                .as("the extension's parent-based always-on sampler").isEmpty();
    }

    @Test
    void protocolAndSampleRatioAreMapped() {
        SmallRyeConfig config = config(Map.of("switchboard.tracing.otlp-endpoint", "http://collector:4317",
                "switchboard.tracing.otlp-protocol", "grpc", "switchboard.tracing.sample-ratio", "0.25"));
        assertThat(config.getValue("quarkus.otel.exporter.otlp.traces.protocol", String.class)).isEqualTo("grpc");
        assertThat(config.getValue("quarkus.otel.traces.sampler", String.class))
                .isEqualTo("parentbased_traceidratio");
        assertThat(config.getValue("quarkus.otel.traces.sampler.arg", String.class)).isEqualTo("0.25");
    }

    @Test
    void anExplicitQuarkusSettingStillWins() {
        Map<String, String> environment = Map.of("quarkus.otel.sdk.disabled", "true");
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(APPLICATION, "application", 250))
                .withSources(new PropertiesConfigSource(Map.of("switchboard.tracing.otlp-endpoint",
                        "http://collector:4318"), "operator", 250))
                .withSources(new PropertiesConfigSource(environment, "environment", 300))
                .withSources(new TracingConfigSource())
                .build();
        assertThat(config.getValue("quarkus.otel.sdk.disabled", Boolean.class)).isTrue();
    }

    @Test
    void withTheSdkDisabledTheTracerFollowsNoRequest() {
        // disabled, it must not even look the OpenTelemetry bean up (null here would throw)
        ProxyTracer tracer = new ProxyTracer(true, null);
        RequestStarted request = new RequestStarted("gen-1", "openai", false, "a/b", "a/b", "master", 1, 1, null,
                new CallerTrace("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null));
        assertThat(tracer.onRequest(request)).isSameAs(RequestObservation.NONE);
    }

    private static SmallRyeConfig config(Map<String, String> operator) {
        Map<String, String> all = new HashMap<>(APPLICATION);
        all.putAll(operator);
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(all, "application", 250))
                .withSources(new TracingConfigSource())
                .build();
    }
}
