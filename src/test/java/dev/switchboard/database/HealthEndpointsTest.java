package dev.switchboard.database;

import dev.switchboard.catalog.CatalogService;
import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Liveness and readiness as a probe sees them, over HTTP on the running app: readiness names the catalog, the
 * database (from the write-behind buffers, with their queues) and the proxy's drain. The database outage itself is
 * in DatabaseReadinessIT, on the packaged app with a server the test can stop.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class HealthEndpointsTest {

    @Inject
    CatalogService catalog;

    @Test
    void livenessIsUp() {
        Response r = given().get("/q/health/live");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getString("status")).isEqualTo("UP");
    }

    @Test
    void readinessReportsTheCatalogTheDatabaseAndTheProxy() {
        Response r = given().get("/q/health/ready");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonPath json = r.jsonPath();
        assertThat(json.getString("status")).isEqualTo("UP");
        List<String> names = json.getList("checks.name");
        assertThat(names).contains("catalog", "database", "proxy");

        Map<String, Object> catalogCheck = check(json, "catalog");
        assertThat(catalogCheck).containsEntry("status", "UP");
        assertThat(data(catalogCheck)).containsEntry("models", catalog.current().models().size())
                .containsEntry("providers", catalog.current().providers().size());

        Map<String, Object> database = check(json, "database");
        assertThat(database).containsEntry("status", "UP");
        assertThat(data(database)).containsEntry("state", "up").containsEntry("generationsCapacity", 10000)
                .containsKeys("generationsQueued", "samplesQueued", "samplesCapacity");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> check(JsonPath json, String name) {
        List<Map<String, Object>> checks = json.getList("checks");
        return checks.stream().filter(c -> name.equals(c.get("name"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(Map<String, Object> check) {
        return (Map<String, Object>) check.get("data");
    }
}
