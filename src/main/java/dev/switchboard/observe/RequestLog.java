package dev.switchboard.observe;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One line per proxied request on the {@code switchboard.requests} logger (INFO), as {@code switchboard.log.requests}
 * says: {@code off} (the default, so it costs nothing), {@code text} or {@code json}; see {@link RequestLogLine}
 * for what a line holds. Where the line goes (console, file, JSON console format) is the logging configuration's
 * business; the logger's name lets an operator route or silence these lines alone.
 */
@Singleton
public class RequestLog implements ProxyObserver {

    static final Logger LOG = Logger.getLogger("switchboard.requests");

    private final RequestLogConfig.Format format;
    private final boolean includeContent;
    private final Consumer<String> sink;

    @Inject
    public RequestLog(RequestLogConfig config) {
        this(config, LOG::info);
    }

    /** @param sink where lines go (the logger; a list in tests) */
    RequestLog(RequestLogConfig config, Consumer<String> sink) {
        this.format = config.requests();
        this.includeContent = config.includeContent();
        this.sink = sink;
    }

    @Override
    public RequestObservation onRequest(RequestStarted request) {
        if (format == RequestLogConfig.Format.OFF || !LOG.isInfoEnabled()) {
            return RequestObservation.NONE;
        }
        return new Line(request);
    }

    /** What one request's line needs: its attempts, and with content on, the served attempt's text. */
    private final class Line implements RequestObservation {

        private final RequestStarted request;
        private final List<AttemptFinished> attempts = new ArrayList<>(2);
        private StringBuilder completion;
        private AttemptStarted completing;

        Line(RequestStarted request) {
            this.request = request;
        }

        @Override
        public void attemptFinished(AttemptFinished attempt) {
            attempts.add(attempt);
        }

        @Override
        public boolean wantsContent() {
            return includeContent;
        }

        @Override
        public void event(AttemptStarted attempt, ChatEvent event) {
            if (attempt != completing) {
                // a new attempt after a fail-over: what the failed one said never reached the caller
                completing = attempt;
                completion = new StringBuilder();
            }
            if (event instanceof ChatEvent.TextDelta delta) {
                completion.append(delta.text());
            }
        }

        @Override
        public void answer(AttemptStarted attempt, ChatResponse answer) {
            completing = attempt;
            completion = new StringBuilder(answer.text());
        }

        @Override
        public void requestFinished(RequestFinished finished) {
            boolean content = includeContent && request.chat() != null;
            String text = !content ? null : completion == null || finished.served() == null
                    || finished.served().attempt() != completing ? "" : completion.toString();
            sink.accept(format == RequestLogConfig.Format.JSON
                    ? RequestLogLine.json(finished, attempts, content ? request.chat() : null, text)
                    : RequestLogLine.text(finished, attempts, content ? request.chat() : null, text));
        }
    }
}
