package dev.switchboard.providers;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what could be a credential from a provider's error text before it goes anywhere: our own keys (whole or
 * a recognisable piece of them), anything shaped like an API key ({@code sk-...}, {@code gsk_...}, {@code AIza...},
 * masked echoes such as {@code sk-abc***xyz}), bearer tokens, long random-looking tokens (hex, base64), and URL
 * query strings (a key may ride in one). Some hosts echo part of the key they refused, so this runs on every
 * provider message, whatever the status.
 */
public final class Redaction {

    public static final String MARK = "[redacted]";

    private static final Pattern URL_QUERY = Pattern.compile("(?i)(\\b(?:https?|wss?)://[^\\s?#\"'<>]*)\\?[^\\s\"'<>]*");
    private static final Pattern QUERY_PARAM = Pattern.compile(
            "(?i)([?&;](?:key|api[-_]?key|apikey|token|access_token|auth|sig|signature|secret|password)=)[^&\\s\"']*");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[^\\s\"',;]+");
    private static final Pattern HEADER_VALUE = Pattern.compile(
            "(?i)\\b((?:x-)?api[-_]?key|authorization|x-goog-api-key)(\"?\\s*[:=]\\s*\"?)[^\\s\"',;]+");
    /** Candidate tokens: runs of the characters keys are made of (dots and slashes too, for base64 and masks). */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9+/=_\\-.*~]+");
    private static final Pattern KEY_PREFIX = Pattern.compile(
            "^(?:sk|pk|rk|gsk|xai|csk|fw|nvapi|hf|sess|ghp|gho|glpat)[-_][A-Za-z0-9*._\\-]{3,}|^AIza[0-9A-Za-z_\\-]{16,}");
    private static final Pattern ALNUM_RUN = Pattern.compile("[A-Za-z0-9]{20,}");

    private Redaction() {
    }

    /** The text with secrets replaced by {@value #MARK}; {@code secrets} are the credentials this call used. */
    public static String redact(String text, Collection<String> secrets) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 8) {
                out = out.replace(secret, MARK);
            }
        }
        out = URL_QUERY.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "?" + MARK));
        out = QUERY_PARAM.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MARK));
        out = BEARER.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + " " + MARK));
        out = HEADER_VALUE.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MARK));
        Matcher tokens = TOKEN.matcher(out);
        StringBuilder sb = new StringBuilder(out.length());
        int last = 0;
        while (tokens.find()) {
            String token = tokens.group();
            // a sentence's full stop is not part of the token
            int end = tokens.end();
            while (token.endsWith(".") && token.length() > 1) {
                token = token.substring(0, token.length() - 1);
                end--;
            }
            if (looksSecret(token, secrets)) {
                sb.append(out, last, tokens.start()).append(MARK);
                last = end;
            }
        }
        sb.append(out, last, out.length());
        return sb.toString();
    }

    private static boolean looksSecret(String token, Collection<String> secrets) {
        if (token.equals(MARK) || token.length() < 8) {
            return false;
        }
        if (KEY_PREFIX.matcher(token).find()) {
            return true;
        }
        for (String secret : secrets) {
            // a host that echoes "sk-proj-abc...wxyz" shows a piece of the key: its head or its tail
            if (secret != null && secret.length() >= 16
                    && (token.contains(secret.substring(secret.length() - 6)) || token.contains(secret.substring(0, 10)))) {
                return true;
            }
        }
        Matcher run = ALNUM_RUN.matcher(token);
        while (run.find()) {
            String r = run.group();
            long digits = r.chars().filter(Character::isDigit).count();
            long letters = r.length() - digits;
            boolean upper = r.chars().anyMatch(Character::isUpperCase);
            boolean lower = r.chars().anyMatch(Character::isLowerCase);
            // random tokens mix digits and letters throughout; identifiers (getCurrentWeather, Qwen2VLForCausalLM)
            // have a digit or two at most, or no mixed case over such a length
            if (digits >= 3 && letters >= 3 || upper && lower && r.length() >= 40) {
                return true;
            }
        }
        return false;
    }
}
