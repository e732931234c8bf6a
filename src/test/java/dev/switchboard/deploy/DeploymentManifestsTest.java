package dev.switchboard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.CatalogReader;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.catalog.CatalogValidator;
import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests under {@code deploy/kubernetes} hold together and match the app: every document parses
 * and has what its kind needs, probe and scrape paths answer 200 on the running app at the port the app listens on,
 * every environment variable is one the app reads (by SmallRye's environment-variable rule), every Secret and
 * ConfigMap reference names a key that exists, and the catalog ConfigMap is mounted where the catalog setting points
 * and holds a file the catalog validator accepts over the shipped one.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class DeploymentManifestsTest {

    static final Path DIR = Path.of("deploy", "kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> KINDS = Set.of("Deployment", "Service", "ConfigMap", "Secret",
            "PodDisruptionBudget");

    private static List<JsonNode> documents;

    @Inject
    CatalogService catalog;

    @Inject
    CatalogLoader loader;

    @BeforeAll
    static void parse() throws IOException {
        documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        if (doc != null && !doc.isEmpty()) {
                            documents.add(doc);
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyDocumentIsAKnownKindWithANameAndEachKindIsThere() {
        assertThat(documents).isNotEmpty().allSatisfy(d -> {
            assertThat(d.path("apiVersion").asText()).as("apiVersion of %s", d).isNotBlank();
            assertThat(KINDS).as("kind").contains(d.path("kind").asText());
            assertThat(d.path("metadata").path("name").asText()).as("name of a %s", d.path("kind")).isNotBlank();
        });
        assertThat(documents).extracting(d -> d.path("kind").asText()).containsAll(KINDS);
    }

    @Test
    void threeReplicasWithResourcesSelectedByTheServiceAndTheBudget() {
        JsonNode deployment = one("Deployment");
        JsonNode spec = deployment.path("spec");
        assertThat(spec.path("replicas").asInt()).isEqualTo(3);
        JsonNode podLabels = spec.path("template").path("metadata").path("labels");
        assertSelects(spec.path("selector").path("matchLabels"), podLabels, "the Deployment's selector");
        assertSelects(one("Service").path("spec").path("selector"), podLabels, "the Service");
        JsonNode pdb = one("PodDisruptionBudget").path("spec");
        assertSelects(pdb.path("selector").path("matchLabels"), podLabels, "the PodDisruptionBudget");
        assertThat(pdb.path("minAvailable").asInt()).isBetween(1, 2);

        JsonNode resources = container().path("resources");
        assertThat(resources.path("requests").path("cpu").asText()).isNotBlank();
        assertThat(resources.path("requests").path("memory").asText()).isNotBlank();
        assertThat(resources.path("limits").path("memory").asText()).isNotBlank();

        Set<String> portNames = new HashSet<>();
        container().path("ports").forEach(p -> portNames.add(p.path("name").asText()));
        one("Service").path("spec").path("ports")
                .forEach(p -> assertThat(portNames).as("Service targetPort").contains(p.path("targetPort").asText()));
    }

    @Test
    void aStopFitsInTheTerminationGracePeriod() {
        var config = ConfigProvider.getConfig();
        Duration grace = config.getValue("switchboard.shutdown.grace-period", Duration.class);
        Duration delay = config.getValue("quarkus.shutdown.delay", Duration.class);
        JsonNode preStop = container().path("lifecycle").path("preStop").path("exec").path("command");
        long pause = preStop.size() == 2 && preStop.get(0).asText().equals("sleep") ? preStop.get(1).asLong() : 0;
        long period = one("Deployment").path("spec").path("template").path("spec")
                .path("terminationGracePeriodSeconds").asLong();
        assertThat(period).as("terminationGracePeriodSeconds over preStop %ds + grace %s + delay %s", pause, grace,
                delay).isGreaterThan(pause + grace.toSeconds() + delay.toSeconds());
    }

    @Test
    void probesAndTheScrapeAnnotationNameEndpointsTheAppServesOnItsPort() {
        int appPort = ComposeAndDashboardTest.packagedAppPort();
        JsonNode c = container();
        List<String> probed = new ArrayList<>();
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode get = c.path(probe).path("httpGet");
            assertThat(get.isMissingNode()).as(probe).isFalse();
            assertThat(containerPort(c, get.path("port"))).as(probe + " port").isEqualTo(appPort);
            probed.add(get.path("path").asText());
        }
        assertThat(probed).contains("/q/health/ready", "/q/health/live");
        JsonNode annotations = one("Deployment").path("spec").path("template").path("metadata").path("annotations");
        probed.add(annotations.path("prometheus.io/path").asText());
        assertThat(annotations.path("prometheus.io/port").asInt()).isEqualTo(appPort);
        for (String path : probed) {
            assertThat(given().get(path).statusCode()).as("GET " + path).isEqualTo(200);
        }
    }

    @Test
    void everyVariableIsOneTheAppReadsAndEverySecretKeyExists() {
        Set<String> readable = AppSettings.environmentVariables(catalog.current().providers());
        JsonNode secretData = one("Secret").path("stringData");
        String secretName = one("Secret").path("metadata").path("name").asText();
        int fromSecret = 0;
        List<String> unknown = new ArrayList<>();
        for (JsonNode env : container().path("env")) {
            String name = env.path("name").asText();
            if (!name.equals("JAVA_TOOL_OPTIONS") && !readable.contains(name)) {
                unknown.add(name);
            }
            JsonNode ref = env.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                fromSecret++;
                assertThat(ref.path("name").asText()).as(name).isEqualTo(secretName);
                assertThat(secretData.has(ref.path("key").asText())).as("key %s of %s", ref.path("key"), name)
                        .isTrue();
            }
        }
        assertThat(unknown).as("environment variables the app does not read").isEmpty();
        assertThat(fromSecret).as("credentials come from the Secret").isGreaterThanOrEqualTo(4);
        for (String credential : List.of("QUARKUS_DATASOURCE_PASSWORD", "SWITCHBOARD_AUTH_MASTER_KEY")) {
            assertThat(env(credential).path("value").isMissingNode()).as(credential + " only from the Secret")
                    .isTrue();
        }
        // committed without values: the operator fills them in
        assertThat(secretData.properties()).allSatisfy(e -> assertThat(e.getValue().asText())
                .satisfiesAnyOf(v -> assertThat(v).isEmpty(), v -> assertThat(e.getKey()).isEqualTo("db-username")));
    }

    @Test
    void theCatalogConfigMapIsMountedWhereTheSettingPointsAndIsAValidCatalog() throws IOException {
        JsonNode configMap = one("ConfigMap");
        String name = configMap.path("metadata").path("name").asText();
        JsonNode podSpec = one("Deployment").path("spec").path("template").path("spec");
        String volume = null;
        for (JsonNode v : podSpec.path("volumes")) {
            if (name.equals(v.path("configMap").path("name").asText())) {
                volume = v.path("name").asText();
            }
        }
        assertThat(volume).as("a volume of ConfigMap " + name).isNotNull();
        String mountPath = null;
        for (JsonNode m : container().path("volumeMounts")) {
            if (volume.equals(m.path("name").asText())) {
                mountPath = m.path("mountPath").asText();
            }
        }
        assertThat(mountPath).as("where " + volume + " is mounted").isNotNull();
        String files = env("SWITCHBOARD_CATALOG_FILES").path("value").asText();
        List<String> mounted = new ArrayList<>();
        for (String key : (Iterable<String>) configMap.path("data")::fieldNames) {
            mounted.add(Path.of(mountPath, key).toString());
        }
        assertThat(mounted).as("switchboard.catalog.files names a file of the ConfigMap").contains(files);

        String overlay = configMap.path("data").path(Path.of(files).getFileName().toString()).asText();
        List<CatalogReader.Source> sources = new ArrayList<>(loader.sources().subList(0, 1)); // the shipped one
        sources.add(new CatalogReader.Source(files, overlay));
        CatalogValidator.Valid valid = CatalogValidator.validate(CatalogReader.read(sources));
        assertThat(valid.models()).isNotEmpty();
    }

    private static void assertSelects(JsonNode selector, JsonNode labels, String what) {
        assertThat(selector.isEmpty()).as(what + " has a selector").isFalse();
        selector.properties().forEach(e -> assertThat(labels.path(e.getKey()).asText()).as(what + " selects the pods")
                .isEqualTo(e.getValue().asText()));
    }

    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (port.asText().equals(p.path("name").asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + port);
    }

    private static JsonNode env(String name) {
        for (JsonNode env : container().path("env")) {
            if (name.equals(env.path("name").asText())) {
                return env;
            }
        }
        throw new AssertionError("no " + name + " in the container's environment");
    }

    private static JsonNode container() {
        JsonNode containers = one("Deployment").path("spec").path("template").path("spec").path("containers");
        assertThat(containers.size()).isEqualTo(1);
        return containers.get(0);
    }

    private static JsonNode one(String kind) {
        List<JsonNode> found = documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertThat(found).as("one " + kind).hasSize(1);
        return found.get(0);
    }
}
