package dev.switchboard.sim;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/**
 * One simulated request from arrival to its end: writes the answer on the plan's timeline with Vert.x timers (the
 * event loop never blocks), injects the stream faults, and counts what happened, including the caller going away
 * before the end.
 */
public final class SimExchange {

    /** A complete HTTP answer: status, extra headers and body. */
    public record Answer(int status, Map<String, String> headers, Buffer body) {

        /** What a provider's load balancer answers when the service behind it is gone: 502 with an HTML page. */
        public static Answer badGateway() {
            return new Answer(502, Map.of("content-type", "text/html"), Buffer.buffer("<html>\r\n<head><title>502 "
                    + "Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
                    + "</body>\r\n</html>\r\n"));
        }
    }

    private final SimRuntime runtime;
    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final String model;
    private final long startNanos = System.nanoTime();
    private boolean closed;
    private boolean closedByUs;
    private boolean over;

    SimExchange(SimRuntime runtime, RoutingContext ctx, String model) {
        this.runtime = runtime;
        this.ctx = ctx;
        this.response = ctx.response();
        this.model = model;
        runtime.counters().count(model, SimCounters.Event.RECEIVED);
        runtime.counters().traceparent(model, ctx.request().getHeader("traceparent"));
        runtime.connections().requestStarted();
        response.endHandler(v -> over());
        response.closeHandler(v -> {
            closed = true;
            if (!closedByUs && !response.ended() && !runtime.stopping()) {
                runtime.counters().count(model, SimCounters.Event.CANCELLED);
            }
            over();
        });
    }

    /** Once per request, whichever of its end and its connection's close comes first. */
    private void over() {
        if (!over) {
            over = true;
            runtime.connections().requestOver();
        }
    }

    public String model() {
        return model;
    }

    public RoutingContext context() {
        return ctx;
    }

    /** Refused as the real provider refuses (bad key, bad request): answered at once, counted as rejected. */
    public void reject(Answer answer) {
        runtime.counters().count(model, SimCounters.Event.REJECTED);
        send(answer);
    }

    /** An injected error status, answered at once (rate limits and overload are decided before any work). */
    public void fail(SimFault fault, Answer answer) {
        runtime.counters().countFault(model, fault);
        send(answer);
    }

    /** Never answers; the caller's timeout ends it, and that is counted as a cancellation. */
    public void hang() {
        runtime.counters().countFault(model, SimFault.HANG);
    }

    /**
     * A non-streaming answer sent when the whole output would have been generated. An abort sends half the body and
     * closes the connection; a malformed answer is the body cut in half; a mid-stream error becomes
     * {@code midStreamError} at the same moment.
     */
    public void respond(SimPlan plan, int outputTokens, Answer answer, Answer midStreamError) {
        long delay = plan.ttftMs() + Math.round(Math.max(0, outputTokens - 1) * plan.msPerToken());
        if (plan.fault() == SimFault.SLOW_DRIP) {
            runtime.counters().count(model, SimCounters.Event.SLOW_DRIP);
        }
        later(delay, () -> {
            switch (plan.fault()) {
                case RESET_AFTER_HEADERS -> {
                    runtime.counters().count(model, SimCounters.Event.RESET_AFTER_HEADERS);
                    head(answer.status(), answer.headers());
                    response.putHeader("content-length", String.valueOf(answer.body().length()));
                    response.writeHead().onComplete(r -> closeConnection());
                }
                case STALL -> {
                    // half the body, then nothing: the connection stays open until the client gives up
                    runtime.counters().count(model, SimCounters.Event.STALLED);
                    head(answer.status(), answer.headers());
                    response.putHeader("content-length", String.valueOf(answer.body().length()));
                    response.write(answer.body().slice(0, answer.body().length() / 2));
                }
                case BAD_FRAMING -> {
                    runtime.counters().count(model, SimCounters.Event.BAD_FRAMING);
                    sendCompleted(new Answer(answer.status(), answer.headers(),
                            answer.body().slice(0, answer.body().length() / 2)));
                }
                case ABORT -> {
                    runtime.counters().count(model, SimCounters.Event.ABORTED);
                    head(answer.status(), answer.headers());
                    response.putHeader("content-length", String.valueOf(answer.body().length()));
                    response.write(answer.body().slice(0, answer.body().length() / 2)).onComplete(r -> closeConnection());
                }
                case MALFORMED, BAD_CHECKSUM -> {
                    // a JSON body has no checksum: a corrupted one reads as truncated JSON
                    runtime.counters().countFault(model, plan.fault());
                    sendCompleted(new Answer(answer.status(), answer.headers(),
                            answer.body().slice(0, answer.body().length() / 2)));
                }
                case MID_STREAM_ERROR -> {
                    runtime.counters().count(model, SimCounters.Event.MID_STREAM_ERROR);
                    send(midStreamError);
                }
                default -> sendCompleted(answer);
            }
        });
    }

    /**
     * A stream: headers and the frames up to the first token at the TTFT, then each frame when its tokens are due at
     * the profile's decode speed (a slow drip's interval when it drips). A reset after headers closes the connection
     * once the headers are out. The other stream faults hit one content frame: an abort closes the connection after
     * it, a malformed frame replaces it, a mid-stream error ends the stream with {@code errorFrame} after it, a stall
     * sends nothing more after it (the connection left open), and broken framing sends it without its SSE
     * blank-line separator (it runs into the next event) or, on an AWS event stream, only its first half (or the
     * profile's {@code badFramingCutBytes}) and ends the response there; a bad checksum sends an event-stream frame
     * with its message CRC altered (an SSE frame malformed instead).
     */
    public void stream(SimPlan plan, Map<String, String> headers, List<SimFrame> frames, Buffer errorFrame) {
        long[] due = new long[frames.size()];
        int contentFrames = 0;
        long tokens = 0;
        for (int i = 0; i < frames.size(); i++) {
            tokens += frames.get(i).tokens();
            due[i] = plan.ttftMs() + Math.round(Math.max(0, tokens - 1) * plan.msPerToken());
            if (frames.get(i).carriesContent()) {
                contentFrames++;
            }
        }
        int faultFrame = -1;
        if (plan.fault().hitsAFrame()) {
            int nth = plan.faultChunk(contentFrames);
            for (int i = 0, seen = 0; i < frames.size(); i++) {
                if (frames.get(i).carriesContent() && seen++ == nth) {
                    faultFrame = i;
                    break;
                }
            }
        }
        int fault = faultFrame;
        boolean eventStream = String.valueOf(headers.get("content-type")).startsWith(BedrockSimWire.EVENT_STREAM);
        if (plan.fault() == SimFault.SLOW_DRIP) {
            runtime.counters().count(model, SimCounters.Event.SLOW_DRIP);
        }
        later(plan.ttftMs(), () -> {
            head(200, headers);
            response.setChunked(true);
            if (plan.fault() == SimFault.RESET_AFTER_HEADERS) {
                runtime.counters().count(model, SimCounters.Event.RESET_AFTER_HEADERS);
                response.writeHead().onComplete(r -> closeConnection());
                return;
            }
            pump(plan, frames, due, 0, fault, errorFrame, eventStream);
        });
    }

    private void pump(SimPlan plan, List<SimFrame> frames, long[] due, int next, int faultFrame, Buffer errorFrame,
            boolean eventStream) {
        long elapsed = elapsedMs();
        int i = next;
        while (i < frames.size() && due[i] <= elapsed) {
            SimFrame frame = frames.get(i);
            if (i == faultFrame) {
                switch (plan.fault()) {
                    case ABORT -> {
                        runtime.counters().count(model, SimCounters.Event.ABORTED);
                        response.write(frame.bytes()).onComplete(r -> closeConnection());
                        return;
                    }
                    case MID_STREAM_ERROR -> {
                        runtime.counters().count(model, SimCounters.Event.MID_STREAM_ERROR);
                        response.write(frame.bytes());
                        response.end(errorFrame);
                        return;
                    }
                    case MALFORMED -> {
                        runtime.counters().count(model, SimCounters.Event.MALFORMED);
                        response.write(frame.malformed() != null ? frame.malformed()
                                : frame.bytes().slice(0, frame.bytes().length() / 2));
                    }
                    case STALL -> {
                        runtime.counters().count(model, SimCounters.Event.STALLED);
                        response.write(frame.bytes());
                        return;
                    }
                    case BAD_FRAMING -> {
                        runtime.counters().count(model, SimCounters.Event.BAD_FRAMING);
                        if (eventStream) {
                            response.end(frame.bytes().slice(0, cutAt(plan, frame.bytes())));
                            return;
                        }
                        response.write(withoutBlankLine(frame.bytes()));
                    }
                    case BAD_CHECKSUM -> {
                        runtime.counters().count(model, SimCounters.Event.BAD_CHECKSUM);
                        response.write(eventStream ? withBadChecksum(frame.bytes()) : frame.malformed() != null
                                ? frame.malformed() : frame.bytes().slice(0, frame.bytes().length() / 2));
                    }
                    default -> response.write(frame.bytes());
                }
            } else if (frame.bytes().length() > 0) {
                response.write(frame.bytes());
            }
            i++;
        }
        if (i == frames.size()) {
            response.end();
            runtime.counters().count(model, SimCounters.Event.COMPLETED);
            return;
        }
        int from = i;
        later(due[i] - elapsed, () -> pump(plan, frames, due, from, faultFrame, errorFrame, eventStream));
    }

    /** Where broken framing cuts an event-stream frame: the profile's byte count (inside the frame), else its half. */
    private static int cutAt(SimPlan plan, Buffer frame) {
        int cut = plan.profile().badFramingCutBytes();
        return cut > 0 ? Math.min(cut, frame.length() - 1) : frame.length() / 2;
    }

    /** An event-stream frame whose last four bytes, the CRC32 of all before them, no longer match. */
    private static Buffer withBadChecksum(Buffer frame) {
        Buffer copy = frame.copy();
        int at = copy.length() - 1;
        copy.setByte(at, (byte) (copy.getByte(at) ^ 0x5A));
        return copy;
    }

    /** An SSE frame without the blank line that ends its event, so that its data lines join the next event's. */
    private static Buffer withoutBlankLine(Buffer frame) {
        int end = frame.length();
        while (end > 0 && frame.getByte(end - 1) == '\n') {
            end--;
        }
        return frame.slice(0, end).copy().appendString("\n");
    }

    private long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Runs {@code action} on this request's event loop after {@code delayMs} from now, unless the caller left. */
    private void later(long delayMs, Runnable action) {
        if (delayMs <= 0) {
            ctx.vertx().runOnContext(v -> {
                if (!closed) action.run();
            });
        } else {
            ctx.vertx().setTimer(delayMs, id -> {
                if (!closed) action.run();
            });
        }
    }

    private void head(int status, Map<String, String> headers) {
        response.setStatusCode(status);
        MultiMap h = response.headers();
        headers.forEach(h::set);
    }

    private void send(Answer answer) {
        if (closed || response.ended()) {
            return;
        }
        head(answer.status(), answer.headers());
        response.end(answer.body());
    }

    private void sendCompleted(Answer answer) {
        send(answer);
        runtime.counters().count(model, SimCounters.Event.COMPLETED);
    }

    private void closeConnection() {
        closedByUs = true;
        ctx.request().connection().close();
    }
}
