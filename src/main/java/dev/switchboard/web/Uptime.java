package dev.switchboard.web;

/** Calls in a window: successes, provider failures, and rate-limited calls (which are not in the percentage). */
public record Uptime(long ok, long failed, long rateLimited, Double percent) {

    public static final Uptime NONE = new Uptime(0, 0, 0, null);

    public long calls() {
        return ok + failed;
    }
}
