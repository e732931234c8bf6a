package dev.switchboard.sim;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Draws each request's {@link SimPlan} from a random sequence per model, seeded by the server's seed and the model
 * id: the n-th request for a model gets the same plan whatever other models were asked in between, and however long
 * anything took. Every plan takes the same number of draws, so changing a profile changes what a draw means, never
 * which draw the next request gets.
 */
final class SimPlanner {

    private static final long SLOW_TAIL_SALT = 0x51035107A11L;
    private final long seed;
    private final Map<String, SplittableRandom> sequences = new ConcurrentHashMap<>();

    SimPlanner(long seed) {
        this.seed = seed;
    }

    SimPlan plan(String model, SimProfile profile) {
        long requestSeed;
        SplittableRandom sequence = sequences.computeIfAbsent(model, m -> new SplittableRandom(seed ^ hash(m)));
        synchronized (sequence) {
            requestSeed = sequence.nextLong();
        }
        SplittableRandom r = new SplittableRandom(requestSeed);
        double faultDraw = r.nextDouble();
        double streamFaultDraw = r.nextDouble();
        double position = r.nextDouble();
        double ttftNormal = r.nextGaussian();
        double lengthNormal = r.nextGaussian();
        long contentSeed = r.nextLong();

        SimFault fault = fault(profile, faultDraw, streamFaultDraw);
        long ttft = Math.round(profile.ttftMs() * Math.exp(profile.ttftSpread() * ttftNormal));
        // the slow tail draws from its own generator, so a profile without it draws the same plans as before
        if (profile.slowFirstTokenRate() > 0
                && new SplittableRandom(requestSeed ^ SLOW_TAIL_SALT).nextDouble() < profile.slowFirstTokenRate()) {
            ttft = Math.round(profile.slowFirstTokenMs());
        }
        int length = (int) Math.max(1, Math.round(profile.outputTokens()
                * Math.exp(profile.outputTokensSpread() * lengthNormal)));
        return new SimPlan(profile, fault, ttft, length, position, contentSeed);
    }

    /** Forgets the sequences: the next request per model is again the first. */
    void restart() {
        sequences.clear();
    }

    /** Forgets one model's sequence: its next request is again its first. */
    void restart(String model) {
        sequences.remove(model);
    }

    private static SimFault fault(SimProfile p, double draw, double streamDraw) {
        double edge = 0;
        if (draw < (edge += p.rateLimitedRate())) return SimFault.RATE_LIMITED;
        if (draw < (edge += p.overloadedRate())) return SimFault.OVERLOADED;
        if (draw < (edge += p.unavailableRate())) return SimFault.UNAVAILABLE;
        if (draw < (edge += p.serverErrorRate())) return SimFault.SERVER_ERROR;
        if (draw < (edge += p.hangRate())) return SimFault.HANG;
        // the newer faults come after the older ones, so a profile without them draws the same faults as before
        if (draw < (edge += p.rateLimitedNoRetryAfterRate())) return SimFault.RATE_LIMITED_NO_RETRY_AFTER;
        if (draw < edge + p.badGatewayRate()) return SimFault.BAD_GATEWAY;
        edge = 0;
        if (streamDraw < (edge += p.abortRate())) return SimFault.ABORT;
        if (streamDraw < (edge += p.malformedRate())) return SimFault.MALFORMED;
        if (streamDraw < (edge += p.midStreamErrorRate())) return SimFault.MID_STREAM_ERROR;
        if (streamDraw < (edge += p.resetAfterHeadersRate())) return SimFault.RESET_AFTER_HEADERS;
        if (streamDraw < (edge += p.stallRate())) return SimFault.STALL;
        if (streamDraw < (edge += p.badFramingRate())) return SimFault.BAD_FRAMING;
        if (streamDraw < (edge += p.slowDripRate())) return SimFault.SLOW_DRIP;
        if (streamDraw < edge + p.badChecksumRate()) return SimFault.BAD_CHECKSUM;
        return SimFault.NONE;
    }

    /** FNV-1a over the UTF-8 bytes: stable across JVMs and runs, unlike identity hashes. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
