package dev.switchboard.usage;

import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.KeyTraffic;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/key} and {@code GET /api/v1/usage} over real proxied calls: generations the proxy logged (through
 * the batched buffer into Postgres) are summed per key, scoped to the caller, with the master key seeing every key.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class UsageApiTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    ApiKeyService service;

    @Test
    void aKeySeesItsOwnUsageAndTheMasterKeySeesEveryKeys() {
        String base = root.toString().replaceAll("/$", "");
        KeyTraffic.TwoKeys traffic = KeyTraffic.twoKeys(base, simulator, service, "usage-a", 3, "usage-b", 1);
        CreatedKey a = traffic.first();
        CreatedKey b = traffic.second();
        long input = traffic.firstInputTokens();
        long output = traffic.firstOutputTokens();

        JsonPath key = given().header("Authorization", "Bearer " + a.key()).get("/api/v1/key")
                .then().statusCode(200).extract().jsonPath();
        assertThat(key.getString("data.id")).isEqualTo(a.view().id());
        assertThat(key.getString("data.name")).isEqualTo("usage-a");
        assertThat(key.getString("data.prefix")).isEqualTo(a.view().prefix());
        assertThat(key.prettify()).doesNotContain(a.key());
        assertThat(key.getString("data.created_at")).isEqualTo(a.view().createdAt().toString());
        assertThat(key.getBoolean("data.is_admin")).isFalse();
        assertThat(key.getMap("data.limits")).containsKeys("rpm", "tpm", "budget_usd", "budget_period");
        for (String window : List.of("today", "last_30_days", "all_time")) {
            assertThat(key.getLong("data.usage." + window + ".requests")).as(window).isEqualTo(3);
            assertThat(key.getLong("data.usage." + window + ".input_tokens")).as(window).isEqualTo(input);
            assertThat(key.getLong("data.usage." + window + ".output_tokens")).as(window).isEqualTo(output);
        }
        assertThat(input).isPositive();
        assertThat(output).isPositive();

        JsonPath master = given().header("Authorization", "Bearer " + SwitchboardTestProfile.MASTER_KEY)
                .get("/api/v1/key").then().statusCode(200).extract().jsonPath();
        assertThat(master.getBoolean("data.is_admin")).isTrue();
        assertThat(master.getString("data.prefix")).isNull();

        JsonPath byModel = given().header("x-api-key", a.key()).get("/api/v1/usage?group_by=model")
                .then().statusCode(200).extract().jsonPath();
        assertThat(byModel.getString("group_by")).isEqualTo("model");
        assertThat(byModel.getString("key_id")).isEqualTo(a.view().id());
        assertThat(byModel.getList("data")).hasSize(1);
        assertThat(byModel.getLong("data[0].requests")).isEqualTo(3);
        assertThat(byModel.getLong("data[0].input_tokens")).isEqualTo(input);
        assertThat(byModel.getString("data[0].group")).isEqualTo(TestCatalog.SOLO);

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        JsonPath byDay = given().header("x-api-key", a.key())
                .get("/api/v1/usage?group_by=day&from=" + today + "&to=" + tomorrow)
                .then().statusCode(200).extract().jsonPath();
        assertThat(byDay.getString("data[0].group")).isEqualTo(today);
        assertThat(byDay.getLong("data[0].requests")).isEqualTo(3);
        JsonPath before = given().header("x-api-key", a.key()).get("/api/v1/usage?group_by=provider&to=" + today)
                .then().statusCode(200).extract().jsonPath();
        assertThat(before.getList("data")).isEmpty();

        String masterKey = "Bearer " + SwitchboardTestProfile.MASTER_KEY;
        JsonPath all = given().header("Authorization", masterKey).get("/api/v1/usage?group_by=provider")
                .then().statusCode(200).extract().jsonPath();
        assertThat(all.getString("key_id")).isNull();
        long allRequests = all.getList("data.requests", Long.class).stream().mapToLong(Long::longValue).sum();
        assertThat(allRequests).isGreaterThanOrEqualTo(4); // other tests' generations share the database
        assertThat(given().header("Authorization", masterKey).get("/api/v1/usage?group_by=model&key_id="
                + b.view().id()).then().statusCode(200).extract().jsonPath().getLong("data[0].requests")).isEqualTo(1);
        assertThat(given().header("Authorization", masterKey).get("/api/v1/usage?group_by=day&key_id="
                + a.view().id()).then().statusCode(200).extract().jsonPath().getLong("data[0].requests")).isEqualTo(3);

        JsonPath forbidden = given().header("x-api-key", a.key())
                .get("/api/v1/usage?group_by=model&key_id=" + b.view().id()).then().statusCode(403).extract().jsonPath();
        assertThat(forbidden.getString("error.type")).isEqualTo("permission_error");
        assertThat(forbidden.getString("error.param")).isEqualTo("key_id");
        given().header("x-api-key", a.key()).get("/api/v1/usage?group_by=model&key_id=" + a.view().id())
                .then().statusCode(200);

        JsonPath bogus = given().header("x-api-key", a.key()).get("/api/v1/usage?group_by=bogus")
                .then().statusCode(400).extract().jsonPath();
        assertThat(bogus.getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(bogus.getString("error.param")).isEqualTo("group_by");
        assertThat(bogus.getString("error.message")).contains("model", "provider", "day");
        JsonPath badDate = given().header("x-api-key", a.key()).get("/api/v1/usage?group_by=day&from=yesterday")
                .then().statusCode(400).extract().jsonPath();
        assertThat(badDate.getString("error.param")).isEqualTo("from");

        JsonPath noKey = given().get("/api/v1/usage?group_by=model").then().statusCode(401).extract().jsonPath();
        assertThat(noKey.getString("error.type")).isEqualTo("authentication_error");
        given().get("/api/v1/key").then().statusCode(401);
        given().header("x-api-key", "sb-not-a-key").get("/api/v1/key").then().statusCode(401);
    }
}
