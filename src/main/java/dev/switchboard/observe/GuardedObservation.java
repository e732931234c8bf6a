package dev.switchboard.observe;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatResponse;
import io.quarkus.logging.Log;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The observations of one request by several observers, called in turn; one that throws is logged (at WARN once
 * per process, so a broken observer cannot flood the log) and does not stop the others or the request.
 */
final class GuardedObservation implements RequestObservation {

    private static volatile boolean warned;

    private final RequestObservation[] observations;
    /** Asked once: which of them take the answer's content. */
    private final boolean[] content;
    private final boolean wantsContent;

    GuardedObservation(RequestObservation[] observations) {
        this.observations = observations;
        this.content = new boolean[observations.length];
        boolean wants = false;
        for (int i = 0; i < observations.length; i++) {
            content[i] = wantsContent(observations[i]);
            wants |= content[i];
        }
        this.wantsContent = wants;
    }

    static RequestObservation open(ProxyObserver observer, RequestStarted request) {
        try {
            RequestObservation o = observer.onRequest(request);
            return o == null ? NONE : o;
        } catch (RuntimeException e) {
            failed(e);
            return NONE;
        }
    }

    @Override
    public void attemptStarted(AttemptStarted attempt) {
        each(o -> o.attemptStarted(attempt));
    }

    @Override
    public void propagate(AttemptStarted attempt, BiConsumer<String, String> header) {
        each(o -> o.propagate(attempt, header));
    }

    @Override
    public void firstToken(AttemptStarted attempt, long nanos) {
        each(o -> o.firstToken(attempt, nanos));
    }

    @Override
    public void attemptFinished(AttemptFinished attempt) {
        each(o -> o.attemptFinished(attempt));
    }

    @Override
    public void failover(AttemptFinished failed, AttemptStarted next) {
        each(o -> o.failover(failed, next));
    }

    @Override
    public boolean wantsContent() {
        return wantsContent;
    }

    @Override
    public void event(AttemptStarted attempt, ChatEvent event) {
        for (int i = 0; i < observations.length; i++) {
            if (content[i]) {
                each(observations[i], x -> x.event(attempt, event));
            }
        }
    }

    @Override
    public void answer(AttemptStarted attempt, ChatResponse answer) {
        for (int i = 0; i < observations.length; i++) {
            if (content[i]) {
                each(observations[i], x -> x.answer(attempt, answer));
            }
        }
    }

    @Override
    public void requestFinished(RequestFinished request) {
        each(o -> o.requestFinished(request));
    }

    private void each(Consumer<RequestObservation> call) {
        for (RequestObservation o : observations) {
            each(o, call);
        }
    }

    private static void each(RequestObservation o, Consumer<RequestObservation> call) {
        try {
            call.accept(o);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private static boolean wantsContent(RequestObservation o) {
        try {
            return o.wantsContent();
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    private static void failed(RuntimeException e) {
        if (!warned) {
            warned = true;
            Log.warnf("A proxy observer failed (it is skipped for that event; later failures are logged at DEBUG): "
                    + "%s", e);
        } else {
            Log.debugf("A proxy observer failed: %s", e);
        }
    }
}
