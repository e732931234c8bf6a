package dev.switchboard.sim;

import io.vertx.core.Vertx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The simulated upstream as its own process, without Quarkus:
 * {@code java -cp '...' dev.switchboard.sim.SimulatorMain --port 8090 --seed 7 --profiles sim.yaml --keys k1,k2
 * --aws-keys AKID1:secret1}.
 */
public final class SimulatorMain {

    private static final String USAGE = """
            Usage: SimulatorMain [--port N] [--host H] [--seed N] [--profiles FILE] [--keys K1,K2]
                                 [--aws-keys ID1:SECRET1,ID2:SECRET2]
                                 [--google-service-account FILE|EMAIL=PEMFILE]...
              --port      port to listen on (default 8090; 0 = any free port)
              --host      interface to bind (default 127.0.0.1; 0.0.0.0 for all)
              --seed      seed of every random choice (default 42)
              --profiles  YAML or JSON file: model id -> profile fields, "*" = the default profile
              --keys      accepted API keys, comma-separated (default sim-key-1)
              --aws-keys  AWS access key ids and their secrets for Bedrock's SigV4, comma-separated
                          (default AKIDSIMULATOR000001:simulator/Secret/Access/Key/0000000000000)
              --google-service-account
                          a service-account key JSON, or EMAIL=FILE with its PEM public key, whose signed
                          token requests POST /token accepts (repeatable; default: the simulator's own
                          account, served on GET /_sim/vertex/service-account)
            """;

    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        SimConfig config = SimConfig.defaults();
        int port = 8090;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    System.out.print(USAGE);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--host" -> config = config.withHost(value);
                    case "--seed" -> config = config.withSeed(Long.parseLong(value));
                    case "--profiles" -> {
                        Path file = Path.of(value);
                        if (!Files.isReadable(file)) {
                            throw new IllegalArgumentException("cannot read profiles file " + file);
                        }
                        config = config.withProfiles(SimProfiles.read(file, config.defaultProfile()));
                    }
                    case "--google-service-account" -> config = config.withGoogleServiceAccount(serviceAccount(value));
                    case "--keys" -> {
                        Set<String> keys = new LinkedHashSet<>();
                        Arrays.stream(value.split(",")).map(String::trim).filter(k -> !k.isEmpty())
                                .forEach(keys::add);
                        config = config.withApiKeys(keys);
                    }
                    case "--aws-keys" -> config = config.withAwsCredentials(awsKeys(value));
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }

        Vertx vertx = Vertx.vertx();
        SimServer server = new SimServer(vertx, config);
        int actual = server.start(port);
        String url = "http://" + config.host() + ":" + actual;
        System.out.println("Switchboard simulated upstream listening on " + url);
        System.out.println("  OpenAI:    " + url + "/v1  (Azure: " + url + "/openai/deployments/{model}/...)");
        System.out.println("  Anthropic: " + url);
        System.out.println("  Bedrock:   " + url + "  (endpoint override; SigV4 with access key "
                + String.join(" or ", config.awsCredentials().keySet()) + ", any region)");
        System.out.println("  Vertex AI: " + url + "/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:"
                + "generateContent (tokens from " + url + "/token; key JSON: " + url + "/_sim/vertex/service-account)");
        System.out.println("  Gemini API: " + url + "/v1beta/models/{m}:generateContent (x-goog-api-key)");
        System.out.println("  Control:   " + url + "/_sim/profiles, " + url + "/_sim/requests");
        System.out.println("  Seed " + config.seed() + ", " + config.profiles().size() + " model profile(s), "
                + config.apiKeys().size() + " API key(s), " + config.awsCredentials().size() + " AWS access key(s)");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            vertx.close();
            stopped.countDown();
        }, "sim-shutdown"));
        stopped.await();
    }

    /** {@code ID1:SECRET1,ID2:SECRET2}: the secret is everything after the first colon. */
    static Map<String, String> awsKeys(String value) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            String p = pair.trim();
            int colon = p.indexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                // the value is not repeated: it holds secrets
                throw new IllegalArgumentException("--aws-keys wants ACCESS_KEY_ID:SECRET pairs, comma-separated");
            }
            keys.put(p.substring(0, colon), p.substring(colon + 1));
        }
        return keys;
    }

    /** A key JSON file, or {@code email=file} with a PEM public key. */
    static SimServiceAccount serviceAccount(String value) {
        int eq = value.indexOf('=');
        try {
            if (eq > 0 && !Files.exists(Path.of(value))) {
                return SimServiceAccount.fromPublicKey(value.substring(0, eq),
                        Files.readString(Path.of(value.substring(eq + 1))));
            }
            return SimServiceAccount.fromJson(Files.readString(Path.of(value)));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read service account " + value + ": " + e.getMessage());
        }
    }
}
