package dev.switchboard.catalog;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** data_collection and zdr in catalog files: per provider, overridden per endpoint, validated, conservative default. */
class CatalogPrivacyTest {

    static final String FILE = """
            vendors:
              - slug: acme
                name: Acme AI
            providers:
              - slug: careful
                name: Careful Cloud
                kind: openai
                base_url: https://careful.example/v1
                data_collection: deny
                zdr: true
              - slug: unknown
                name: Unknown Cloud
                kind: openai
                base_url: https://unknown.example/v1
            models:
              - slug: acme/one
                name: One
                vendor: acme
                context_length: 8000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: careful
                    upstream_id: one
                    pricing: {input: 1, output: 2}
                  - provider: unknown
                    upstream_id: one
                    pricing: {input: 1, output: 2}
              - slug: acme/two
                name: Two
                vendor: acme
                context_length: 8000
                input_modalities: [text]
                output_modalities: [text]
                endpoints:
                  - provider: careful
                    upstream_id: two
                    pricing: {input: 1, output: 2}
                    zdr: false
                  - provider: unknown
                    upstream_id: two
                    pricing: {input: 1, output: 2}
                    data_collection: deny
            """;

    static CatalogValidator.Valid valid(String text) {
        return CatalogValidator.validate(CatalogReader.read(List.of(new CatalogReader.Source("test.yaml", text))));
    }

    static String[] resolved(CatalogValidator.Valid valid, String model, String provider) {
        CatalogDocument.ProviderEntry p = valid.providers().stream().filter(e -> e.slug().equals(provider))
                .findFirst().orElseThrow();
        CatalogDocument.EndpointEntry e = valid.models().stream().filter(m -> m.slug().equals(model)).findFirst()
                .orElseThrow().endpoints().stream().filter(x -> x.provider().equals(provider)).findFirst()
                .orElseThrow();
        return new String[] {CatalogLoader.dataCollection(e, p), Boolean.toString(CatalogLoader.zdr(e, p))};
    }

    @Test
    void providerValuesApplyToEndpointsWhichMayOverrideThem() {
        CatalogValidator.Valid valid = valid(FILE);
        assertThat(resolved(valid, "acme/one", "careful")).containsExactly("deny", "true");
        assertThat(resolved(valid, "acme/one", "unknown")).containsExactly("allow", "false");
        assertThat(resolved(valid, "acme/two", "careful")).containsExactly("deny", "false");
        assertThat(resolved(valid, "acme/two", "unknown")).containsExactly("deny", "false");
    }

    @Test
    void wrongValuesAreNamed() {
        CatalogException bad = assertThrows(CatalogException.class, () -> valid(FILE
                .replace("data_collection: deny\n    zdr: true", "data_collection: never\n    zdr: true")
                .replace("        data_collection: deny", "        data_collection: maybe")));
        assertThat(bad.getMessage()).contains("provider 'careful': data_collection 'never' is not one of allow, deny")
                .contains("model 'acme/two', endpoint 'unknown': data_collection 'maybe' is not one of allow, deny");
        CatalogException notBoolean = assertThrows(CatalogException.class, () -> valid(FILE.replace("zdr: true",
                "zdr: sometimes")));
        assertThat(notBoolean.getMessage()).contains("provider 'careful'").contains("zdr")
                .contains("true or false");
    }

    @Test
    void shippedCatalogMarksOnlyKnownPoliciesAsPrivate() throws Exception {
        CatalogValidator.Valid shipped = CatalogValidator.validate(CatalogReader.read(List.of(
                CatalogReaderTest.shipped())));
        assertThat(shipped.providers()).allSatisfy(p -> assertThat(p.dataCollection()).isIn("allow", "deny"));
        assertThat(shipped.providers().stream().filter(p -> Boolean.TRUE.equals(p.zdr()))
                .map(CatalogDocument.ProviderEntry::slug)).containsExactly("amazon-bedrock");
        assertThat(shipped.providers().stream().filter(p -> "deny".equals(p.dataCollection()))
                .map(CatalogDocument.ProviderEntry::slug))
                .containsExactlyInAnyOrder("anthropic", "openai", "azure", "google-vertex", "amazon-bedrock");
    }
}
