package dev.switchboard.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A scrape of /q/metrics parsed as the Prometheus text exposition format (0.0.4) says: {@code # HELP}/{@code # TYPE}
 * comments, then one sample per line, {@code name{label="value",...} value [timestamp]}, label values escaped with
 * {@code \\}, {@code \"} and {@code \n}. A line that does not parse fails the test: the scrape must be valid.
 */
public final class PrometheusText {

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;
    private final Map<String, String> types;

    private PrometheusText(List<Sample> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 4 && parts[1].equals("TYPE")) {
                    types.put(parts[2], parts[3].strip());
                }
                continue;
            }
            samples.add(sample(line));
        }
        return new PrometheusText(samples, types);
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && isNameChar(line.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0) {
            throw new AssertionError("no metric name: " + line);
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*") || line.charAt(eq + 1) != '"') {
                    throw new AssertionError("bad label at " + i + ": " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(switch (next) {
                            case 'n' -> '\n';
                            case '\\' -> '\\';
                            case '"' -> '"';
                            default -> throw new AssertionError("bad escape \\" + next + ": " + line);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new AssertionError("label " + label + " twice: " + line);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).strip().split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new AssertionError("bad value: " + line);
        }
        return new Sample(name, labels, value(rest[0]));
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static boolean isNameChar(char c, boolean first) {
        return Character.isLetter(c) || c == '_' || c == ':' || !first && Character.isDigit(c);
    }

    /** The samples of {@code name} whose labels include every one of {@code match}. */
    public List<Sample> series(String name, Map<String, String> match) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(match.entrySet())).toList();
    }

    /** The sum over the matching series; 0 when there is none (a counter not yet created has counted nothing). */
    double sum(String name, Map<String, String> match) {
        return series(name, match).stream().mapToDouble(Sample::value).sum();
    }

    /** The one series matching; fails when there is none or several. */
    double value(String name, Map<String, String> match) {
        List<Sample> found = series(name, match);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + name + match + ", found " + found);
        }
        return found.getFirst().value();
    }

    /** Every value label {@code label} takes across metrics named with {@code prefix}. */
    Set<String> labelValues(String prefix, String label) {
        Set<String> values = new TreeSet<>();
        samples.stream().filter(s -> s.name().startsWith(prefix)).map(s -> s.labels().get(label))
                .filter(v -> v != null).forEach(values::add);
        return values;
    }

    public List<Sample> all() {
        return samples;
    }

    String type(String family) {
        return types.get(family);
    }
}
