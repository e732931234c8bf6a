package dev.switchboard.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic English-ish text, one word per token, and the simulator's token arithmetic. */
public final class SimText {

    private static final String[] WORDS = ("the of and to in is that for it as with was on be by this are from at or "
            + "an have not which but they all their has were more one can will there been would its also about into "
            + "than other when only some time these two may first then any new over such where most used system "
            + "data model request provider latency token stream answer question value result number part point "
            + "example case order route service network response people world work life year place thing way "
            + "because through while before after under between during without within across against toward "
            + "simple clear small large early late quick careful useful common different important possible likely "
            + "general specific local remote final steady recent similar careful natural practical reliable "
            + "make take give find think know show keep help begin seem turn start move follow change read build "
            + "measure compare return choose explain describe consider improve reduce expect provide require "
            + "often usually rather quite perhaps still already again always never together almost however").split(" ");

    private SimText() {
    }

    /** {@code tokens} words forming sentences; each token after the first carries its leading space. */
    public static List<String> tokens(SplittableRandom random, int tokens) {
        List<String> out = new ArrayList<>(tokens);
        int sentenceLeft = 0;
        for (int i = 0; i < tokens; i++) {
            boolean start = sentenceLeft == 0;
            if (start) {
                sentenceLeft = 6 + random.nextInt(11);
            }
            String word = WORDS[random.nextInt(WORDS.length)];
            if (start) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            sentenceLeft--;
            if (sentenceLeft == 0 || i == tokens - 1) {
                word = word + (random.nextInt(8) == 0 ? "!" : ".");
                sentenceLeft = 0;
            } else if (random.nextInt(14) == 0) {
                word = word + ",";
            }
            out.add(i == 0 ? word : " " + word);
        }
        return out;
    }

    /**
     * {@code tokens} words that go on from {@code prefix}, as a model continuing a prefilled answer writes them: the
     * first carries its leading space unless the prefix ends in whitespace, and is capitalised only when the prefix
     * ended a sentence.
     */
    public static List<String> continuation(SplittableRandom random, int tokens, String prefix) {
        List<String> out = tokens(random, tokens);
        if (out.isEmpty()) {
            return out;
        }
        String trimmed = prefix.stripTrailing();
        boolean sentenceEnded = trimmed.isEmpty() || ".!?".indexOf(trimmed.charAt(trimmed.length() - 1)) >= 0;
        String first = out.getFirst();
        if (!sentenceEnded) {
            first = Character.toLowerCase(first.charAt(0)) + first.substring(1);
        }
        boolean spaced = !prefix.isEmpty() && Character.isWhitespace(prefix.charAt(prefix.length() - 1));
        out.set(0, spaced ? first : " " + first);
        return out;
    }

    /** Words in a text (runs of non-whitespace): the tokens a prefill already holds, in this simulator's arithmetic. */
    public static int words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    /** One plausible word, for generated tool arguments. */
    public static String word(SplittableRandom random) {
        return WORDS[random.nextInt(WORDS.length)];
    }

    /** Input token estimate: about four characters per token, at least one. */
    public static int estimateTokens(int chars) {
        return Math.max(1, (chars + 3) / 4);
    }

    /** Random characters from [0-9A-Za-z], as in the vendors' ids. */
    public static String base62(SplittableRandom random, int length) {
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Splits a string into pieces of about {@code size} characters (the last may be shorter). */
    public static List<String> fragments(String s, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.length(); i += size) {
            out.add(s.substring(i, Math.min(s.length(), i + size)));
        }
        if (out.isEmpty()) {
            out.add("");
        }
        return out;
    }
}
