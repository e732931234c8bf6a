package dev.switchboard.observe;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/**
 * Traces of proxied requests: a SERVER span per request (a child of the caller's {@code traceparent} when it sent
 * one) with a CLIENT span per upstream attempt, named and attributed after the GenAI semantic conventions
 * ({@link RequestSpans}). With the OpenTelemetry SDK disabled (no {@code switchboard.tracing.otlp-endpoint}) it
 * follows no request and touches no OpenTelemetry object.
 */
@Singleton
public class ProxyTracer implements ProxyObserver {

    static final String INSTRUMENTATION = "dev.switchboard.proxy";

    private static final TextMapGetter<CallerTrace> CALLER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(CallerTrace carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(CallerTrace carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return switch (key) {
                case "traceparent" -> carrier.traceparent();
                case "tracestate" -> carrier.tracestate();
                default -> null;
            };
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    @Inject
    public ProxyTracer(@ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true") boolean disabled,
                       Instance<OpenTelemetry> openTelemetry) {
        if (disabled) {
            tracer = null;
            propagator = null;
        } else {
            OpenTelemetry otel = openTelemetry.get();
            tracer = otel.getTracer(INSTRUMENTATION);
            propagator = otel.getPropagators().getTextMapPropagator();
        }
    }

    @Override
    public RequestObservation onRequest(RequestStarted request) {
        if (tracer == null) {
            return RequestObservation.NONE;
        }
        Context parent = propagator.extract(Context.root(), request.trace(), CALLER);
        return new RequestSpans(tracer, parent, request);
    }
}
