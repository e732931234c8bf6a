package dev.switchboard.stats;

import java.util.Arrays;

/**
 * Postgres {@code integer[]} in its text form ({@code {1,2,3}}). Passing histograms as text avoids boxing every
 * element through {@link java.sql.Array} on the paths that read thousands of rows.
 */
final class IntArrays {

    private static final int[] EMPTY = new int[0];

    private IntArrays() {
    }

    static String format(int[] values) {
        StringBuilder sb = new StringBuilder(values.length * 4 + 2).append('{');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(values[i]);
        }
        return sb.append('}').toString();
    }

    /** Parses a one-dimensional array of non-null integers; null or {@code {}} gives an empty array. */
    static int[] parse(String text) {
        if (text == null || text.length() <= 2) {
            return EMPTY;
        }
        if (text.charAt(0) != '{' || text.charAt(text.length() - 1) != '}') {
            throw new IllegalArgumentException("not an integer array: " + text);
        }
        int[] out = new int[8];
        int n = 0;
        int value = 0;
        boolean negative = false;
        boolean digits = false;
        for (int i = 1; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch >= '0' && ch <= '9') {
                value = value * 10 + (ch - '0');
                digits = true;
            } else if (ch == '-' && !digits) {
                negative = true;
            } else if (ch == ',' || ch == '}') {
                if (!digits) {
                    throw new IllegalArgumentException("not an integer array: " + text);
                }
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = negative ? -value : value;
                value = 0;
                negative = false;
                digits = false;
            } else {
                throw new IllegalArgumentException("not an integer array: " + text);
            }
        }
        return Arrays.copyOf(out, n);
    }
}
