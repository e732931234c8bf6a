package dev.switchboard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.observe.PrometheusText;
import dev.switchboard.proxy.ProxyTestSupport;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SimProfileOverrides;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml, the Prometheus scrape config and the Grafana dashboard hold together and match the app: the
 * compose services and profiles, the app's environment (variables it reads), files the mounts name; the scrape path
 * served on the app's port; and every metric the dashboard queries, with the labels it groups and filters by, present
 * on /q/metrics after real proxied calls through the simulator (a success, a stream, a failover).
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ComposeAndDashboardTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DASHBOARD = Path.of("deploy", "grafana", "switchboard-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\bswitchboard_[a-z_]+\\b");
    private static final Pattern GROUPING = Pattern.compile("\\bby \\(([^)]*)\\)");
    private static final Pattern MATCHER = Pattern.compile("([a-z_]+)\\s*(=~|!~|!=|=)\\s*\"");

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    @Inject
    CatalogService catalog;

    @Test
    void composeRunsPostgresAndTheAppWithPrometheusAndGrafanaBehindAProfile() throws IOException {
        JsonNode services = YAML.readTree(Path.of("docker-compose.yml").toFile()).path("services");
        assertThat(services.has("postgres")).isTrue();
        JsonNode app = services.path("switchboard");
        assertThat(app.path("profiles").isMissingNode()).as("the app runs by default").isTrue();
        assertThat(app.path("depends_on").path("postgres").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(Path.of(app.path("build").path("context").asText(), app.path("build").path("dockerfile").asText()))
                .isRegularFile();
        assertThat(app.path("ports").get(0).asText()).endsWith(":" + packagedAppPort());

        Set<String> readable = AppSettings.environmentVariables(catalog.current().providers());
        List<String> unknown = new ArrayList<>();
        app.path("environment").fieldNames().forEachRemaining(name -> {
            if (!readable.contains(name)) {
                unknown.add(name);
            }
        });
        assertThat(unknown).as("environment variables the app does not read").isEmpty();
        assertThat(app.path("environment").path("QUARKUS_DATASOURCE_JDBC_URL").asText())
                .startsWith("jdbc:postgresql://postgres:5432/");

        for (String optional : List.of("prometheus", "grafana")) {
            JsonNode service = services.path(optional);
            assertThat(service.path("profiles").toString()).as(optional).isEqualTo("[\"observability\"]");
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                assertThat(Path.of(source)).as("mounted into " + optional).exists();
            }
        }
    }

    @Test
    void prometheusScrapesTheMetricsPathTheAppServesOnItsPort() throws IOException {
        JsonNode scrape = YAML.readTree(Path.of("deploy", "prometheus", "prometheus.yml").toFile())
                .path("scrape_configs").get(0);
        String path = scrape.path("metrics_path").asText();
        assertThat(scrape.path("static_configs").get(0).path("targets").get(0).asText())
                .isEqualTo("switchboard:" + packagedAppPort());
        assertThat(ProxyTestSupport.get(base(), path).statusCode()).as("GET " + path).isEqualTo(200);
        JsonNode datasource = YAML.readTree(Path.of("deploy", "grafana", "provisioning", "datasources",
                "prometheus.yml").toFile()).path("datasources").get(0);
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
    }

    @Test
    void everyMetricTheDashboardQueriesIsOnTheScrapeWithItsLabels() throws IOException {
        List<String> expressions = new ArrayList<>();
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("title").asText()).isNotBlank();
            panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText()));
        }
        Set<String> queried = new LinkedHashSet<>();
        expressions.forEach(e -> queried.addAll(metrics(e)));
        assertThat(queried).as("what the dashboard shows").contains("switchboard_requests_total",
                "switchboard_request_duration_seconds_bucket", "switchboard_upstream_ttft_seconds_bucket",
                "switchboard_failovers_total", "switchboard_tokens_total", "switchboard_cost_usd_total",
                "switchboard_buffer_queued", "switchboard_buffer_dropped_total", "switchboard_circuit_state");

        PrometheusText scrape = afterRealCalls();
        for (String expression : expressions) {
            List<String> names = metrics(expression);
            assertThat(names).as("a metric in " + expression).isNotEmpty();
            Set<String> labels = new LinkedHashSet<>();
            for (String name : names) {
                List<PrometheusText.Sample> series = scrape.series(name, java.util.Map.of());
                assertThat(series).as(name + " on /q/metrics (queried by " + expression + ")").isNotEmpty();
                series.forEach(s -> labels.addAll(s.labels().keySet()));
            }
            for (String label : labelsUsed(expression)) {
                assertThat(labels).as("label " + label + " of " + names + " in " + expression).contains(label);
            }
        }
    }

    /** A success, a stream (TTFT) and a failover, each counted on the scrape before it is returned. */
    private PrometheusText afterRealCalls() {
        health.reset();
        try (SimProfileOverrides profiles = new SimProfileOverrides(ProxyTestSupport.sim(simulator).profiles())) {
            for (String model : new String[] {"spare-an", "trio-oa", "trio-an", "trio-bk"}) {
                profiles.put(model, QUICK);
            }
            profiles.put("trio-oa", QUICK.toBuilder().serverErrorRate(1).build());
            HttpResponse<String> failover = ProxyTestSupport.openAi(base(), ask(TestCatalog.TRIO, false));
            assertThat(failover.statusCode()).as(failover.body()).isEqualTo(200);
            HttpResponse<String> stream = ProxyTestSupport.anthropic(base(), ask(TestCatalog.SPARE, true));
            assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
            PrometheusText[] last = new PrometheusText[1];
            ProxyTestSupport.awaitTrue(() -> {
                last[0] = PrometheusText.parse(ProxyTestSupport.get(base(), "/q/metrics").body());
                return !last[0].series("switchboard_failovers_total", java.util.Map.of()).isEmpty()
                        && !last[0].series("switchboard_upstream_ttft_seconds_bucket",
                        java.util.Map.of("model", TestCatalog.SPARE)).isEmpty();
            }, "the failover and the stream counted");
            return last[0];
        } finally {
            health.reset();
        }
    }

    private static List<String> metrics(String expression) {
        List<String> names = new ArrayList<>();
        Matcher m = METRIC.matcher(expression);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** Labels grouped by ({@code by (a, b)}, less {@code le}) and matched on ({@code {a="x"}}). */
    private static Set<String> labelsUsed(String expression) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher by = GROUPING.matcher(expression);
        while (by.find()) {
            for (String label : by.group(1).split(",")) {
                if (!label.isBlank() && !label.strip().equals("le")) {
                    labels.add(label.strip());
                }
            }
        }
        Matcher matcher = MATCHER.matcher(expression);
        while (matcher.find()) {
            labels.add(matcher.group(1));
        }
        return labels;
    }

    private String base() {
        return root.toString().replaceAll("/$", "");
    }

    private static String ask(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    /** The port of the packaged app: application.properties' value (tests listen on a port of their own). */
    static int packagedAppPort() {
        for (ConfigSource source : ConfigProvider.getConfig().getConfigSources()) {
            if (source.getName().contains("application.properties") && source.getValue("quarkus.http.port") != null) {
                return Integer.parseInt(source.getValue("quarkus.http.port"));
            }
        }
        throw new AssertionError("quarkus.http.port is not in application.properties");
    }
}
