package dev.switchboard.web;

/**
 * The live numbers shown for a model or an endpoint. A null value means "no data" and is shown as such, never as a
 * zero; each figure comes with the number of samples behind it.
 */
public record LiveNumbers(
        Double ttftP50,
        Double ttftP90,
        long ttftSamples,
        Double throughputP50,
        Double throughputP90,
        long throughputSamples,
        Double uptime24h,
        long uptimeCalls) {

    public static final LiveNumbers NO_DATA = new LiveNumbers(null, null, 0, null, null, 0, null, 0);

    public boolean hasAny() {
        return ttftP50 != null || throughputP50 != null || uptime24h != null;
    }
}
