package dev.switchboard.sim;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/** What the simulator saw, per model id: served on {@code GET /_sim/requests}. */
public final class SimCounters {

    /** The things counted. */
    public enum Event {
        /** A request naming this model, whatever became of it. */
        RECEIVED,
        /** A 200 response sent to its end (a malformed chunk included). */
        COMPLETED,
        /** Refused as a real provider would: bad key, missing header, invalid body. */
        REJECTED,
        /** The caller closed the connection before the response ended. */
        CANCELLED,
        HUNG,
        ABORTED,
        MALFORMED,
        MID_STREAM_ERROR,
        RATE_LIMITED,
        OVERLOADED,
        UNAVAILABLE,
        SERVER_ERROR,
        RATE_LIMITED_NO_RETRY_AFTER,
        BAD_GATEWAY,
        RESET_AFTER_HEADERS,
        STALLED,
        BAD_FRAMING,
        SLOW_DRIP,
        BAD_CHECKSUM
    }

    /** Errors injected before the first byte, by kind. */
    public record Errors(long rateLimited, long overloaded, long unavailable, long serverError,
            long rateLimitedNoRetryAfter, long badGateway) {
    }

    /** One model's counts. */
    public record ModelStats(long received, long completed, long rejected, long cancelled, long hung, long aborted,
            long malformed, long midStreamErrors, Errors errors, long resetAfterHeaders, long stalled,
            long badFraming, long slowDrips, long badChecksums) {
    }

    private static final Map<SimFault, Event> FAULT_EVENTS = new EnumMap<>(Map.ofEntries(
            Map.entry(SimFault.RATE_LIMITED, Event.RATE_LIMITED),
            Map.entry(SimFault.OVERLOADED, Event.OVERLOADED),
            Map.entry(SimFault.UNAVAILABLE, Event.UNAVAILABLE),
            Map.entry(SimFault.SERVER_ERROR, Event.SERVER_ERROR),
            Map.entry(SimFault.HANG, Event.HUNG),
            Map.entry(SimFault.ABORT, Event.ABORTED),
            Map.entry(SimFault.MALFORMED, Event.MALFORMED),
            Map.entry(SimFault.MID_STREAM_ERROR, Event.MID_STREAM_ERROR),
            Map.entry(SimFault.RATE_LIMITED_NO_RETRY_AFTER, Event.RATE_LIMITED_NO_RETRY_AFTER),
            Map.entry(SimFault.BAD_GATEWAY, Event.BAD_GATEWAY),
            Map.entry(SimFault.RESET_AFTER_HEADERS, Event.RESET_AFTER_HEADERS),
            Map.entry(SimFault.STALL, Event.STALLED),
            Map.entry(SimFault.BAD_FRAMING, Event.BAD_FRAMING),
            Map.entry(SimFault.SLOW_DRIP, Event.SLOW_DRIP),
            Map.entry(SimFault.BAD_CHECKSUM, Event.BAD_CHECKSUM)));

    private final Map<String, AtomicLongArray> counts = new ConcurrentHashMap<>();
    /** The W3C trace context of each model's latest request, as a traced provider would see it. */
    private final Map<String, String> traceparents = new ConcurrentHashMap<>();

    /** The prefill (a final assistant message's text) of each model's latest request that had one. */
    private final Map<String, String> prefills = new ConcurrentHashMap<>();

    public void count(String model, Event event) {
        counts.computeIfAbsent(model, m -> new AtomicLongArray(Event.values().length)).incrementAndGet(event.ordinal());
    }

    /** Counts an injected fault under its event; {@link SimFault#NONE} counts nothing. */
    public void countFault(String model, SimFault fault) {
        Event event = FAULT_EVENTS.get(fault);
        if (event != null) {
            count(model, event);
        }
    }

    /** Notes the {@code traceparent} header a request for this model came with (null: none). */
    public void traceparent(String model, String header) {
        if (header == null) {
            traceparents.remove(model);
        } else {
            traceparents.put(model, header);
        }
    }

    /** The {@code traceparent} of the latest request for this model, or null when it came without one. */
    public String lastTraceparent(String model) {
        return traceparents.get(model);
    }

    /** Notes the prefill a request for this model asked the answer to continue. */
    public void prefill(String model, String text) {
        prefills.put(model, text);
    }

    /** The prefill of the latest request for this model that had one, or null when none had. */
    public String lastPrefill(String model) {
        return prefills.get(model);
    }

    public ModelStats get(String model) {
        AtomicLongArray a = counts.get(model);
        if (a == null) {
            a = new AtomicLongArray(Event.values().length);
        }
        return new ModelStats(a.get(Event.RECEIVED.ordinal()), a.get(Event.COMPLETED.ordinal()),
                a.get(Event.REJECTED.ordinal()), a.get(Event.CANCELLED.ordinal()), a.get(Event.HUNG.ordinal()),
                a.get(Event.ABORTED.ordinal()), a.get(Event.MALFORMED.ordinal()),
                a.get(Event.MID_STREAM_ERROR.ordinal()),
                new Errors(a.get(Event.RATE_LIMITED.ordinal()), a.get(Event.OVERLOADED.ordinal()),
                        a.get(Event.UNAVAILABLE.ordinal()), a.get(Event.SERVER_ERROR.ordinal()),
                        a.get(Event.RATE_LIMITED_NO_RETRY_AFTER.ordinal()), a.get(Event.BAD_GATEWAY.ordinal())),
                a.get(Event.RESET_AFTER_HEADERS.ordinal()), a.get(Event.STALLED.ordinal()),
                a.get(Event.BAD_FRAMING.ordinal()), a.get(Event.SLOW_DRIP.ordinal()),
                a.get(Event.BAD_CHECKSUM.ordinal()));
    }

    /** Every model seen, by id. */
    public Map<String, ModelStats> all() {
        Map<String, ModelStats> out = new TreeMap<>();
        counts.keySet().forEach(model -> out.put(model, get(model)));
        return out;
    }

    public void reset() {
        counts.clear();
        traceparents.clear();
        prefills.clear();
    }
}
