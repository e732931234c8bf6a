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

    private static Path file;

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

    private static final String YAML = """
            vendors:
              - slug: testlab
                name: Test Lab
              - slug: ranklab
                name: Rank Lab
            providers:
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
            """;
}
