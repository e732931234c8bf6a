package dev.switchboard.web.chart;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How times read on charts: always UTC, in English, so every viewer and every test sees the same text. */
final class TimeLabels {

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private TimeLabels() {
    }

    /** "14:00 UTC". */
    static String hour(Instant at) {
        return HOUR.format(at) + " UTC";
    }

    /** "Mon 24". */
    static String day(Instant at) {
        return DAY.format(at);
    }

    /** A bucket's start as a tooltip names it: "14:00 UTC", and over more than a day "Mon 24 14:00 UTC". */
    static String bucket(Instant at, Duration range) {
        return range.compareTo(Duration.ofDays(1)) > 0 ? day(at) + " " + hour(at) : hour(at);
    }

    /** "the last 24 hours", "the last 7 days". Charts always end now (the current bucket), so "last" is right. */
    static String period(Duration range) {
        long hours = range.toHours();
        if (hours >= 48 && hours % 24 == 0) {
            return "the last " + hours / 24 + " days";
        }
        if (hours >= 1 && range.toMinutesPart() == 0 && range.toSecondsPart() == 0) {
            return hours == 1 ? "the last hour" : "the last " + hours + " hours";
        }
        long minutes = Math.max(1, range.toMinutes());
        return minutes == 1 ? "the last minute" : "the last " + minutes + " minutes";
    }

    /** "24h", "7d": a short form for element ids. */
    static String shortPeriod(Duration range) {
        long hours = range.toHours();
        if (hours >= 48 && hours % 24 == 0) {
            return hours / 24 + "d";
        }
        return hours >= 1 ? hours + "h" : range.toMinutes() + "m";
    }
}
