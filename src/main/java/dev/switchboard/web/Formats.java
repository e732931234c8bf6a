package dev.switchboard.web;

import io.quarkus.qute.TemplateExtension;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Number formatting for templates, as {@code {fmt:ms(x)}}. Every formatter takes a nullable value and prints
 * "no data" for null, so a missing figure can never render as a zero.
 */
@TemplateExtension(namespace = "fmt")
public final class Formats {

    public static final String NO_DATA = "no data";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MMM d, yyyy", Locale.ENGLISH);

    private Formats() {
    }

    /** Token counts the way model cards show them: 8K, 200K, 1M, 1.05M. */
    public static String tokens(Integer value) {
        if (value == null) {
            return "—";
        }
        if (value >= 1_000_000) {
            return trim(BigDecimal.valueOf(value).divide(BigDecimal.valueOf(1_000_000), 2, RoundingMode.HALF_UP)) + "M";
        }
        if (value >= 1_000) {
            // 163,840 reads better as 164K than 163.8K; small windows keep a decimal (4.1K).
            int decimals = value >= 100_000 ? 0 : 1;
            return trim(BigDecimal.valueOf(value).divide(BigDecimal.valueOf(1_000), decimals, RoundingMode.HALF_UP)) + "K";
        }
        return value.toString();
    }

    /** USD per million tokens: $3, $0.15, $0.075; "free" for zero; "—" where the provider lists no price. */
    public static String price(BigDecimal value) {
        if (value == null) {
            return "—";
        }
        if (value.signum() == 0) {
            return "free";
        }
        BigDecimal rounded = value.setScale(4, RoundingMode.HALF_UP)
                .stripTrailingZeros();
        // Cents are written as cents ($1.50, not $1.5); whole dollars stay short ($3).
        if (rounded.scale() == 1) {
            rounded = rounded.setScale(2, RoundingMode.UNNECESSARY);
        }
        return "$" + rounded.toPlainString();
    }

    /** An amount in USD with cents, more decimals only where they matter: {@code $0.00}, {@code $4.50}, {@code $0.0042}. */
    public static String usd(BigDecimal value) {
        if (value == null) {
            return NO_DATA;
        }
        int scale = Math.max(2, Math.min(6, value.stripTrailingZeros().scale()));
        return "$" + value.setScale(scale, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    /** Milliseconds: 85 ms, 820 ms, 1.24 s. */
    public static String ms(Double value) {
        if (value == null) {
            return NO_DATA;
        }
        if (value >= 1000) {
            return trim(BigDecimal.valueOf(value / 1000).setScale(2, RoundingMode.HALF_UP)) + " s";
        }
        return Math.round(value) + " ms";
    }

    /** Tokens per second: 85 tok/s, 1,250 tok/s. */
    public static String tps(Double value) {
        if (value == null) {
            return NO_DATA;
        }
        if (value < 10) {
            return trim(BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP)) + " tok/s";
        }
        return count(Math.round(value)) + " tok/s";
    }

    /** A percentage with one decimal where it matters: 100%, 99.5%, 87.3%. */
    public static String percent(Double value) {
        if (value == null) {
            return NO_DATA;
        }
        return trim(BigDecimal.valueOf(value).setScale(value >= 99.95 && value < 100 ? 2 : 1, RoundingMode.HALF_UP)) + "%";
    }

    /** A rate rounded to a whole number, "no data" when there is none. */
    public static String rate(Double value) {
        return value == null ? NO_DATA : count(Math.round(value));
    }

    public static String count(long value) {
        return NumberFormat.getIntegerInstance(Locale.ENGLISH).format(value);
    }

    public static String date(LocalDate value) {
        return value == null ? "—" : DATE.format(value);
    }

    public static String time(Instant value) {
        return value == null ? "—" : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ENGLISH)
                .format(value.atOffset(ZoneOffset.UTC));
    }

    /** "1 sample", "3 samples". */
    public static String samples(long n) {
        return counted(n, "sample");
    }

    /** "1 call", "3 calls". */
    public static String calls(long n) {
        return counted(n, "call");
    }

    /**
     * A count with its noun, singular for exactly one: {@code {fmt:counted(n, 'model')}} gives "1 model",
     * "0 models", "1,234 models". The one place the portal pluralises, so no page says "1 calls". Takes any
     * {@link Number} because templates pass ints and Integers as they are, and a {@code long} parameter would not
     * match them.
     */
    public static String counted(Number n, String noun) {
        return n == null ? NO_DATA : count(n.longValue()) + " " + noun(n, noun);
    }

    /** The noun alone, for a count shown apart from it (in bold, a link): "model" for 1, "models" otherwise. */
    public static String noun(Number n, String noun) {
        return n != null && n.longValue() == 1 ? noun : noun + "s";
    }

    private static String trim(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
