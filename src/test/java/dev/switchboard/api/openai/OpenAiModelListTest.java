package dev.switchboard.api.openai;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.catalog.ProviderStatus;
import dev.switchboard.providers.ProviderKind;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiModelListTest {

    static CatalogProvider provider(String slug, ProviderStatus status) {
        return new CatalogProvider(slug, slug, ProviderKind.OPENAI, "https://" + slug, null, null, null, status);
    }

    static CatalogEndpoint endpoint(long id, String model, CatalogProvider provider, String input, String output,
                                    List<String> parameters) {
        return new CatalogEndpoint(id, model, provider, model, new Pricing(new BigDecimal(input),
                new BigDecimal(output), null, null), 128000, 8192, null, parameters, false);
    }

    static CatalogModel model(String slug, LocalDate released, List<CatalogEndpoint> endpoints) {
        return new CatalogModel(slug, slug.substring(0, slug.indexOf('/')), "Vendor", slug + " name", "", released,
                200000, List.of("text"), List.of("text"), Set.of(), List.of(), endpoints);
    }

    @Test
    void listsLiveModelsWithTheirCheapestLiveProvidersPrices() {
        CatalogProvider live = provider("together", ProviderStatus.LIVE);
        CatalogProvider sim = provider("groq", ProviderStatus.SIMULATED);
        CatalogProvider off = provider("deepinfra", ProviderStatus.NOT_CONFIGURED);
        String llama = "meta-llama/llama-3.3-70b-instruct";
        Catalog catalog = new Catalog(List.of(
                model(llama, LocalDate.of(2024, 12, 6), List.of(
                        endpoint(1, llama, live, "0.88", "0.88", List.of("tools", "temperature")),
                        endpoint(2, llama, sim, "0.59", "0.79", List.of("temperature", "seed")),
                        endpoint(3, llama, off, "0.10", "0.10", List.of("response_format")))),
                model("openai/gpt-4.1", null, List.of(
                        endpoint(4, "openai/gpt-4.1", off, "2", "8", List.of("tools"))))),
                List.of(live, sim, off), Map.of());

        assertThat(Fixtures.tree(OpenAiModelList.encode(catalog))).isEqualTo(Fixtures.object("""
                {"object": "list", "data": [{
                  "id": "meta-llama/llama-3.3-70b-instruct", "object": "model", "created": 1733443200,
                  "owned_by": "meta-llama", "name": "meta-llama/llama-3.3-70b-instruct name",
                  "context_length": 200000,
                  "pricing": {"prompt": "0.00000059", "completion": "0.00000079"},
                  "supported_parameters": ["tools", "temperature", "seed"]}]}"""));
    }

    @Test
    void createdIsZeroWithoutAReleaseDateAndFreeIsZero() {
        CatalogProvider live = provider("p", ProviderStatus.LIVE);
        Catalog catalog = new Catalog(List.of(model("v/free", null, List.of(
                endpoint(1, "v/free", live, "0", "0.000", List.of())))), List.of(live), Map.of());
        var entry = Fixtures.tree(OpenAiModelList.encode(catalog)).at("/data/0");
        assertThat(entry.get("created").asLong()).isZero();
        assertThat(entry.at("/pricing/prompt").asText()).isEqualTo("0");
        assertThat(entry.at("/pricing/completion").asText()).isEqualTo("0");
        assertThat(OpenAiModelList.perToken(new BigDecimal("15.00"))).isEqualTo("0.000015");
    }

    @Test
    void emptyCatalogIsAnEmptyList() {
        assertThat(Fixtures.tree(OpenAiModelList.encode(Catalog.empty()))).isEqualTo(Fixtures.object("""
                {"object": "list", "data": []}"""));
    }
}
