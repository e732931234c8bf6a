package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An operator catalog file for the test suite: a vendor, a provider and three models whose attributes are chosen so
 * each filter and sort has a known answer among them. Added over the shipped catalog, as an operator would.
 */
public final class TestCatalog {

    public static final String VENDOR = "testlab";
    public static final String PROVIDER = "test-lab";
    public static final String PROVIDER_2 = "test-lab-eu";
    public static final String ALPHA = "testlab/alpha";
    public static final String BETA = "testlab/beta";
    public static final String GAMMA = "testlab/gamma";
    /** Models that only the stats-driven page tests sample, so their numbers are known exactly. */
    public static final String RANK_VENDOR = "ranklab";
    public static final String FAST = "ranklab/fast";
    public static final String STEADY = "ranklab/steady";
    public static final String QUIET = "ranklab/quiet";

    /** Models and providers of the proxy's routing tests, served by the in-app simulator (see the test profile). */
    public static final String ROUTE_VENDOR = "routelab";
    public static final String ROUTE_OPENAI = "route-openai";
    public static final String ROUTE_ANTHROPIC = "route-anthropic";
    public static final String ROUTE_BACKUP = "route-backup";
    /**
     * Three providers: route-openai (original vendor; data_collection deny), route-anthropic (cheapest; deny and
     * zdr), route-backup (dearest; the conservative defaults, allow and no zdr).
     */
    public static final String TRIO = "routelab/trio";
    /** One provider, route-openai: its failures are the request's. */
    public static final String SOLO = "routelab/solo";
    /** One provider, route-anthropic: a fallback model. */
    public static final String SPARE = "routelab/spare";
    /** Tools only on route-anthropic; route-openai lists no tools. */
    public static final String TOOLY = "routelab/tooly";
    /** The chaos suite's: route-openai (original vendor, upstream chaos-oa) with the fault, route-anthropic healthy. */
    public static final String CHAOS = "routelab/chaos";
    /** The chaos suite's model with no backup: route-openai only (upstream chaos-solo). */
    public static final String CHAOS_SOLO = "routelab/chaos-solo";
    /**
     * The hedging tests': route-openai (original vendor, upstream hedge-oa), route-backup (hedge-bk), route-anthropic
     * (hedge-an), in that order by {@code provider.order}; hedged only when a request asks.
     */
    public static final String HEDGE = "routelab/hedge";
    /** As {@link #HEDGE} (upstreams hedge-auto-oa, hedge-auto-bk), hedged by the test profile's model setting. */
    public static final String HEDGE_AUTO = "routelab/hedge-auto";
    /** A Bedrock-kind provider (Converse over SigV4, the binary event stream) served by the in-app simulator. */
    public static final String ROUTE_BEDROCK = "route-bedrock";
    /** As {@link #CHAOS} with route-bedrock (upstream chaos-br) as the faulty original vendor. */
    public static final String CHAOS_BEDROCK = "routelab/chaos-bedrock";
    /** route-bedrock alone (upstream chaos-br-solo). */
    public static final String CHAOS_BEDROCK_SOLO = "routelab/chaos-bedrock-solo";
    /** A Vertex-kind provider whose service-account key the in-app simulator's token endpoint trusts. */
    public static final String ROUTE_VERTEX = "route-vertex";
    /** An OpenAI-kind provider on a loopback fake that refuses every key with a 401 quoting it (see the profile). */
    public static final String ROUTE_ECHO = "route-echo";
    /** route-echo (secrets-echo), route-bedrock (secrets-br), route-vertex (secrets-vx): every credential kind in one fail-over. */
    public static final String SECRETS = "routelab/secrets";
    /**
     * Stream continuation's: route-openai (relay-oa, original vendor), route-anthropic (relay-an), route-bedrock
     * (relay-br) and route-backup (relay-bk), the last two flagged {@code assistant_prefill}.
     */
    public static final String RELAY = "routelab/relay";
    /** route-openai (relay-plain-oa), then backups that cannot continue: route-backup unflagged, route-vertex Gemini. */
    public static final String RELAY_PLAIN = "routelab/relay-plain";
    /** count_tokens' model: route-anthropic (original vendor), route-bedrock, route-vertex (a Claude id), route-openai. */
    public static final String COUNTER = "routelab/counter";
    /** count_tokens' Gemini model: route-vertex only (a Gemini id), counted by Vertex's countTokens. */
    public static final String COUNTER_GEMINI = "routelab/counter-gemini";
    /** route-echo alone: its 401 is the caller's answer. */
    public static final String SECRETS_ECHO = "routelab/secrets-echo";

    /** route-openai (sticky-oa) and route-anthropic (sticky-an), neither the original vendor: the stickiness test's. */
    public static final String STICKY = "routelab/sticky";

    /**
     * An embedding model: route-openai (embed-oa, original vendor, $0.02/M), route-anthropic (embed-an, cheapest, but
     * an Anthropic-kind provider cannot embed), route-backup (embed-bk, $0.10/M); both OpenAI-kind ones take
     * dimensions.
     */
    public static final String EMBED = "routelab/embed";
    /** An embedding model on route-openai alone (embed-fixed) that does not take dimensions. */
    public static final String EMBED_FIXED = "routelab/embed-fixed";

    /** Catalog text written by someone hostile (an operator file is text anyone with the repo may edit): see {@link #hostileFile}. */
    public static final String SCRIPT = "<script>alert(1)</script>";
    public static final String BREAKOUT = "\"><img src=x onerror=alert(1)>";
    public static final String HOSTILE_VENDOR = "xsslab";
    public static final String HOSTILE_PROVIDER = "xss-lab";
    public static final String HOSTILE_MODEL = "xsslab/hostile";

    /**
     * The outbound-targets test's (see the test profile): ssrflab/vision on one provider of each kind, all backed by the
     * in-app simulator; ssrflab/broken always fails (a fallback's start); ssrflab/canary on canary-lab, whose base URL
     * is a canary that counts every connection the gateway opens to it.
     */
    public static final String OUTBOUND_VENDOR = "ssrflab";
    public static final String VISION = "ssrflab/vision";
    public static final String BROKEN = "ssrflab/broken";
    public static final String CANARY_MODEL = "ssrflab/canary";
    public static final String CANARY_PROVIDER = "canary-lab";
    public static final String OUTBOUND_OPENAI = "ssrf-openai";
    public static final String OUTBOUND_ANTHROPIC = "ssrf-anthropic";
    public static final String OUTBOUND_GEMINI = "ssrf-gemini";
    public static final String OUTBOUND_BEDROCK = "ssrf-bedrock";

    private static Path file;
    private static Path hostile;
    private static Path outbound;

    private TestCatalog() {
    }

    public static synchronized Path operatorFile() {
        if (file == null) {
            try {
                file = Files.createTempFile("switchboard-test-catalog", ".yaml");
                Files.writeString(file, YAML);
                file.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    /** A second operator file whose names and descriptions carry markup, for the portal's escaping test. */
    public static synchronized Path hostileFile() {
        if (hostile == null) {
            hostile = write("switchboard-hostile-catalog", HOSTILE_YAML);
        }
        return hostile;
    }

    /** A third operator file: the providers and models of the outbound-targets test. */
    public static synchronized Path outboundFile() {
        if (outbound == null) {
            outbound = write("switchboard-outbound-catalog", OUTBOUND_YAML);
        }
        return outbound;
    }

    /** The operator files of the shared profile, as switchboard.catalog.files takes them. */
    public static String operatorFiles() {
        return operatorFile() + "," + hostileFile() + "," + outboundFile();
    }

    private static Path write(String prefix, String yaml) {
        try {
            Path path = Files.createTempFile(prefix, ".yaml");
            Files.writeString(path, yaml);
            path.toFile().deleteOnExit();
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Single-quoted YAML keeps the markup as it is written. Released long ago, so it sorts last among the newest.
    private static final String HOSTILE_YAML = """
            vendors:
              - slug: xsslab
                name: '%1$s Vendor %2$s'
            providers:
              - slug: xss-lab
                name: '%1$s Provider %2$s'
                kind: openai
                base_url: http://127.0.0.1:9/v1
                description: 'Provider text %2$s and %1$s'
            models:
              - slug: xsslab/hostile
                name: '%1$s Model %2$s'
                vendor: xsslab
                description: 'Model text %2$s and %1$s'
                released: 2000-01-01
                context_length: 8000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: xss-lab
                    upstream_id: 'hostile-%2$s'
                    pricing: {input: 1.00, output: 2.00}
            """.formatted(SCRIPT, BREAKOUT);

    // Base URLs are placeholders: the test profile configures each provider's (the simulator, or the canary).
    private static final String OUTBOUND_YAML = """
            vendors:
              - slug: ssrflab
                name: Outbound Lab
            providers:
              - slug: canary-lab
                name: Canary Lab
                kind: openai
                base_url: http://127.0.0.1:9/v1
              - slug: ssrf-openai
                name: Outbound Lab OpenAI-compatible
                kind: openai
                base_url: http://127.0.0.1:9/v1
              - slug: ssrf-anthropic
                name: Outbound Lab Anthropic-compatible
                kind: anthropic
                base_url: http://127.0.0.1:9
              - slug: ssrf-gemini
                name: Outbound Lab Gemini
                kind: vertex
                base_url: http://127.0.0.1:9
              - slug: ssrf-bedrock
                name: Outbound Lab Bedrock
                kind: bedrock
                base_url: http://127.0.0.1:9
                region: us-east-1
            models:
              - slug: ssrflab/vision
                name: Outbound Vision
                vendor: ssrflab
                description: Sees pictures, on one provider of each wire kind.
                released: 2017-01-01
                context_length: 32000
                input_modalities: [text, image]
                output_modalities: [text]
                capabilities: [vision]
                endpoints:
                  - provider: ssrf-openai
                    upstream_id: vision-oa
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: ssrf-anthropic
                    upstream_id: vision-an
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: ssrf-gemini
                    upstream_id: vision-gm
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: ssrf-bedrock
                    upstream_id: vision-br
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: ssrflab/broken
                name: Outbound Broken
                vendor: ssrflab
                description: Always fails, so that its fallbacks are tried.
                released: 2017-01-02
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: ssrf-openai
                    upstream_id: broken-oa
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: ssrflab/canary
                name: Outbound Canary
                vendor: ssrflab
                description: Served by the canary; only the positive control calls it.
                released: 2017-01-03
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: canary-lab
                    upstream_id: canary-1
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
            """;

    private static final String YAML = """
            vendors:
              - slug: testlab
                name: Test Lab
              - slug: ranklab
                name: Rank Lab
              - slug: routelab
                name: Route Lab
            providers:
              - slug: route-openai
                name: Route Lab OpenAI-compatible
                kind: openai
                base_url: http://127.0.0.1:9/v1
                data_collection: deny
              - slug: route-anthropic
                name: Route Lab Anthropic-compatible
                kind: anthropic
                base_url: http://127.0.0.1:9
                data_collection: deny
                zdr: true
              - slug: route-backup
                name: Route Lab Backup
                kind: openai
                base_url: http://127.0.0.1:9/v1
              - slug: route-bedrock
                name: Route Lab Bedrock
                kind: bedrock
                base_url: http://127.0.0.1:9
              - slug: route-vertex
                name: Route Lab Vertex
                kind: vertex
                base_url: http://127.0.0.1:9
                region: us-central1
              - slug: route-echo
                name: Route Lab Echo
                kind: openai
                base_url: http://127.0.0.1:9/v1
              - slug: test-lab
                name: Test Lab Cloud
                kind: openai
                base_url: http://127.0.0.1:9/v1
                description: A provider that exists only in the test suite.
              - slug: test-lab-eu
                name: Test Lab Europe
                kind: anthropic
                base_url: http://127.0.0.1:9
            models:
              - slug: testlab/alpha
                name: Alpha Zebra
                vendor: testlab
                description: A striped test model with a small window.
                released: 2020-01-01
                context_length: 8000
                input_modalities: [text]
                output_modalities: [text]
                capabilities: [tools]
                endpoints:
                  - provider: test-lab
                    upstream_id: alpha-1
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    max_output_tokens: 4000
                    quantization: fp8
                    supported_parameters: [tools, tool_choice, temperature, max_tokens]
                  - provider: test-lab-eu
                    upstream_id: alpha-eu
                    pricing: {input: 1.50, output: 3.00, cache_read: 0.15, cache_write: 1.875}
                    context_length: 4000
                    max_output_tokens: 2000
                    supported_parameters: [tools, temperature, max_tokens]
              - slug: testlab/beta
                name: Beta Vision
                vendor: testlab
                description: Sees pictures; a million-token window.
                released: 2020-02-01
                context_length: 1000000
                input_modalities: [text, image]
                output_modalities: [text]
                capabilities: [vision, structured_output]
                endpoints:
                  - provider: test-lab
                    upstream_id: beta-1
                    pricing: {input: 0.10, output: 0.20}
                    supported_parameters: [temperature, max_tokens, response_format]
              - slug: testlab/gamma
                name: Gamma Thinker
                vendor: testlab
                description: Reasons at length before it answers.
                released: 2020-03-01
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text, image]
                capabilities: [reasoning, prompt_caching]
                endpoints:
                  - provider: test-lab-eu
                    upstream_id: gamma-1
                    pricing: {input: 10.00, output: 30.00, cache_read: 1.00}
                    supported_parameters: [reasoning, max_tokens]
              - slug: ranklab/fast
                name: Fast Ranker
                vendor: ranklab
                description: Answers quickly and never fails.
                released: 2019-01-01
                context_length: 16000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: test-lab
                    upstream_id: fast-1
                    pricing: {input: 2.00, output: 2.00}
              - slug: ranklab/steady
                name: Steady Ranker
                vendor: ranklab
                description: Slower to start, faster to write, fails now and then.
                released: 2019-01-02
                context_length: 16000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: test-lab
                    upstream_id: steady-1
                    pricing: {input: 2.00, output: 2.00}
              - slug: ranklab/quiet
                name: Quiet Ranker
                vendor: ranklab
                description: Nobody has called it yet.
                released: 2019-01-03
                context_length: 16000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: test-lab
                    upstream_id: quiet-1
                    pricing: {input: 2.00, output: 2.00}
              - slug: routelab/trio
                name: Trio Router
                vendor: routelab
                description: Served by three providers, for fail-over.
                released: 2018-01-01
                context_length: 32000
                input_modalities: [text, image]
                output_modalities: [text]
                capabilities: [tools, vision, reasoning]
                endpoints:
                  - provider: route-openai
                    upstream_id: trio-oa
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    quantization: fp16
                    supported_parameters: [tools, tool_choice, temperature, top_p, stop, max_tokens, seed]
                  - provider: route-anthropic
                    upstream_id: trio-an
                    pricing: {input: 0.50, output: 1.00, cache_read: 0.05, cache_write: 0.625}
                    quantization: fp8
                    max_output_tokens: 2000
                    supported_parameters: [tools, tool_choice, temperature, top_p, top_k, stop, max_tokens, reasoning]
                  - provider: route-backup
                    upstream_id: trio-bk
                    pricing: {input: 3.00, output: 6.00}
                    quantization: fp16
                    supported_parameters: [tools, tool_choice, temperature, top_p, stop, max_tokens, seed]
              - slug: routelab/hedge
                name: Hedge Router
                vendor: routelab
                description: Three providers, for hedged requests.
                released: 2018-01-02
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-openai
                    upstream_id: hedge-oa
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-backup
                    upstream_id: hedge-bk
                    pricing: {input: 3.00, output: 6.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-anthropic
                    upstream_id: hedge-an
                    pricing: {input: 2.00, output: 4.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/hedge-auto
                name: Hedge Auto Router
                vendor: routelab
                description: Hedged by its model setting.
                released: 2018-01-02
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-openai
                    upstream_id: hedge-auto-oa
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-backup
                    upstream_id: hedge-auto-bk
                    pricing: {input: 3.00, output: 6.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/solo
                name: Solo Router
                vendor: routelab
                description: One provider.
                released: 2018-01-02
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-openai
                    upstream_id: solo-oa
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/spare
                name: Spare Router
                vendor: routelab
                description: A fallback model.
                released: 2018-01-03
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-anthropic
                    upstream_id: spare-an
                    original_vendor: true
                    pricing: {input: 2.00, output: 4.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/tooly
                name: Tooly Router
                vendor: routelab
                description: Only one of its providers runs tools.
                released: 2018-01-04
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                capabilities: [tools]
                endpoints:
                  - provider: route-openai
                    upstream_id: tooly-oa
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-anthropic
                    upstream_id: tooly-an
                    pricing: {input: 2.00, output: 4.00}
                    supported_parameters: [tools, tool_choice, temperature, max_tokens]
              - slug: routelab/chaos
                name: Chaos Router
                vendor: routelab
                description: A faulty provider and a healthy backup.
                released: 2018-01-05
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-openai
                    upstream_id: chaos-oa
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-anthropic
                    upstream_id: chaos-an
                    pricing: {input: 2.00, output: 4.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/chaos-solo
                name: Chaos Solo
                vendor: routelab
                description: A faulty provider alone.
                released: 2018-01-06
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-openai
                    upstream_id: chaos-solo
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/chaos-bedrock
                name: Chaos Bedrock
                vendor: routelab
                description: A faulty Bedrock provider and a healthy backup.
                released: 2018-01-07
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-bedrock
                    upstream_id: chaos-br
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-anthropic
                    upstream_id: chaos-an
                    pricing: {input: 2.00, output: 4.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/chaos-bedrock-solo
                name: Chaos Bedrock Solo
                vendor: routelab
                description: A faulty Bedrock provider alone.
                released: 2018-01-08
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-bedrock
                    upstream_id: chaos-br-solo
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/relay
                name: Relay Router
                vendor: routelab
                description: One provider of each kind that can continue a partial answer, for stream continuation.
                released: 2018-01-11
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-openai
                    upstream_id: relay-oa
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-anthropic
                    upstream_id: relay-an
                    pricing: {input: 2.00, output: 4.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-bedrock
                    upstream_id: relay-br
                    pricing: {input: 3.00, output: 6.00}
                    supported_parameters: [temperature, max_tokens, assistant_prefill]
                  - provider: route-backup
                    upstream_id: relay-bk
                    pricing: {input: 4.00, output: 8.00}
                    supported_parameters: [temperature, max_tokens, assistant_prefill]
              - slug: routelab/relay-plain
                name: Relay Plain
                vendor: routelab
                description: Backups that cannot continue a partial answer.
                released: 2018-01-12
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-openai
                    upstream_id: relay-plain-oa
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-backup
                    upstream_id: relay-plain-bk
                    pricing: {input: 4.00, output: 8.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-vertex
                    upstream_id: relay-plain-vx
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/secrets
                name: Secrets Router
                vendor: routelab
                description: One provider of each credential kind, for the secrets scan.
                released: 2018-01-09
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-echo
                    upstream_id: secrets-echo
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-bedrock
                    upstream_id: secrets-br
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-vertex
                    upstream_id: secrets-vx
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/secrets-echo
                name: Secrets Echo
                vendor: routelab
                description: A provider that quotes the key it refuses.
                released: 2018-01-10
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-echo
                    upstream_id: secrets-echo
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/counter
                name: Counter
                vendor: routelab
                description: Served by every kind, for count_tokens.
                released: 2018-01-11
                context_length: 32000
                input_modalities: [text, image]
                output_modalities: [text]
                capabilities: [tools]
                endpoints:
                  - provider: route-anthropic
                    upstream_id: counter-an
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [tools, tool_choice, temperature, max_tokens]
                  - provider: route-bedrock
                    upstream_id: counter-br
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [tools, tool_choice, temperature, max_tokens]
                  - provider: route-vertex
                    upstream_id: claude-counter-vx
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [tools, tool_choice, temperature, max_tokens]
                  - provider: route-openai
                    upstream_id: counter-oa
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [tools, tool_choice, temperature, max_tokens]
              - slug: routelab/counter-gemini
                name: Counter Gemini
                vendor: routelab
                description: Gemini on Vertex alone, for its countTokens.
                released: 2018-01-11
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                capabilities: [tools]
                endpoints:
                  - provider: route-vertex
                    upstream_id: gemini-counter-vx
                    original_vendor: true
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [tools, tool_choice, temperature, max_tokens]
              - slug: routelab/sticky
                name: Sticky Router
                vendor: routelab
                description: Two providers and no original vendor, so recent TTFT alone orders them.
                released: 2018-01-12
                context_length: 32000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: route-openai
                    upstream_id: sticky-oa
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
                  - provider: route-anthropic
                    upstream_id: sticky-an
                    pricing: {input: 1.00, output: 2.00}
                    supported_parameters: [temperature, max_tokens]
              - slug: routelab/embed
                name: Embed Router
                vendor: routelab
                description: Embeddings on two OpenAI-kind providers and a cheaper one whose kind cannot embed.
                released: 2018-01-13
                context_length: 8191
                input_modalities: [text]
                output_modalities: [embeddings]
                endpoints:
                  - provider: route-openai
                    upstream_id: embed-oa
                    original_vendor: true
                    pricing: {input: 0.02, output: 0}
                    supported_parameters: [dimensions]
                  - provider: route-anthropic
                    upstream_id: embed-an
                    pricing: {input: 0.01, output: 0}
                  - provider: route-backup
                    upstream_id: embed-bk
                    pricing: {input: 0.10, output: 0}
                    supported_parameters: [dimensions]
              - slug: routelab/embed-fixed
                name: Fixed Embedder
                vendor: routelab
                description: Embeddings of one fixed length, on route-openai alone.
                released: 2018-01-14
                context_length: 8191
                input_modalities: [text]
                output_modalities: [embeddings]
                endpoints:
                  - provider: route-openai
                    upstream_id: embed-fixed
                    original_vendor: true
                    pricing: {input: 0.05, output: 0}
            """;
}
