package dev.switchboard.api;

import dev.switchboard.catalog.CatalogService;
import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ModelsApiResourceTest {

    @Inject
    CatalogService catalog;

    @Test
    void listsEveryModelWithPricesAndStats() {
        JsonPath json = given().get("/api/v1/models").then().statusCode(200).contentType("application/json")
                .extract().jsonPath();
        List<String> ids = json.getList("data.id");
        assertThat(ids).hasSize(catalog.current().models().size()).contains("anthropic/claude-sonnet-4");
        Map<String, Object> alpha = json.getMap("data.find { it.id == 'testlab/alpha' }");
        assertThat(alpha).containsEntry("name", "Alpha Zebra").containsEntry("context_length", 8000)
                .containsEntry("endpoint_count", 2);
        assertThat(json.getList("data.find { it.id == 'testlab/alpha' }.providers"))
                .containsExactly("test-lab", "test-lab-eu");
        assertThat(json.getFloat("data.find { it.id == 'testlab/alpha' }.pricing.prompt.max")).isEqualTo(1.5f);
        // No samples: null, never zero.
        assertThat(json.getMap("data.find { it.id == 'ranklab/quiet' }.stats"))
                .containsEntry("ttft_p50_ms", null).containsEntry("throughput_p50_tps", null)
                .containsEntry("ttft_samples", 0);
        assertThat(json.getMap("data.find { it.id == 'ranklab/quiet' }.stats.uptime_24h"))
                .containsEntry("percent", null).containsEntry("ok", 0);
    }

    @Test
    void takesThePagesFilters() {
        List<String> ids = given().get("/api/v1/models?vendor=testlab&capability=vision")
                .then().statusCode(200).extract().jsonPath().getList("data.id");
        assertThat(ids).containsExactly("testlab/beta");
    }

    @Test
    void endpointsOfAModel() {
        JsonPath json = given().get("/api/v1/models/testlab/alpha/endpoints").then().statusCode(200)
                .extract().jsonPath();
        assertThat(json.getString("data.id")).isEqualTo("testlab/alpha");
        assertThat(json.getList("data.endpoints.slug"))
                .containsExactly("testlab/alpha:test-lab", "testlab/alpha:test-lab-eu");
        assertThat(json.getFloat("data.endpoints[1].pricing.cache_read")).isEqualTo(0.15f);
        assertThat(json.getInt("data.endpoints[1].context_length")).isEqualTo(4000);
        assertThat(json.getString("data.endpoints[0].status")).isEqualTo("not configured");
        assertThat(given().get("/api/v1/models/ranklab/quiet/endpoints").jsonPath()
                .getMap("data.endpoints[0].stats.uptime_24h")).containsEntry("percent", null).containsEntry("ok", 0);
        assertThat(given().get("/api/v1/models/anthropic/claude-sonnet-4/endpoints").jsonPath()
                .getList("data.endpoints.provider")).contains("anthropic", "google-vertex", "amazon-bedrock");
    }

    @Test
    void unknownModelIsAJson404() {
        JsonPath json = given().get("/api/v1/models/nobody/nothing/endpoints").then().statusCode(404)
                .contentType("application/json").extract().jsonPath();
        assertThat(json.getString("error.message")).contains("nobody/nothing");
        assertThat(json.getString("error.type")).isEqualTo("not_found");
    }
}
