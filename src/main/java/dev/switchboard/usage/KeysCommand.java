package dev.switchboard.usage;

import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;

import java.io.PrintStream;
import java.time.format.DateTimeFormatter;
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
              keys create <name>   create a gateway key and print it (once: it is never shown again)
              keys list            list the keys (name, id, prefix, created, revoked)
              keys revoke <id>     revoke a key; calls with it are refused from the next refresh on""";

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
                if (rest.size() < 2 || String.join(" ", rest.subList(1, rest.size())).isBlank()) {
                    err.println("keys create needs a name, e.g. keys create team-search\n\n" + USAGE);
                    return 2;
                }
                CreatedKey created;
                try {
                    created = service.create(String.join(" ", rest.subList(1, rest.size())));
                } catch (IllegalArgumentException e) {
                    err.println(e.getMessage());
                    return 2;
                }
                out.println("Created gateway key " + created.view().id() + " (" + created.view().name() + "):");
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
                out.printf("%-22s %-24s %-12s %-20s %s%n", "ID", "NAME", "PREFIX", "CREATED", "REVOKED");
                DateTimeFormatter time = DateTimeFormatter.ISO_INSTANT;
                for (ApiKeyView k : keys) {
                    out.printf("%-22s %-24s %-12s %-20s %s%n", k.id(), k.name(), k.prefix(),
                            time.format(k.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
                            k.revokedAt() == null ? "-"
                                    : time.format(k.revokedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
                }
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
}
