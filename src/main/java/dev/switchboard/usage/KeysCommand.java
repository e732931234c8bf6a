package dev.switchboard.usage;

import dev.switchboard.limits.KeyLimits;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;

import java.io.PrintStream;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar quarkus-run.jar keys create <name> | list | revoke <id>}: gateway keys from the command line, on
 * the database the app uses. {@code SwitchboardMain} starts it with no HTTP server, prober, simulator or scheduler.
 */
public class KeysCommand implements QuarkusApplication {

    /** What the command must not start: it shares the app's database, nothing else. */
    public static final Map<String, String> QUIET_RUN = Map.of(
            "quarkus.http.host-enabled", "false",
            "quarkus.scheduler.enabled", "false",
            "switchboard.probe.enabled", "false",
            "switchboard.sim.enabled", "false",
            "switchboard.demo", "off",
            "quarkus.log.level", "WARN");

    static final String USAGE = """
            Usage: java -jar quarkus-run.jar keys <command>
              keys create <name> [limits]   create a gateway key and print it (once: it is never shown again)
              keys list                     list the keys (name, id, prefix, created, revoked, limits)
              keys limits <id> [limits]     set a key's limits (the ones not given are removed); none: no limits
              keys revoke <id>              revoke a key; calls with it are refused from the next refresh on
            Limits: --rpm <requests per minute> --tpm <tokens per minute> --budget <USD>
                    --budget-period daily|weekly|monthly|total (default monthly)""";

    private static final List<String> LIMIT_OPTIONS = List.of("--rpm", "--tpm", "--budget", "--budget-period");

    @Inject
    ApiKeyService service;

    @Override
    public int run(String... args) {
        return run(List.of(args), System.out, System.err);
    }

    int run(List<String> args, PrintStream out, PrintStream err) {
        // args[0] is "keys"
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        if (rest.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        switch (rest.getFirst()) {
            case "create" -> {
                List<String> words = new ArrayList<>();
                KeyLimits limits;
                try {
                    limits = limits(rest.subList(1, rest.size()), words);
                } catch (IllegalArgumentException e) {
                    err.println(e.getMessage() + "\n\n" + USAGE);
                    return 2;
                }
                if (words.isEmpty() || String.join(" ", words).isBlank()) {
                    err.println("keys create needs a name, e.g. keys create team-search\n\n" + USAGE);
                    return 2;
                }
                CreatedKey created;
                try {
                    created = service.create(String.join(" ", words), limits);
                } catch (IllegalArgumentException e) {
                    err.println(e.getMessage());
                    return 2;
                }
                out.println("Created gateway key " + created.view().id() + " (" + created.view().name() + ", "
                        + ApiKeyService.describe(limits) + "):");
                out.println();
                out.println("  " + created.key());
                out.println();
                out.println("Copy it now: it is not shown again (only a hash of it is stored).");
                out.println("Send it as 'Authorization: Bearer <key>' or in the 'x-api-key' header.");
                return 0;
            }
            case "list" -> {
                List<ApiKeyView> keys = service.list();
                if (keys.isEmpty()) {
                    out.println("No keys. Create one with: keys create <name>");
                    return 0;
                }
                out.printf("%-22s %-24s %-12s %-20s %-20s %s%n", "ID", "NAME", "PREFIX", "CREATED", "REVOKED",
                        "LIMITS");
                DateTimeFormatter time = DateTimeFormatter.ISO_INSTANT;
                for (ApiKeyView k : keys) {
                    out.printf("%-22s %-24s %-12s %-20s %-20s %s%n", k.id(), k.name(), k.prefix(),
                            time.format(k.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
                            k.revokedAt() == null ? "-"
                                    : time.format(k.revokedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
                            ApiKeyService.describe(k.limits()));
                }
                return 0;
            }
            case "limits" -> {
                List<String> words = new ArrayList<>();
                KeyLimits limits;
                try {
                    List<String> given = rest.subList(1, rest.size());
                    limits = given.contains("none") ? KeyLimits.NONE : limits(given, words);
                    if (given.contains("none")) {
                        words.addAll(given.stream().filter(w -> !w.equals("none")).toList());
                    }
                } catch (IllegalArgumentException e) {
                    err.println(e.getMessage() + "\n\n" + USAGE);
                    return 2;
                }
                if (words.size() != 1) {
                    err.println("keys limits needs one key id (see keys list) and the limits, e.g. keys limits "
                            + "key_abc --rpm 60 --budget 10\n\n" + USAGE);
                    return 2;
                }
                if (!service.setLimits(words.getFirst(), limits)) {
                    err.println("No active key with id " + words.getFirst() + " (see keys list).");
                    return 1;
                }
                out.println("Limits of " + words.getFirst() + ": " + ApiKeyService.describe(limits) + ". Running "
                        + "replicas apply them within switchboard.auth.refresh-interval (default 10s).");
                return 0;
            }
            case "revoke" -> {
                if (rest.size() != 2) {
                    err.println("keys revoke needs one key id (see keys list)\n\n" + USAGE);
                    return 2;
                }
                if (!service.revoke(rest.get(1))) {
                    err.println("No active key with id " + rest.get(1) + " (see keys list).");
                    return 1;
                }
                out.println("Revoked " + rest.get(1) + ". Running replicas refuse it within "
                        + "switchboard.auth.refresh-interval (default 10s).");
                return 0;
            }
            default -> {
                err.println("Unknown keys command '" + rest.getFirst() + "'.\n\n" + USAGE);
                return 2;
            }
        }
    }

    /** Reads the limit options out of {@code args}; the other words go to {@code words}. */
    static KeyLimits limits(List<String> args, List<String> words) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (LIMIT_OPTIONS.contains(name)) {
                String value;
                if (arg.contains("=")) {
                    value = arg.substring(arg.indexOf('=') + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new IllegalArgumentException(name + " needs a value.");
                }
                if (options.put(name, value) != null) {
                    throw new IllegalArgumentException(name + " is given twice.");
                }
            } else if (arg.startsWith("--")) {
                throw new IllegalArgumentException("Unknown option " + arg + ".");
            } else {
                words.add(arg);
            }
        }
        return KeyLimits.parse(options.get("--rpm"), options.get("--tpm"), options.get("--budget"),
                options.get("--budget-period"));
    }
}
