package dev.switchboard.proxy;

import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.api.RoutingExtensions;
import dev.switchboard.api.Served;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.limits.KeyLimiter;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import dev.switchboard.observe.AttemptFinished;
import dev.switchboard.observe.AttemptStarted;
import dev.switchboard.observe.CallerTrace;
import dev.switchboard.observe.ProxyObservers;
import dev.switchboard.observe.RequestFinished;
import dev.switchboard.observe.RequestObservation;
import dev.switchboard.observe.RequestOutcome;
import dev.switchboard.observe.RequestStarted;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.PassThrough;
import dev.switchboard.providers.http.SseEvent;
import dev.switchboard.providers.ProviderAdapter;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.routing.AttemptFailure;
import dev.switchboard.routing.Candidate;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.routing.FailoverOutcome;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.stats.CallMeasurement;
import dev.switchboard.stats.Sample;
import dev.switchboard.stats.SampleOutcome;
import dev.switchboard.usage.AttemptRecord;
import dev.switchboard.usage.Cost;
import dev.switchboard.usage.GenerationRecord;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One proxied request from its plan to its last byte: tries the plan's candidates in order, fails over on
 * provider-side errors until the first byte has gone to the caller, then streams (or answers) in the caller's
 * protocol, and records every attempt (a traffic sample each) and the generation. A hedged request (see
 * {@link HedgePolicy}) may race a second candidate against the first until one produces: at most two attempts are in
 * flight, and only before the first token (or whole answer) has been chosen. Everything runs on the request's
 * event-loop context: upstream results are handed back to it, so the fields need no locks. Observers (metrics,
 * traces, request logs) hear of each step through {@link RequestObservation}; with none, no event is built.
 */
final class ProxyExchange {

    /** On the response when a hedge was launched (and the headers had not gone out yet). */
    static final String HEDGED_HEADER = "x-switchboard-hedged";

    private final HttpServerResponse response;
    private final Context context;
    private final Executor onContext;
    private final ClientDialect dialect;
    private final ProxyRequest request;
    private final RoutePlan plan;
    private final String keyId;
    /** What the key's limits were charged for this call, settled with its usage and cost once it ends. */
    private final KeyLimiter.Charge charge;
    private final ProxyServices services;
    private final String generationId;
    private final Instant createdAt;
    private final long startNanos;
    private final CallOptions options;
    private final boolean excludeReasoning;
    /** Who follows this request; {@link RequestObservation#NONE} (and {@code observed} false) when nobody does. */
    private final RequestObservation observation;
    private final boolean observed;
    private final boolean observeContent;
    private final RequestStarted started;
    /** Set when the caller asked for a stream that another provider continues if it dies mid-answer; else null. */
    private final StreamContinuation continuation;
    /** The attempt whose answer went out first (named in the headers), once the stream is committed. */
    private Attempt head;

    private final List<AttemptRecord> attempts = new ArrayList<>();
    private final List<AttemptFailure> failures = new ArrayList<>();

    private int attemptsMade;
    /** The index of the first candidate not yet tried: where fail-over (or a hedge) goes on from. */
    private int untried;
    /** Time spent waiting on upstream calls, so that the rest is the gateway's own (its overhead). */
    private long upstreamNanos;
    /** Upstream calls under way, and since when at least one was (racing calls overlap: their union is counted). */
    private int inFlight;
    private long waitingSince;
    /** The last attempt that failed over, for the fail-over event of the next one. */
    private AttemptFinished lastFailed;
    /** The attempt that serves the caller once committed; before that, the first of the racing ones. */
    private Attempt current;
    /** The second candidate racing {@code current} before either produced; null when none races. */
    private Attempt hedge;
    /** Whether this request has launched its one hedge. */
    private boolean hedged;
    private long hedgeTimer = -1;
    private boolean finished;
    private boolean headersSent;
    private boolean committed;
    private StreamEncoder encoder;
    private long lastWriteNanos;
    /** Writes of the stream events handled in one go, sent as one write at the end (see {@link OnRequestContext}). */
    private Buffer batched;
    private int batchDepth;
    private long keepAliveTimer = -1;

    /** One try at one candidate. */
    private final class Attempt {
        final Candidate candidate;
        final int index;
        final long sentNanos = System.nanoTime();
        final CallMeasurement measure;
        Usage usage;
        FinishReason finish;
        Integer ttftMs;
        /** The upstream call, to cancel when the caller goes away. */
        Cancellable upstream;
        /** Set when the caller's body goes upstream as it is and the provider's answer comes back as it is. */
        PassThroughWriter writer;
        /** What observers were told; null when nobody observes. */
        AttemptStarted started;
        AttemptFinished ended;
        boolean sawToken;
        /** This attempt continues a stream that another one began (its request ends on the text sent so far). */
        boolean continuing;
        /** Stream events held back until this attempt is chosen (fail-over and hedging stay possible till then). */
        final List<ChatEvent> held = new ArrayList<>();
        final List<SseEvent> heldRaw = new ArrayList<>();
        /** Launched as the hedge of a slow first attempt. */
        boolean isHedge;
        /** Cancelled because the other racing attempt produced first. */
        boolean lostRace;

        Attempt(Candidate candidate, int index) {
            this.candidate = candidate;
            this.index = index;
            this.measure = new CallMeasurement(Sample.Source.TRAFFIC, candidate.endpoint().id(), Instant.now(),
                    sentNanos);
        }

        CatalogEndpoint endpoint() {
            return candidate.endpoint();
        }
    }

    /**
     * @param receivedNanos when the proxy had the whole request body: the gateway's time counts from there
     * @param trace         the caller's trace context, for a tracer to continue
     */
    ProxyExchange(HttpServerResponse response, Context context, ClientDialect dialect, ProxyRequest request,
                  RoutePlan plan, String keyId, KeyLimiter.Charge charge, String generationId,
                  ProxyServices services, long receivedNanos, CallerTrace trace) {
        this.response = response;
        this.context = context;
        this.onContext = RequestContexts.executor(context);
        this.dialect = dialect;
        this.request = request;
        this.plan = plan;
        this.keyId = keyId;
        this.charge = charge;
        this.services = services;
        this.generationId = generationId;
        this.createdAt = Instant.now();
        this.startNanos = receivedNanos;
        ProxyConfig config = services.config;
        this.options = new CallOptions(config.connectTimeout(), config.firstTokenTimeout(), config.idleTimeout(),
                config.totalTimeout());
        this.excludeReasoning = request.chat().reasoning() != null && request.chat().reasoning().exclude();
        ProxyObservers observers = services.observers;
        if (observers.any()) {
            String requested = request.routing().model();
            started = new RequestStarted(generationId, dialect.protocol(), request.stream(), requested,
                    ProxyObservers.catalogModel(services.catalog.current(), requested), keyId, startNanos,
                    createdAt.toEpochMilli(), request.chat(), trace);
            observation = observers.open(started);
        } else {
            started = null;
            observation = RequestObservation.NONE;
        }
        observed = observation != RequestObservation.NONE;
        observeContent = observed && observation.wantsContent();
        continuation = request.stream() && RoutingExtensions.continueOnStreamFailure(request.body())
                ? new StreamContinuation() : null;
    }

    void start() {
        response.closeHandler(v -> context.runOnContext(x -> clientGone()));
        if (request.stream()) {
            lastWriteNanos = startNanos;
            long every = Math.max(1, services.config.keepAliveInterval().toMillis());
            keepAliveTimer = services.vertx.setPeriodic(every, id -> context.runOnContext(x -> keepAlive(every)));
        }
        next(0);
    }

    /** Fail-over: the next available candidate from {@code index} on goes out; none left ends the request. */
    private void next(int index) {
        if (finished) {
            return;
        }
        boolean resuming = continuation != null && continuation.resuming();
        if (launch(index, false) == null) {
            if (resuming) {
                endInterrupted(null, null);
            } else {
                failAll();
            }
        }
    }

    /**
     * Sends the first available candidate from {@code index} on, as the primary attempt or as the hedge; those whose
     * circuit or cool-down holds them back are skipped (as failures the final error tells of), and while a stream is
     * being continued so are those that cannot continue it. Returns null when no candidate is left or the attempt
     * limit is reached. The attempt may have failed already when this returns (no way to call its provider).
     */
    private Attempt launch(int index, boolean asHedge) {
        List<Candidate> candidates = plan.candidates();
        boolean resuming = !asHedge && continuation != null && continuation.resuming();
        EndpointHealth health = services.health;
        while (index < candidates.size() && attemptsMade < services.config.maxAttempts()) {
            CatalogEndpoint endpoint = candidates.get(index).endpoint();
            if (resuming && !canContinueAt(endpoint)) {
                index++;
                continue;
            }
            if (health.tryAcquire(endpoint.id())) {
                break;
            }
            Duration wait = availableIn(endpoint);
            String slug = endpoint.slug();
            String provider = endpoint.provider().slug();
            failures.add(switch (health.state(endpoint.id())) {
                case COOLING_DOWN -> AttemptFailure.coolingDown(slug, provider, wait);
                case OPEN -> AttemptFailure.skipped(slug, provider, "its circuit is open after repeated failures",
                        wait);
                case HALF_OPEN -> AttemptFailure.skipped(slug, provider,
                        "a trial call to it is already under way after repeated failures", wait);
                case HEALTHY -> AttemptFailure.skipped(slug, provider, "unavailable", wait);
            });
            index++;
        }
        untried = index;
        if (index >= candidates.size() || attemptsMade >= services.config.maxAttempts()) {
            return null;
        }
        untried = index + 1;
        Candidate candidate = candidates.get(index);
        CatalogEndpoint endpoint = candidate.endpoint();
        attemptsMade++;
        Attempt attempt = new Attempt(candidate, index);
        attempt.continuing = resuming;
        if (inFlight++ == 0) {
            waitingSince = attempt.sentNanos;
        }
        if (asHedge) {
            attempt.isHedge = true;
            hedge = attempt;
        } else {
            current = attempt;
            armHedge(attempt);
        }
        send(attempt);
        return attempt;
    }

    private void send(Attempt attempt) {
        CatalogEndpoint endpoint = attempt.endpoint();
        ProviderAdapter adapter;
        UpstreamTarget target;
        try {
            adapter = services.adapters.forKind(endpoint.provider().kind());
            target = services.target(endpoint);
        } catch (RuntimeException e) {
            Log.warnf("No way to call %s: %s", endpoint.slug(), e.getMessage());
            begin(attempt, false, null);
            attemptFailed(attempt, UpstreamError.of(UpstreamErrorKind.CONNECTION,
                    "the gateway has no way to call this provider (" + e.getMessage() + ")"));
            return;
        }
        // a stream that may be continued is encoded by the gateway from the first attempt on, so that a continuation
        // can go on in the same encoder (same id, same open block)
        ObjectNode passBody = continuation == null && adapter instanceof PassThrough
                && endpoint.provider().kind() == dialect.nativeKind()
                ? dialect.passThroughBody(request.body(), endpoint.upstreamId()) : null;
        CallOptions callOptions = begin(attempt, passBody != null, target);
        if (passBody != null) {
            PassThrough pass = (PassThrough) adapter;
            attempt.writer = dialect.passThroughWriter(served(attempt, null), endpoint.upstreamId(),
                    usage -> Cost.of(endpoint.pricing(), usage));
            if (request.stream()) {
                attempt.upstream = readOnContext(pass.passThroughStream(target, passBody, callOptions),
                        event -> onRawEvent(attempt, event), failure -> onStreamFailure(attempt, failure),
                        () -> onStreamEnd(attempt));
            } else {
                attempt.upstream = pass.passThroughChat(target, passBody, callOptions).emitOn(onContext).subscribe()
                        .with(
                        answer -> onAnswer(attempt, answer.response(), () -> attempt.writer.answer(answer.json())),
                        failure -> attemptFailed(attempt, classify(failure)));
            }
            return;
        }
        boolean resuming = attempt.continuing;
        ChatRequest chat = resuming ? continuation.request(request.chat(), endpoint.upstreamId())
                : request.chat().withModel(endpoint.upstreamId());
        if (resuming) {
            callOptions = callOptions.withAssistantPrefill();
        }
        if (request.stream()) {
            attempt.upstream = readOnContext(adapter.stream(target, chat, callOptions),
                    event -> onEvent(attempt, event), failure -> onStreamFailure(attempt, failure),
                    () -> onStreamEnd(attempt));
        } else {
            attempt.upstream = adapter.chat(target, chat, callOptions).emitOn(onContext).subscribe().with(
                    answer -> onAnswer(attempt, answer, null), failure -> attemptFailed(attempt, classify(failure)));
        }
    }

    private <T> Cancellable readOnContext(Multi<T> stream, Consumer<T> onItem, Consumer<Throwable> onFailure,
                                          Runnable onEnd) {
        OnRequestContext<T> reader = new OnRequestContext<>(context, onItem, onFailure, onEnd, this::batchStarts,
                this::batchEnds);
        stream.subscribe().withSubscriber(reader);
        return reader;
    }

    /**
     * Tells observers an attempt goes out (after a fail-over, if the one before failed), and returns the attempt's
     * call options with the headers they add to its upstream request (a trace context). {@code target} is null when
     * there is no way to call the provider.
     */
    private CallOptions begin(Attempt attempt, boolean passThrough, UpstreamTarget target) {
        if (!observed) {
            return options;
        }
        attempt.started = new AttemptStarted(started, attemptsMade, attempt.endpoint(), attempt.candidate.modelSlug(),
                attempt.candidate.fallbackModel(), passThrough, attempt.sentNanos,
                target == null ? null : target.baseUrl());
        if (lastFailed != null) {
            observation.failover(lastFailed, attempt.started);
            lastFailed = null;
        }
        observation.attemptStarted(attempt.started);
        Map<String, String> headers = new HashMap<>(4);
        observation.propagate(attempt.started, headers::put);
        return headers.isEmpty() ? options : options.withTraceHeaders(headers);
    }

    // ---- hedging

    /** Sets the timer after which a second candidate races this first attempt, if the request is hedged. */
    private void armHedge(Attempt primary) {
        cancelHedgeTimer();
        if (hedged || untried >= plan.candidates().size()) {
            return; // one hedge per request; nobody left to race
        }
        long after = services.hedging.thresholdMs(request.hedge(), primary.candidate.modelSlug(),
                services.stats.forEndpoint(primary.endpoint().id()).routingTtft(), request.stream());
        if (after == HedgePolicy.NEVER) {
            return;
        }
        long[] id = new long[1];
        id[0] = services.vertx.setTimer(Math.max(1, after), t -> context.runOnContext(x -> {
            if (hedgeTimer == id[0]) {
                hedgeTimer = -1;
                launchHedge(primary);
            }
        }));
        hedgeTimer = id[0];
    }

    /** The threshold passed with nothing from the first attempt: the next candidate goes out beside it. */
    private void launchHedge(Attempt primary) {
        if (finished || committed || hedged || hedge != null || primary != current) {
            return;
        }
        hedged = true;
        if (launch(untried, true) == null) {
            hedged = false; // nothing could be sent: no hedge happened
        }
    }

    /** The first to produce wins the race: the other is cancelled at once and recorded as a lost hedge. */
    private void win(Attempt winner) {
        cancelHedgeTimer();
        Attempt loser = winner == current ? hedge : current;
        current = winner;
        hedge = null;
        if (loser != null) {
            loser.lostRace = true;
            if (request.stream()) {
                loser.measure.lostRace();
            }
            if (loser.upstream != null) {
                loser.upstream.cancel();
            }
            loser.held.clear();
            loser.heldRaw.clear();
            attemptEnded(loser, UpstreamError.of(UpstreamErrorKind.CANCELLED, "cancelled: "
                    + winner.endpoint().provider().slug() + " (the " + (winner.isHedge ? "hedge" : "first attempt")
                    + ") produced first"));
        }
    }

    private void cancelHedgeTimer() {
        if (hedgeTimer >= 0) {
            services.vertx.cancelTimer(hedgeTimer);
            hedgeTimer = -1;
        }
    }

    /** Whether events of this attempt still matter: it is the one serving or one of the two racing. */
    private boolean racing(Attempt attempt) {
        return !finished && (attempt == current || attempt == hedge);
    }

    // ---- whole answers

    /** @param passedThrough the provider's own body to send back, or null to encode {@code answer} */
    private void onAnswer(Attempt attempt, ChatResponse answer, Supplier<byte[]> passedThrough) {
        if (!racing(attempt)) {
            return;
        }
        win(attempt);
        attempt.measure.onResponse(answer);
        if (observeContent) {
            observation.answer(attempt.started, answer);
        }
        attempt.usage = answer.usage();
        attempt.finish = answer.finishReason();
        BigDecimal cost = cost(attempt);
        Served served = served(attempt, cost);
        attemptEnded(attempt, null);
        byte[] body = passedThrough != null ? passedThrough.get()
                : dialect.encodeResponse(answer, served, excludeReasoning);
        response.setStatusCode(200);
        servedHeaders(attempt);
        response.putHeader("content-type", "application/json");
        finished = true;
        response.end(Buffer.buffer(body));
        logGeneration(attempt, "ok", 200, cost, RequestOutcome.SUCCESS, null);
    }

    // ---- streams

    private void onEvent(Attempt attempt, ChatEvent event) {
        if (!racing(attempt)) {
            return;
        }
        observe(attempt, event);
        if (!committed) {
            attempt.held.add(event);
            if (opens(event)) {
                win(attempt);
                commit(attempt);
            }
            return;
        }
        emit(event);
    }

    /** One event to the caller through the stream's encoder; what a continuation would go on from. */
    private void emit(ChatEvent event) {
        if (continuation == null) {
            write(encoder.onEvent(event));
            return;
        }
        ChatEvent joined = continuation.joinable(event);
        write(encoder.onEvent(joined));
        continuation.sent(joined);
    }

    private void onRawEvent(Attempt attempt, PassThrough.Event event) {
        if (!racing(attempt)) {
            return;
        }
        boolean opens = false;
        for (ChatEvent e : event.events()) {
            observe(attempt, e);
            opens |= opens(e);
        }
        if (!committed) {
            if (event.sse() != null) {
                attempt.heldRaw.add(event.sse());
            }
            if (opens) {
                win(attempt);
                commit(attempt);
            }
            return;
        }
        if (event.sse() != null) {
            write(attempt.writer.frame(event.sse()));
        }
    }

    private void observe(Attempt attempt, ChatEvent event) {
        long now = System.nanoTime();
        attempt.measure.on(event, now);
        if (observed) {
            if (!attempt.sawToken && event.isContent()) {
                attempt.sawToken = true;
                observation.firstToken(attempt.started, now);
            }
            if (observeContent) {
                observation.event(attempt.started, event);
            }
        }
        if (event instanceof ChatEvent.UsageReport report && report.usage() != null) {
            attempt.usage = report.usage();
        } else if (event instanceof ChatEvent.Stop stop) {
            attempt.finish = stop.reason();
        }
    }

    /** Fail-over stays possible until something the caller would keep has been sent. */
    private static boolean opens(ChatEvent event) {
        return event.isContent() || event instanceof ChatEvent.Stop;
    }

    /** The first byte goes out: from here on this attempt is the answer, whatever happens to it. */
    private void commit(Attempt attempt) {
        committed = true;
        head = attempt;
        if (!headersSent) {
            streamHeaders(attempt);
        }
        if (attempt.writer != null) {
            for (SseEvent event : attempt.heldRaw) {
                write(attempt.writer.frame(event));
            }
            attempt.heldRaw.clear();
            return;
        }
        encoder = dialect.streamEncoder(served(attempt, null), excludeReasoning);
        for (ChatEvent event : attempt.held) {
            emit(event);
        }
        attempt.held.clear();
    }

    private void onStreamFailure(Attempt attempt, Throwable failure) {
        if (!racing(attempt)) {
            return;
        }
        UpstreamError error = classify(failure);
        if (!committed) {
            attempt.held.clear();
            attempt.heldRaw.clear();
            attemptFailed(attempt, error);
            return;
        }
        attemptEnded(attempt, error);
        if (continuation != null) {
            String provider = attempt.endpoint().provider().slug();
            if (continuation.resuming() && !continuation.attemptSentText()) {
                continuation.failedBeforeText(provider + ": " + error.getMessage(), attempt.usage, cost(attempt));
                next(attempt.index + 1);
                return;
            }
            if (continuation.canContinue()) {
                continuation.interrupted(provider, provider + ": " + error.getMessage(), attempt.usage,
                        cost(attempt));
                next(attempt.index + 1);
                return;
            }
            endInterrupted(attempt, error);
            return;
        }
        ProxyError midStream = new ProxyError(ProxyErrorType.UPSTREAM_FAILED, attempt.endpoint().provider().slug()
                + " failed after the stream began, so it could not be retried elsewhere: " + error.getMessage()
                + ". The answer above is incomplete.", null, "stream_interrupted");
        finished = true;
        stopKeepAlive();
        StreamEncoder errors = encoder != null ? encoder : dialect.streamEncoder(served(attempt, null),
                excludeReasoning);
        write(errors.error(midStream));
        endResponse();
        logGeneration(attempt, "error", 502, cost(attempt), RequestOutcome.UPSTREAM_ERROR, midStream);
    }

    private void onStreamEnd(Attempt attempt) {
        if (!racing(attempt)) {
            return;
        }
        if (!committed) {
            // a well-formed stream with nothing in it: still the provider's answer
            win(attempt);
            commit(attempt);
        }
        BigDecimal cost = cost(attempt);
        attemptEnded(attempt, null);
        finished = true;
        stopKeepAlive();
        if (attempt.continuing) {
            Usage usage = continuation.totalUsage(attempt.usage);
            BigDecimal total = continuation.totalCost(cost);
            write(encoder.end(usage, total, continuation.mark(attempt.endpoint().provider().slug())));
            endResponse();
            logGeneration(head, attempt, usage, true, "ok", 200, total, RequestOutcome.SUCCESS, null);
            return;
        }
        if (attempt.writer == null) {
            write(encoder.end(attempt.usage == null ? Usage.NONE : attempt.usage, cost));
        }
        endResponse();
        logGeneration(attempt, "ok", 200, cost, RequestOutcome.SUCCESS, null);
    }

    /** Whether a continuation may go to this endpoint: its adapter says it continues a final assistant message. */
    private boolean canContinueAt(CatalogEndpoint endpoint) {
        try {
            return StreamContinuation.capable(services.adapters.forKind(endpoint.provider().kind()), endpoint);
        } catch (RuntimeException e) {
            return false; // no adapter for its kind: it cannot be called at all
        }
    }

    /**
     * A stream that asked for continuation ends with the protocol's error event after all: it could not be continued
     * ({@code failed} is the attempt that died with {@code error}; what it had sent says why), or no candidate left
     * could continue it ({@code failed} null: the continuation's last error says what happened).
     */
    private void endInterrupted(Attempt failed, UpstreamError error) {
        String message;
        if (failed != null) {
            message = failed.endpoint().provider().slug() + " failed after the stream began: " + error.getMessage()
                    + ". It could not be continued elsewhere because " + continuation.whyNot()
                    + ". The answer above is incomplete.";
        } else {
            message = continuation.interruptedProvider() + " failed after the stream began ("
                    + continuation.lastError() + "); continuing the answer with another provider was attempted, but "
                    + "no remaining provider could continue it. The answer above is incomplete.";
        }
        ProxyError midStream = new ProxyError(ProxyErrorType.UPSTREAM_FAILED, message, null, "stream_interrupted");
        finished = true;
        stopKeepAlive();
        write(encoder.error(midStream));
        endResponse();
        Attempt served = head != null ? head : failed;
        Attempt last = failed != null ? failed : current;
        Usage usage = continuation.resuming() ? continuation.totalUsage(failed == null ? null : failed.usage)
                : last == null ? null : last.usage;
        BigDecimal cost = continuation.resuming() ? continuation.totalCost(failed == null ? BigDecimal.ZERO
                : cost(failed)) : last == null ? null : cost(last);
        logGeneration(served, last, usage, continuation.continued(), "error", 502, cost,
                RequestOutcome.UPSTREAM_ERROR, midStream);
    }

    private void keepAlive(long everyMillis) {
        if (finished) {
            stopKeepAlive();
            return;
        }
        if (System.nanoTime() - lastWriteNanos < everyMillis * 1_000_000L) {
            return;
        }
        if (!headersSent) {
            // a slow first token: the caller's connection must not idle out; fail-over stays possible, as a
            // comment carries nothing the caller keeps, but the headers now name the provider being tried -- unless
            // a hedge races it or may, when which provider serves is not known yet (the first chunk will say)
            streamHeaders(hedge != null || hedgeTimer >= 0 ? null : current);
        }
        write(StreamEncoder.KEEP_ALIVE);
    }

    private void stopKeepAlive() {
        if (keepAliveTimer >= 0) {
            services.vertx.cancelTimer(keepAliveTimer);
            keepAliveTimer = -1;
        }
    }

    // ---- failures

    private void attemptFailed(Attempt attempt, UpstreamError error) {
        attemptEnded(attempt, error);
        // a 429 puts the endpoint in a cool-down (even without a Retry-After): when it ends is when a retry may pass
        failures.add(AttemptFailure.failed(attempt.endpoint().slug(), attempt.endpoint().provider().slug(), error,
                error.kind() == UpstreamErrorKind.RATE_LIMITED ? availableIn(attempt.endpoint()) : null));
        Attempt other = attempt == hedge ? current : attempt == current ? hedge : null;
        if (other != null) {
            // one of two racing failed: the other goes on alone, and fail-over waits on it
            current = other;
            hedge = null;
            return;
        }
        cancelHedgeTimer(); // the next candidate's attempt sets its own, as long as no hedge went out
        if (FailoverOutcome.tryNext(error)) {
            lastFailed = attempt.ended;
            next(untried);
        } else {
            failAll();
        }
    }

    /** How long until the endpoint's circuit or cool-down lets a call through; null when it does now. */
    private Duration availableIn(CatalogEndpoint endpoint) {
        return services.health.availableAgainAt(endpoint.id()).map(at -> Duration.between(Instant.now(), at))
                .filter(d -> !d.isNegative()).orElse(null);
    }

    private void failAll() {
        if (finished) {
            return;
        }
        finished = true;
        stopKeepAlive();
        cancelHedgeTimer();
        FailoverOutcome outcome = FailoverOutcome.of(plan, failures);
        ProxyError error = outcome.error();
        if (headersSent) {
            // only keep-alive comments went out: the stream ends with the protocol's error event
            StreamEncoder late = encoder != null ? encoder : dialect.streamEncoder(served(null, null),
                    excludeReasoning);
            write(late.error(error));
            endResponse();
        } else {
            ProxyResponses.error(response, dialect, error, outcome.retryAfter(), generationId);
        }
        logGeneration(null, "error", error.status(), null, RequestOutcome.of(error.type()), error);
    }

    private void clientGone() {
        if (finished) {
            return;
        }
        Attempt attempt = abandon("the caller went away");
        logGeneration(attempt, "cancelled", 499, attempt == null ? null : cost(attempt), RequestOutcome.CANCELLED,
                null);
    }

    /** The gateway is stopping and the grace period is over: end this call with the protocol's error, not a cut. */
    void cutForShutdown() {
        context.runOnContext(v -> cut());
    }

    private void cut() {
        if (finished) {
            return;
        }
        Attempt attempt = abandon("the gateway shut down");
        ProxyError error = new ProxyError(ProxyErrorType.UNAVAILABLE, "The gateway is shutting down and could not "
                + "finish this answer within its grace period (switchboard.shutdown.grace-period)"
                + (committed ? "; the answer above is incomplete" : "") + ". Retry: another instance will serve it.",
                null, "shutting_down");
        if (headersSent) {
            StreamEncoder late = encoder != null ? encoder : dialect.streamEncoder(served(attempt, null),
                    excludeReasoning);
            write(late.error(error));
            endResponse();
        } else {
            ProxyResponses.error(response, dialect, error, Duration.ofSeconds(1), generationId);
        }
        logGeneration(attempt, "error", error.status(), attempt == null ? null : cost(attempt),
                RequestOutcome.of(error.type()), error);
    }

    /**
     * Ends the call from our side: no more keep-alives, the upstream call in progress cancelled and its attempt
     * recorded as a cancellation (not the provider's fault, so its health does not suffer). Returns that attempt.
     */
    private Attempt abandon(String why) {
        finished = true;
        stopKeepAlive();
        cancelHedgeTimer();
        if (hedge != null) {
            if (hedge.upstream != null) {
                hedge.upstream.cancel();
            }
            attemptEnded(hedge, UpstreamError.of(UpstreamErrorKind.CANCELLED, why));
            hedge = null;
        }
        Attempt attempt = current;
        if (attempt != null) {
            if (attempt.upstream != null) {
                attempt.upstream.cancel();
            }
            attemptEnded(attempt, UpstreamError.of(UpstreamErrorKind.CANCELLED, why));
        }
        return attempt;
    }

    // ---- bookkeeping

    /** Records the end of an attempt: its sample, its health verdict, its line in the generation. */
    private void attemptEnded(Attempt attempt, UpstreamError error) {
        long now = System.nanoTime();
        Sample sample = attempt.measure.toSample(error, now);
        if (services.recording) {
            services.samples.record(sample);
        }
        // the generation says what the caller saw: a lost race's censored sample TTFT is for the percentiles only
        attempt.ttftMs = attempt.lostRace ? attempt.measure.firstTokenMs() : sample.ttftMs();
        if (--inFlight == 0) {
            upstreamNanos += now - waitingSince;
        }
        long endpointId = attempt.endpoint().id();
        if (error != null && error.kind() == UpstreamErrorKind.CANCELLED) {
            services.health.release(endpointId);
        } else if (error != null) {
            services.health.onFailure(endpointId, error.kind(), error.retryAfter());
        } else if (sample.outcome().category() == SampleOutcome.Category.FAILURE) {
            services.health.onFailure(endpointId, UpstreamErrorKind.SERVER_ERROR, null);
        } else {
            services.health.onSuccess(endpointId);
            services.sticky.served(plan.session(), endpointId); // the session's next request comes back here
        }
        // adapters raise statuses only with their errors: an answer that came through came with a 200
        Integer status = error == null ? Integer.valueOf(200) : sample.httpStatus();
        if (observed) {
            attempt.ended = new AttemptFinished(attempt.started, sample.outcome(), status, error, attempt.ttftMs, now,
                    attempt.usage);
            observation.attemptFinished(attempt.ended);
        }
        attempts.add(new AttemptRecord(attempt.endpoint().provider().slug(), endpointId, attempt.candidate.modelSlug(),
                attempt.endpoint().upstreamId(), sample.outcome().id(), status,
                attempt.lostRace ? AttemptRecord.HEDGE_LOST
                        : error == null ? null : error.kind().name().toLowerCase(java.util.Locale.ROOT),
                error == null ? null : error.getMessage(), millis(attempt.sentNanos - startNanos), attempt.ttftMs,
                sample.latencyMs(), attempt.continuing, attempt.isHedge, cost(attempt)));
    }

    private void logGeneration(Attempt served, String status, int httpStatus, BigDecimal cost,
                               RequestOutcome outcome, ProxyError error) {
        logGeneration(served, served, served == null ? null : served.usage, false, status, httpStatus, cost, outcome,
                error);
    }

    /**
     * @param served    the attempt the caller was told served it (headers, first chunk)
     * @param last      the attempt that ended the call: its finish reason, for observers the attempt that served
     * @param usage     the whole call's usage (a continued stream's is the sum over its attempts)
     * @param continued another provider continued the stream
     */
    private void logGeneration(Attempt served, Attempt last, Usage usage, boolean continued, String status,
                               int httpStatus, BigDecimal cost, RequestOutcome outcome, ProxyError error) {
        long end = System.nanoTime();
        Integer ttft = served == null ? null : served.ttftMs;
        GenerationRecord record = new GenerationRecord(generationId, createdAt, keyId, request.routing().model(),
                served == null ? null : served.candidate.modelSlug(),
                served == null ? null : served.endpoint().provider().slug(),
                served == null ? null : served.endpoint().id(), dialect.protocol(), request.stream(), status,
                httpStatus, last == null || last.finish == null ? null
                        : last.finish.name().toLowerCase(java.util.Locale.ROOT),
                usage, cost, ttft, millis(end - startNanos), List.copyOf(attempts), continued);
        // settled first: once the generation can be found, the key's limits have counted it
        services.limiter.settle(charge, usage, cost);
        if (services.recording) {
            services.generations.record(record);
        }
        if (observed) {
            observation.requestFinished(new RequestFinished(started, outcome, httpStatus,
                    last == null ? null : last.ended, attemptsMade, usage, cost, last == null ? null
                    : last.finish, error, end, upstreamNanos));
        }
    }

    private BigDecimal cost(Attempt attempt) {
        return attempt.usage == null ? null : Cost.of(attempt.endpoint().pricing(), attempt.usage);
    }

    private Served served(Attempt attempt, BigDecimal cost) {
        return new Served(generationId, attempt == null ? request.routing().model() : attempt.candidate.modelSlug(),
                attempt == null ? null : attempt.endpoint().provider().slug(), createdAt.getEpochSecond(), cost);
    }

    private void servedHeaders(Attempt attempt) {
        response.putHeader("x-switchboard-generation-id", generationId);
        if (hedged) {
            response.putHeader(HEDGED_HEADER, "true");
        }
        if (attempt != null) {
            response.putHeader("x-switchboard-provider", attempt.endpoint().provider().slug());
            response.putHeader("x-switchboard-model", attempt.candidate.modelSlug());
        }
    }

    private void streamHeaders(Attempt attempt) {
        headersSent = true;
        response.setStatusCode(200);
        servedHeaders(attempt);
        response.putHeader("content-type", "text/event-stream; charset=utf-8");
        response.putHeader("cache-control", "no-cache");
        response.putHeader("x-accel-buffering", "no");
        response.setChunked(true);
    }

    private void write(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        lastWriteNanos = System.nanoTime();
        if (batchDepth > 0) {
            if (batched == null) {
                batched = Buffer.buffer(Math.max(1024, 2 * bytes.length));
            }
            batched.appendBytes(bytes);
        } else {
            response.write(Buffer.buffer(bytes));
        }
    }

    /** A stream reader begins handling what came in this round: writes wait for {@link #batchEnds()}. */
    private void batchStarts() {
        batchDepth++;
    }

    private void batchEnds() {
        if (--batchDepth == 0 && batched != null) {
            Buffer out = batched;
            batched = null;
            response.write(out);
        }
    }

    /** Ends the response, with what a batch still holds. */
    private void endResponse() {
        Buffer out = batched;
        batched = null;
        if (out != null) {
            response.end(out);
        } else {
            response.end();
        }
    }

    private static UpstreamError classify(Throwable failure) {
        return failure instanceof UpstreamError e ? e : UpstreamHttp.classify(failure);
    }

    private static int millis(long nanos) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, nanos / 1_000_000L));
    }
}
