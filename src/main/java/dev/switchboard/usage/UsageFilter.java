package dev.switchboard.usage;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The usage page's query, as typed ({@code group_by}, {@code from}, {@code to}, {@code key}) and as read. Unlike the
 * JSON API's exclusive {@code to}, both days are inclusive here: a person picking "Dec 1 to Dec 7" means the 7th too.
 * Absent dates default to the last 30 days; a date sent empty leaves that end open.
 *
 * @param problem what is wrong with the input, in words for the page; null when it reads
 */
record UsageFilter(String groupByText, String fromText, String toText, String key, UsageQueries.GroupBy groupBy,
                   LocalDate from, LocalDate to, String problem) {

    static final int DEFAULT_DAYS = 30;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    static UsageFilter parse(String groupBy, String from, String to, String key, LocalDate today) {
        String fromText = from == null && to == null ? today.minusDays(DEFAULT_DAYS - 1).toString() : blank(from);
        String toText = from == null && to == null ? today.toString() : blank(to);
        String keyText = blank(key);
        String byText = groupBy == null || groupBy.isBlank() ? UsageQueries.GroupBy.MODEL.id() : groupBy.strip();
        UsageQueries.GroupBy by = UsageQueries.GroupBy.parse(byText).orElse(null);
        if (by == null) {
            String allowed = Arrays.stream(UsageQueries.GroupBy.values()).map(UsageQueries.GroupBy::id)
                    .collect(Collectors.joining(", "));
            return new UsageFilter("", fromText, toText, keyText, UsageQueries.GroupBy.MODEL, null, null,
                    "Group by one of " + allowed + ".");
        }
        LocalDate fromDate;
        LocalDate toDate;
        try {
            fromDate = date(fromText);
        } catch (DateTimeParseException e) {
            return invalid(by, fromText, toText, keyText, "The start date is not a date: use the form 2026-12-01.");
        }
        try {
            toDate = date(toText);
        } catch (DateTimeParseException e) {
            return invalid(by, fromText, toText, keyText, "The end date is not a date: use the form 2026-12-01.");
        }
        if (fromDate != null && toDate != null && fromDate.isAfter(toDate)) {
            return invalid(by, fromText, toText, keyText, "The start date is after the end date.");
        }
        if (!keyText.isEmpty() && !KEY_ID.matcher(keyText).matches()) {
            return invalid(by, fromText, toText, "", "There is no such key.");
        }
        return new UsageFilter(by.id(), fromText, toText, keyText, by, fromDate, toDate, null);
    }

    /** The key to report on, null for every key. */
    String keyId() {
        return key.isEmpty() ? null : key;
    }

    /** The same query with a problem found later (an unknown key). */
    UsageFilter refused(String why) {
        return new UsageFilter(groupByText, fromText, toText, "", groupBy, from, to, why);
    }

    /** The link to this view, as the no-JS form would build it (every field, in the form's order). */
    String link() {
        return "/admin/usage?group_by=" + enc(groupByText) + "&from=" + enc(fromText) + "&to=" + enc(toText)
                + "&key=" + enc(key);
    }

    private static UsageFilter invalid(UsageQueries.GroupBy by, String from, String to, String key, String why) {
        return new UsageFilter(by.id(), from, to, key, by, null, null, why);
    }

    private static String blank(String value) {
        return value == null ? "" : value.strip();
    }

    private static LocalDate date(String value) {
        return value.isEmpty() ? null : LocalDate.parse(value);
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
