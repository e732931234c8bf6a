package dev.switchboard.observe;

import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.Usage;
import dev.switchboard.stats.SampleOutcome;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static dev.switchboard.observe.SpanAttributes.*;

/**
 * The spans of one proxied request: the request's own (SERVER) and one CLIENT span per upstream attempt, its
 * child. Times come from the proxy's own readings, so the spans line up with the generation log. No prompt or
 * completion text, no header and no credential goes into an attribute. Called on the request's event loop only.
 */
final class RequestSpans implements RequestObservation {

    /** Bounds what a caller's model string may add to a span (it is free text). */
    private static final int MAX_MODEL_CHARS = 128;

    private final Tracer tracer;
    private final RequestStarted request;
    private final Span span;
    private final Context context;
    private Span attempt;

    RequestSpans(Tracer tracer, Context parent, RequestStarted request) {
        this.tracer = tracer;
        this.request = request;
        String model = request.model();
        SpanBuilder builder = tracer.spanBuilder(model == null ? "chat" : "chat " + model)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(epochNanos(request.startNanos()), TimeUnit.NANOSECONDS)
                .setAttribute(OPERATION, "chat")
                .setAttribute(PROTOCOL, request.protocol())
                .setAttribute(STREAM, request.stream());
        if (request.requestedModel() != null) {
            builder.setAttribute(REQUEST_MODEL, bounded(request.requestedModel()));
        }
        if (model != null) {
            builder.setAttribute(MODEL, model);
        }
        if (request.generationId() != null) {
            builder.setAttribute(GENERATION_ID, request.generationId());
        }
        if (request.keyId() != null) {
            builder.setAttribute(KEY_ID, request.keyId());
        }
        ChatRequest chat = request.chat();
        if (chat != null) {
            // the sampling parameters only: the messages are the caller's content and never go into a span
            if (chat.maxTokens() != null) {
                builder.setAttribute(REQUEST_MAX_TOKENS, chat.maxTokens().longValue());
            }
            if (chat.temperature() != null) {
                builder.setAttribute(REQUEST_TEMPERATURE, chat.temperature());
            }
            if (chat.topP() != null) {
                builder.setAttribute(REQUEST_TOP_P, chat.topP());
            }
        }
        this.span = builder.startSpan();
        this.context = parent.with(span);
    }

    @Override
    public void attemptStarted(AttemptStarted started) {
        String provider = started.provider();
        String providerName = providerName(provider);
        SpanBuilder builder = tracer.spanBuilder("chat " + started.endpoint().upstreamId())
                .setParent(context)
                .setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(epochNanos(started.sentNanos()), TimeUnit.NANOSECONDS)
                .setAttribute(OPERATION, "chat")
                .setAttribute(PROVIDER_NAME, providerName)
                .setAttribute(SYSTEM, providerName)
                .setAttribute(REQUEST_MODEL, started.endpoint().upstreamId())
                .setAttribute(PROVIDER, provider)
                .setAttribute(ENDPOINT, started.endpoint().slug())
                .setAttribute(MODEL, started.modelSlug())
                .setAttribute(ATTEMPT, (long) started.number())
                .setAttribute(FALLBACK_MODEL, started.fallbackModel())
                .setAttribute(PASS_THROUGH, started.passThrough());
        if (request.chat() != null && request.chat().maxTokens() != null) {
            builder.setAttribute(REQUEST_MAX_TOKENS, request.chat().maxTokens().longValue());
        }
        server(builder, started.baseUrl());
        attempt = builder.startSpan();
    }

    @Override
    public void propagate(AttemptStarted started, BiConsumer<String, String> header) {
        if (attempt != null) {
            // the trace context only: the caller's baggage is not the provider's business
            W3CTraceContextPropagator.getInstance().inject(context.with(attempt), header, BiConsumer::accept);
        }
    }

    @Override
    public void firstToken(AttemptStarted started, long nanos) {
        if (attempt != null) {
            attempt.addEvent("gen_ai.first_token", epochNanos(nanos), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void attemptFinished(AttemptFinished finished) {
        Span span = attempt;
        if (span == null) {
            return;
        }
        attempt = null;
        span.setAttribute(RESPONSE_MODEL, finished.attempt().endpoint().upstreamId());
        span.setAttribute(OUTCOME, finished.outcome().id());
        if (finished.httpStatus() != null) {
            span.setAttribute(HTTP_STATUS, finished.httpStatus().longValue());
        }
        if (finished.ttftMs() != null) {
            span.setAttribute(TTFT_MS, finished.ttftMs().longValue());
        }
        usage(span, finished.usage());
        SampleOutcome outcome = finished.outcome();
        if (outcome != SampleOutcome.OK && outcome != SampleOutcome.CANCELLED) {
            span.setAttribute(ERROR_TYPE, outcome.id());
            span.setStatus(StatusCode.ERROR, finished.error() == null ? outcome.id() : finished.error().getMessage());
        }
        span.end(epochNanos(finished.endNanos()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void requestFinished(RequestFinished finished) {
        span.setAttribute(HTTP_STATUS, (long) finished.httpStatus());
        span.setAttribute(OUTCOME, finished.outcome().id());
        span.setAttribute(ATTEMPTS, (long) finished.attempts());
        span.setAttribute(FAILOVER, finished.attempts() > 1);
        if (request.generationId() != null) {
            span.setAttribute(RESPONSE_ID, request.generationId());
        }
        AttemptFinished served = finished.served();
        if (served != null) {
            String provider = served.attempt().provider();
            span.setAttribute(PROVIDER, provider);
            span.setAttribute(PROVIDER_NAME, providerName(provider));
            span.setAttribute(SYSTEM, providerName(provider));
            span.setAttribute(ENDPOINT, served.attempt().endpoint().slug());
            span.setAttribute(RESPONSE_MODEL, served.attempt().modelSlug());
            if (served.ttftMs() != null) {
                span.setAttribute(TTFT_MS, served.ttftMs().longValue());
            }
        }
        usage(span, finished.usage());
        if (finished.cost() != null) {
            span.setAttribute(COST_USD, finished.cost().doubleValue());
        }
        if (finished.finishReason() != null) {
            span.setAttribute(RESPONSE_FINISH_REASONS, List.of(finished.finishReason().name().toLowerCase(Locale.ROOT)));
        }
        if (finished.outcome() != RequestOutcome.SUCCESS && finished.outcome() != RequestOutcome.CANCELLED) {
            span.setAttribute(ERROR_TYPE, finished.outcome().id());
            span.setStatus(StatusCode.ERROR, finished.error() == null ? finished.outcome().id()
                    : finished.error().message());
        }
        span.end(epochNanos(finished.endNanos()), TimeUnit.NANOSECONDS);
    }

    private static void usage(Span span, Usage usage) {
        if (usage != null && usage != Usage.NONE) {
            span.setAttribute(INPUT_TOKENS, (long) usage.inputTokens());
            span.setAttribute(OUTPUT_TOKENS, (long) usage.outputTokens());
        }
    }

    /** server.address and server.port from the provider's base URL, when it has one of its own. */
    private static void server(SpanBuilder builder, String baseUrl) {
        if (baseUrl == null) {
            return;
        }
        try {
            URI uri = URI.create(baseUrl);
            if (uri.getHost() == null) {
                return;
            }
            builder.setAttribute(SERVER_ADDRESS, uri.getHost());
            int port = uri.getPort() >= 0 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
            builder.setAttribute(SERVER_PORT, (long) port);
        } catch (IllegalArgumentException e) {
            // an unparseable base URL fails the call itself; the span just goes without the address
        }
    }

    private long epochNanos(long nanoTime) {
        return TimeUnit.MILLISECONDS.toNanos(request.startEpochMillis()) + (nanoTime - request.startNanos());
    }

    private static String bounded(String text) {
        return text.length() <= MAX_MODEL_CHARS ? text : text.substring(0, MAX_MODEL_CHARS);
    }
}
