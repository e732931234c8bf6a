package dev.switchboard.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Error messages quote the caller's bad value so they can find it, but a value may be megabytes: every unbroken run
 * longer than {@value #MAX_RUN} characters is cut to its start and its length, and the message to
 * {@value #MAX_MESSAGE} characters.
 */
public final class Snippet {

    static final int MAX_RUN = 80;
    static final int MAX_MESSAGE = 1000;
    private static final Pattern LONG_RUN = Pattern.compile("\\S{" + (MAX_RUN + 1) + ",}");

    private Snippet() {
    }

    public static String bounded(String message) {
        if (message == null || message.length() <= MAX_RUN) {
            return message;
        }
        Matcher m = LONG_RUN.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String run = m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(run.substring(0, 40) + "…(" + run.length()
                    + " characters)"));
        }
        m.appendTail(out);
        return out.length() <= MAX_MESSAGE ? out.toString() : out.substring(0, MAX_MESSAGE) + "…";
    }
}
