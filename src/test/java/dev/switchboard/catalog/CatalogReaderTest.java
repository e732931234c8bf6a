package dev.switchboard.catalog;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CatalogReaderTest {

    static CatalogReader.Source shipped() throws IOException {
        try (InputStream in = CatalogReaderTest.class.getClassLoader().getResourceAsStream(CatalogLoader.SHIPPED)) {
            return new CatalogReader.Source("classpath:catalog/catalog.yaml",
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static final String OPERATOR = """
            vendors:
              - slug: acme
                name: Acme AI
            providers:
              - slug: acme-cloud
                name: Acme Cloud
                kind: openai
                base_url: https://llm.acme.example/v1
            models:
              - slug: acme/rocket-1
                name: Rocket 1
                vendor: acme
                context_length: 64000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: acme-cloud
                    upstream_id: rocket-1
                    pricing: {input: 0.5, output: 1.5}
              - slug: anthropic/claude-sonnet-4
                endpoints:
                  - provider: anthropic
                    pricing: {input: 2.5}
                  - provider: acme-cloud
                    upstream_id: claude-sonnet-4-proxy
                    pricing: {input: 3.5, output: 16}
              - slug: openai/gpt-4o
                retired: true
            """;

    @Test
    void shippedCatalogIsValidAndLargeEnough() throws IOException {
        CatalogValidator.Valid valid = CatalogValidator.validate(CatalogReader.read(List.of(shipped())));
        assertThat(valid.models()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(valid.providers()).hasSizeGreaterThanOrEqualTo(12);
        CatalogDocument.ModelEntry sonnet = model(valid, "anthropic/claude-sonnet-4");
        assertThat(sonnet.endpoints()).extracting(CatalogDocument.EndpointEntry::provider)
                .contains("anthropic", "google-vertex", "amazon-bedrock");
        assertThat(valid.providers()).extracting(CatalogDocument.ProviderEntry::kind)
                .contains("openai", "anthropic", "vertex", "bedrock");
    }

    @Test
    void operatorFileAddsOverridesAndRetires() throws IOException {
        CatalogValidator.Valid valid = CatalogValidator.validate(CatalogReader.read(List.of(shipped(),
                new CatalogReader.Source("/etc/switchboard/extra.yaml", OPERATOR))));
        assertThat(valid.models()).extracting(CatalogDocument.ModelEntry::slug)
                .contains("acme/rocket-1").doesNotContain("openai/gpt-4o");
        CatalogDocument.ModelEntry sonnet = model(valid, "anthropic/claude-sonnet-4");
        CatalogDocument.EndpointEntry anthropic = sonnet.endpoints().stream()
                .filter(e -> e.provider().equals("anthropic")).findFirst().orElseThrow();
        // Only the input price was overridden: the output price and the rest stay as shipped.
        assertThat(anthropic.pricing().input()).isEqualByComparingTo("2.5");
        assertThat(anthropic.pricing().output()).isEqualByComparingTo(new BigDecimal("15"));
        assertThat(anthropic.upstreamId()).startsWith("claude-sonnet-4");
        assertThat(sonnet.name()).isEqualTo("Claude Sonnet 4");
        assertThat(sonnet.endpoints()).extracting(CatalogDocument.EndpointEntry::provider)
                .contains("anthropic", "google-vertex", "amazon-bedrock", "acme-cloud");
    }

    @Test
    void invalidYamlNamesFileAndLine() {
        CatalogException e = assertThrows(CatalogException.class, () -> CatalogReader.read(List.of(
                new CatalogReader.Source("ops.yaml", "models:\n  - slug: a/b\n    name: [unclosed\n"))));
        assertThat(e.getMessage()).contains("ops.yaml").contains("not valid YAML").contains("line");
    }

    @Test
    void problemsNameFileEntryAndField() throws IOException {
        String bad = """
                providers:
                  - slug: broken
                    name: Broken
                    kind: grpc
                    base_url: not a url
                models:
                  - slug: anthropic/claude-sonnet-4
                    colour: blue
                  - slug: acme/thing
                    name: Thing
                    vendor: acme
                    context_length: -5
                    input_modalities: [text, smell]
                    output_modalities: [text]
                    capabilities: [telepathy]
                    endpoints:
                      - provider: nobody
                        upstream_id: x
                        pricing: {input: -1, output: 1}
                        quantization: fp3
                """;
        CatalogException e = assertThrows(CatalogException.class, () -> CatalogValidator.validate(
                CatalogReader.read(List.of(shipped(), new CatalogReader.Source("/srv/bad.yaml", bad)))));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .contains("/srv/bad.yaml").contains("model 'anthropic/claude-sonnet-4'").contains("'colour'"));
        List<String> rest = CatalogException.class.cast(assertThrows(CatalogException.class,
                () -> CatalogValidator.validate(CatalogReader.read(List.of(shipped(),
                        new CatalogReader.Source("/srv/bad.yaml", bad.replace("    colour: blue\n", "")))))))
                .problems();
        assertThat(rest).anySatisfy(p -> assertThat(p).contains("/srv/bad.yaml: provider 'broken'")
                .contains("kind 'grpc'"));
        assertThat(rest).anySatisfy(p -> assertThat(p).contains("provider 'broken'").contains("base_url"));
        assertThat(rest).anySatisfy(p -> assertThat(p).contains("model 'acme/thing'")
                .contains("vendor 'acme' is not listed"));
        assertThat(rest).anySatisfy(p -> assertThat(p).contains("model 'acme/thing'").contains("context_length")
                .contains("-5"));
        assertThat(rest).anySatisfy(p -> assertThat(p).contains("input_modalities has 'smell'"));
        assertThat(rest).anySatisfy(p -> assertThat(p).contains("capability 'telepathy'"));
        assertThat(rest).anySatisfy(p -> assertThat(p).contains("endpoint 'nobody'")
                .contains("provider 'nobody' is not listed"));
        assertThat(rest).anySatisfy(p -> assertThat(p).contains("endpoint 'nobody'").contains("pricing.input")
                .contains("negative"));
        assertThat(rest).anySatisfy(p -> assertThat(p).contains("quantization 'fp3'"));
    }

    @Test
    void wrongTypesAreReportedInWords() {
        String bad = """
                vendors:
                  - slug: acme
                    name: Acme
                providers:
                  - slug: acme-cloud
                    name: Acme Cloud
                    kind: openai
                    base_url: https://acme.example/v1
                models:
                  - slug: acme/thing
                    name: Thing
                    vendor: acme
                    context_length: lots
                    input_modalities: [text]
                    output_modalities: [text]
                    endpoints:
                      - provider: acme-cloud
                        upstream_id: thing
                        pricing: {input: 1, output: 2}
                """;
        CatalogException e = assertThrows(CatalogException.class,
                () -> CatalogReader.read(List.of(new CatalogReader.Source("mine.yaml", bad))));
        assertThat(e.getMessage()).contains("mine.yaml: model 'acme/thing'").contains("context_length")
                .contains("'lots'").contains("a number");
    }

    @Test
    void reservedSuffixesCannotNameProvidersAndAliasesAreUnique() throws IOException {
        String bad = """
                providers:
                  - slug: nitro
                    name: Nitro
                    kind: openai
                    base_url: https://nitro.example/v1
                models:
                  - slug: openai/gpt-4.1
                    aliases: [gpt-4o-mini-2024-07-18]
                """;
        CatalogException e = assertThrows(CatalogException.class, () -> CatalogValidator.validate(
                CatalogReader.read(List.of(shipped(), new CatalogReader.Source("x.yaml", bad)))));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("provider 'nitro'").contains("reserved"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("alias 'gpt-4o-mini-2024-07-18'")
                .contains("already the name of"));
    }

    private static CatalogDocument.ModelEntry model(CatalogValidator.Valid valid, String slug) {
        return valid.models().stream().filter(m -> m.slug().equals(slug)).findFirst().orElseThrow();
    }
}
