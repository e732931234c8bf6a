package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyException;
import dev.switchboard.api.RoutingExtensions;
import dev.switchboard.api.Served;
import dev.switchboard.api.openai.EmbeddingsEncoder;
import dev.switchboard.api.openai.EmbeddingsIngress;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.limits.KeyLimiter;
import dev.switchboard.llm.EmbeddingRequest;
import dev.switchboard.llm.EmbeddingResponse;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import dev.switchboard.observe.AttemptFinished;
import dev.switchboard.observe.AttemptStarted;
import dev.switchboard.observe.ProxyObservers;
import dev.switchboard.observe.RequestFinished;
import dev.switchboard.observe.RequestObservation;
import dev.switchboard.observe.RequestOutcome;
import dev.switchboard.observe.RequestStarted;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.routing.AttemptFailure;
import dev.switchboard.routing.Candidate;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.routing.FailoverOutcome;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.RoutePlanner;
import dev.switchboard.routing.RoutingRequest;
import dev.switchboard.stats.CallMeasurement;
import dev.switchboard.stats.Sample;
import dev.switchboard.stats.SampleOutcome;
import dev.switchboard.usage.AttemptRecord;
import dev.switchboard.usage.Cost;
import dev.switchboard.usage.GenerationRecord;
import dev.switchboard.usage.GatewayKey;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * {@code POST /v1/embeddings}: OpenAI's embeddings request, routed like a chat request (model, {@code :provider} pin,
 * the {@code provider} options, {@code models} fallbacks) over embedding models only, with fail-over across the plan's
 * candidates on the errors chat fails over on, each attempt a traffic sample and a health verdict. Endpoints whose
 * provider kind has no embeddings API here, and with {@code dimensions} those whose catalog entry does not list it,
 * are passed over and named in the error if nothing is left. The answer is OpenAI's list of vectors, in base64 when
 * the caller asked (encoded by the gateway whatever the upstream sent), with {@code provider}, {@code usage.cost} and
 * the served-by headers; the call is a generation (protocol {@value #PROTOCOL}, input tokens only, priced at the
 * endpoint's input price) against the key's limits. Observers (metrics, traces, the request log) see it as they see a
 * chat call, under protocol {@value #PROTOCOL} and without content. There is no stream, so no keep-alive, hedging or
 * continuation.
 */
final class EmbeddingsCall implements ProxyRoutes.BodyCall {

    static final String PROTOCOL = "embeddings";
    /** The catalog's name, in an endpoint's {@code supported_parameters}, for "shortens vectors to dimensions". */
    static final String DIMENSIONS = "dimensions";

    private final ProxyServices services;
    private final ClientDialect dialect;

    /** @param dialect the OpenAI dialect: its errors are the caller's */
    EmbeddingsCall(ProxyServices services, ClientDialect dialect) {
        this.services = services;
        this.dialect = dialect;
    }

    @Override
    public void handle(RoutingContext ctx, ObjectNode body, GatewayKey key, long receivedNanos) {
        RoutingRequest routing = RoutingExtensions.parse(body);
        EmbeddingRequest request = EmbeddingsIngress.parse(body);
        RoutePlan plan = new RoutePlanner(services.catalog.current(), services.stats::forEndpoint, services.health)
                .planEmbeddings(routing);
        List<AttemptFailure> passedOver = new ArrayList<>();
        List<Candidate> candidates = capable(plan, request, passedOver);
        Context context = Vertx.currentContext();
        Call call = new Call(ctx, RequestContexts.executor(context), request, routing.model(), plan, candidates,
                passedOver, key == null ? null : key.id(), receivedNanos);
        call.observe(ctx);
        KeyAdmission.admit(services, ctx, dialect, key, services.limiter.estimate(request.chars(), 0),
                KeyAdmission.answering(ctx, dialect, "an embeddings call"), call::start);
    }

    /**
     * The plan's candidates that can serve this request; the others go to {@code passedOver} with the reason. With
     * {@code dimensions} and no candidate listing it, the request is the caller's to change: a 400.
     */
    private List<Candidate> capable(RoutePlan plan, EmbeddingRequest request, List<AttemptFailure> passedOver) {
        List<Candidate> capable = new ArrayList<>();
        boolean anyDimensions = false;
        for (Candidate candidate : plan.candidates()) {
            CatalogEndpoint endpoint = candidate.endpoint();
            String kind = endpoint.provider().kind().id();
            if (!services.adapters.supports(endpoint.provider().kind())
                    || !services.adapters.forKind(endpoint.provider().kind()).embeds()) {
                passedOver.add(AttemptFailure.skipped(endpoint.slug(), endpoint.provider().slug(), "its provider kind ("
                        + kind + ") has no embeddings API in this gateway", null));
            } else if (request.dimensions() != null && !endpoint.supports(DIMENSIONS)) {
                passedOver.add(AttemptFailure.skipped(endpoint.slug(), endpoint.provider().slug(),
                        "it does not take dimensions", null));
            } else {
                capable.add(candidate);
            }
            anyDimensions |= endpoint.supports(DIMENSIONS);
        }
        if (request.dimensions() != null && !anyDimensions) {
            throw ProxyException.invalid(plan.requestedModel() + " cannot shorten its vectors: no provider of it "
                    + "takes dimensions (its catalog entry does not list the parameter). Leave dimensions out to get "
                    + "the model's own length.", DIMENSIONS);
        }
        return capable;
    }

    /** One embeddings call from its first attempt to its answer, on the request's context. */
    private final class Call {
        final RoutingContext ctx;
        final HttpServerResponse response;
        final Executor onContext;
        final EmbeddingRequest request;
        final String requestedModel;
        final RoutePlan plan;
        final List<Candidate> candidates;
        final List<AttemptFailure> failures;
        final String keyId;
        final long startNanos;
        final Instant createdAt = Instant.now();
        final String generationId = ProxyRoutes.generationId();
        final List<AttemptRecord> attempts = new ArrayList<>();
        final CallOptions options;
        KeyLimiter.Charge charge;
        /** Who follows this call; {@link RequestObservation#NONE} when nobody does. */
        RequestStarted started;
        RequestObservation observation = RequestObservation.NONE;
        AttemptStarted attemptStarted;
        AttemptFinished lastFailed;
        AttemptFinished servedEnded;
        long upstreamNanos;
        int attemptsMade;
        boolean finished;
        /** The attempt under way: its endpoint, when it went out, and its upstream call to cancel. */
        Candidate current;
        long sentNanos;
        Instant sentAt;
        Cancellable upstream;

        Call(RoutingContext ctx, Executor onContext, EmbeddingRequest request, String requestedModel, RoutePlan plan,
             List<Candidate> candidates, List<AttemptFailure> passedOver, String keyId, long startNanos) {
            this.ctx = ctx;
            this.response = ctx.response();
            this.onContext = onContext;
            this.request = request;
            this.requestedModel = requestedModel;
            this.plan = plan;
            this.candidates = candidates;
            this.failures = new ArrayList<>(passedOver);
            this.keyId = keyId;
            this.startNanos = startNanos;
            ProxyConfig config = services.config;
            this.options = new CallOptions(config.connectTimeout(), config.firstTokenTimeout(), config.idleTimeout(),
                    config.totalTimeout());
        }

        void observe(RoutingContext ctx) {
            ProxyObservers observers = services.observers;
            if (!observers.any()) {
                return;
            }
            started = new RequestStarted(generationId, PROTOCOL, false, requestedModel,
                    ProxyObservers.catalogModel(services.catalog.current(), requestedModel), keyId, startNanos,
                    createdAt.toEpochMilli(), null, ProxyRoutes.callerTrace(observers, ctx));
            observation = observers.open(started);
        }

        void start(KeyLimiter.Charge charge) {
            this.charge = charge;
            response.closeHandler(v -> onContext.execute(this::clientGone));
            next(0);
        }

        /** The first candidate from {@code index} on that its circuit lets through goes out; none left ends it. */
        void next(int index) {
            if (finished) {
                return;
            }
            EndpointHealth health = services.health;
            while (index < candidates.size() && attemptsMade < services.config.maxAttempts()) {
                CatalogEndpoint endpoint = candidates.get(index).endpoint();
                if (health.tryAcquire(endpoint.id())) {
                    send(index);
                    return;
                }
                Duration wait = availableIn(endpoint);
                failures.add(health.state(endpoint.id()) == EndpointHealth.State.COOLING_DOWN
                        ? AttemptFailure.coolingDown(endpoint.slug(), endpoint.provider().slug(), wait)
                        : AttemptFailure.skipped(endpoint.slug(), endpoint.provider().slug(),
                        "its circuit is open after repeated failures", wait));
                index++;
            }
            failAll();
        }

        void send(int index) {
            Candidate candidate = candidates.get(index);
            CatalogEndpoint endpoint = candidate.endpoint();
            attemptsMade++;
            current = candidate;
            sentNanos = System.nanoTime();
            sentAt = Instant.now();
            ProviderAdapter adapter;
            UpstreamTarget target;
            try {
                adapter = services.adapters.forKind(endpoint.provider().kind());
                target = services.target(endpoint);
            } catch (RuntimeException e) {
                Log.warnf("No way to call %s: %s", endpoint.slug(), e.getMessage());
                failed(index, UpstreamError.of(UpstreamErrorKind.CONNECTION,
                        "the gateway has no way to call this provider (" + e.getMessage() + ")"));
                return;
            }
            upstream = adapter.embed(target, request.withModel(endpoint.upstreamId()), begin(candidate, target))
                    .emitOn(onContext)
                    .subscribe().with(answer -> answered(index, answer), failure -> failed(index,
                            failure instanceof UpstreamError e ? e : UpstreamHttp.classify(failure)));
        }

        /** Tells observers the attempt goes out, and returns its call options with the headers they add (a trace). */
        CallOptions begin(Candidate candidate, UpstreamTarget target) {
            if (observation == RequestObservation.NONE) {
                return options;
            }
            attemptStarted = new AttemptStarted(started, attemptsMade, candidate.endpoint(), candidate.modelSlug(),
                    candidate.fallbackModel(), false, sentNanos, target.baseUrl());
            if (lastFailed != null) {
                observation.failover(lastFailed, attemptStarted);
                lastFailed = null;
            }
            observation.attemptStarted(attemptStarted);
            Map<String, String> headers = new HashMap<>(4);
            observation.propagate(attemptStarted, headers::put);
            return headers.isEmpty() ? options : options.withTraceHeaders(headers);
        }

        void answered(int index, EmbeddingResponse answer) {
            if (finished) {
                return;
            }
            Candidate candidate = candidates.get(index);
            CatalogEndpoint endpoint = candidate.endpoint();
            if (answer.vectors().size() != request.size()) {
                // the caller must never get vectors out of step with its inputs, whatever an adapter let through
                failed(index, UpstreamError.of(UpstreamErrorKind.MALFORMED_RESPONSE, "the provider answered "
                        + answer.vectors().size() + " vectors for " + request.size() + " inputs"));
                return;
            }
            finished = true;
            Usage usage = answer.usage();
            BigDecimal cost = Cost.of(endpoint.pricing(), usage);
            ended(candidate, null, usage, cost);
            Served served = new Served(generationId, candidate.modelSlug(), endpoint.provider().slug(),
                    createdAt.getEpochSecond(), cost);
            byte[] body = EmbeddingsEncoder.encode(answer, request.base64(), served);
            response.setStatusCode(200);
            response.putHeader("x-switchboard-generation-id", generationId);
            response.putHeader("x-switchboard-provider", endpoint.provider().slug());
            response.putHeader("x-switchboard-model", candidate.modelSlug());
            response.putHeader("content-type", "application/json");
            response.end(Buffer.buffer(body));
            logGeneration(candidate, GenerationRecord.OK, 200, usage, cost, RequestOutcome.SUCCESS, null);
        }

        void failed(int index, UpstreamError error) {
            if (finished) {
                return;
            }
            Candidate candidate = candidates.get(index);
            CatalogEndpoint endpoint = candidate.endpoint();
            ended(candidate, error, null, null);
            failures.add(AttemptFailure.failed(endpoint.slug(), endpoint.provider().slug(), error,
                    error.kind() == UpstreamErrorKind.RATE_LIMITED ? availableIn(endpoint) : null));
            if (FailoverOutcome.tryNext(error)) {
                next(index + 1);
            } else {
                failAll();
            }
        }

        void failAll() {
            if (finished) {
                return;
            }
            finished = true;
            FailoverOutcome outcome = FailoverOutcome.of(plan, failures);
            ProxyError error = outcome.error();
            ProxyResponses.error(response, dialect, error, outcome.retryAfter(), generationId);
            logGeneration(null, GenerationRecord.ERROR, error.status(), null, null, RequestOutcome.of(error.type()),
                    error);
        }

        void clientGone() {
            if (finished) {
                return;
            }
            finished = true;
            Candidate candidate = current;
            if (candidate != null) {
                if (upstream != null) {
                    upstream.cancel();
                }
                ended(candidate, UpstreamError.of(UpstreamErrorKind.CANCELLED, "the caller went away"), null, null);
            }
            logGeneration(candidate, GenerationRecord.CANCELLED, 499, null, null, RequestOutcome.CANCELLED, null);
        }

        /** The attempt's sample, health verdict and line in the generation. */
        void ended(Candidate candidate, UpstreamError error, Usage usage, BigDecimal cost) {
            CatalogEndpoint endpoint = candidate.endpoint();
            long now = System.nanoTime();
            int latencyMs = millis(now - sentNanos);
            SampleOutcome outcome = error == null ? SampleOutcome.OK : CallMeasurement.trafficOutcomeOf(error, false);
            Integer status = error == null ? Integer.valueOf(200) : error.httpStatus();
            // no first token and no decoding: an embeddings call has a latency, never a TTFT or a speed
            services.samples.record(new Sample(endpoint.id(), sentAt, Sample.Source.TRAFFIC, outcome, status, null,
                    latencyMs, usage == null ? null : usage.inputTokens(), usage == null ? null : 0, null, null));
            if (error == null) {
                services.health.onSuccess(endpoint.id());
            } else if (error.kind() == UpstreamErrorKind.CANCELLED) {
                services.health.release(endpoint.id());
            } else {
                services.health.onFailure(endpoint.id(), error.kind(), error.retryAfter());
            }
            upstreamNanos += now - sentNanos;
            if (attemptStarted != null) {
                AttemptFinished finished = new AttemptFinished(attemptStarted, outcome, status, error, null, now, usage);
                observation.attemptFinished(finished);
                if (error == null) {
                    servedEnded = finished;
                } else {
                    lastFailed = finished;
                }
                attemptStarted = null;
            }
            attempts.add(new AttemptRecord(endpoint.provider().slug(), endpoint.id(), candidate.modelSlug(),
                    endpoint.upstreamId(), outcome.id(), status,
                    error == null ? null : error.kind().name().toLowerCase(Locale.ROOT),
                    error == null ? null : error.getMessage(), millis(sentNanos - startNanos), null, latencyMs,
                    false, false, cost));
        }

        void logGeneration(Candidate served, String status, int httpStatus, Usage usage, BigDecimal cost,
                           RequestOutcome outcome, ProxyError error) {
            CatalogEndpoint endpoint = served == null ? null : served.endpoint();
            long end = System.nanoTime();
            GenerationRecord record = new GenerationRecord(generationId, createdAt, keyId, requestedModel,
                    served == null ? null : served.modelSlug(), endpoint == null ? null : endpoint.provider().slug(),
                    endpoint == null ? null : endpoint.id(), PROTOCOL, false, status, httpStatus, null, usage, cost,
                    null, millis(end - startNanos), List.copyOf(attempts));
            // settled first: once the generation can be found, the key's limits have counted it
            services.limiter.settle(charge, usage, cost);
            services.generations.record(record);
            if (observation != RequestObservation.NONE) {
                observation.requestFinished(new RequestFinished(started, outcome, httpStatus, servedEnded,
                        attemptsMade, usage, cost, null, error, end, upstreamNanos));
            }
        }

        Duration availableIn(CatalogEndpoint endpoint) {
            return services.health.availableAgainAt(endpoint.id()).map(at -> Duration.between(Instant.now(), at))
                    .filter(d -> !d.isNegative()).orElse(null);
        }
    }

    private static int millis(long nanos) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, nanos / 1_000_000L));
    }
}
