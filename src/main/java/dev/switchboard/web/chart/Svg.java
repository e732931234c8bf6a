package dev.switchboard.web.chart;

/** Coordinates are kept to one decimal: finer is invisible at chart size and only makes the markup longer. */
final class Svg {

    private Svg() {
    }

    static double round(double value) {
        // Adding 0.0 turns -0.0 into 0.0, so output never carries a "-0".
        return Math.round(value * 10) / 10.0 + 0.0;
    }

    /** "72", "100.5": the shortest text for a rounded coordinate. */
    static String number(double value) {
        long tenths = Math.round(value * 10);
        if (tenths % 10 == 0) {
            return Long.toString(tenths / 10);
        }
        String sign = tenths < 0 ? "-" : "";
        long abs = Math.abs(tenths);
        return sign + abs / 10 + "." + abs % 10;
    }

    /** "chart-ttft-24h": lower-case letters, digits and single hyphens, safe in an id and in aria-labelledby. */
    static String slug(String text) {
        String slug = text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return slug.isEmpty() ? "chart" : slug;
    }
}
