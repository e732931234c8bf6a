package dev.switchboard.demo;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.catalog.ProviderStatus;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.probe.ProbeJob;
import dev.switchboard.routing.Candidate;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.routing.RoutePlanner;
import dev.switchboard.routing.RoutingRequest;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.stats.RollupJob;
import dev.switchboard.stats.SampleRecorder;
import dev.switchboard.stats.StatsSnapshot;
import dev.switchboard.testing.DemoTestProfile;
import dev.switchboard.testing.SimProfileOverrides;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.assertj.core.api.SoftAssertions;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acceptance 5 of the metrics issue: in demo mode, once the prober has been round every simulated endpoint (what the
 * schedule does within its first interval) and the rollup and snapshot have run, the Models page and every detail
 * page show live numbers for every endpoint, and the router's default order follows the measured TTFT.
 * <p>
 * The runs are called here rather than waited for; the demo's realistic profiles take seconds per answer, so every
 * upstream gets a quick one, and the providers of one model get distinct TTFTs that the order must follow.
 */
@QuarkusTest
@TestProfile(DemoTestProfile.class)
class DemoLiveNumbersTest {

    static final SimProfile QUICK = SimProfile.builder().ttftMs(20).ttftSpread(0.1).tokensPerSecond(2000)
            .outputTokens(8).outputTokensSpread(0).build();

    @Inject
    CatalogService catalog;

    @Inject
    ProbeJob prober;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    SampleRecorder recorder;

    @Inject
    RollupJob rollup;

    @Inject
    StatsSnapshot stats;

    @Inject
    EndpointHealth health;

    @Inject
    DataSource dataSource;

    @Test
    void everySimulatedEndpointShowsLiveNumbersAndTheDefaultOrderFollowsMeasuredTtft() throws Exception {
        Catalog current = catalog.current();
        List<CatalogEndpoint> all = ProbeJob.endpointsToProbe(current, Set.of());
        // embedding models are not probed (the probe is a chat stream): their numbers come from traffic only
        assertThat(all).hasSameSizeAs(current.endpoints().stream().filter(e -> !embeds(current, e.modelSlug()))
                        .toList())
                .allSatisfy(e -> assertThat(e.provider().status()).isEqualTo(ProviderStatus.SIMULATED));
        CatalogModel model = multiProviderModel(current);
        // the original vendor is the slowest: it still comes first; the others are slowest-first by slug, so an
        // order by slug, price or catalog position would not pass by chance
        CatalogEndpoint original = model.endpoints().stream().filter(CatalogEndpoint::originalVendor).findFirst()
                .orElseThrow();
        List<CatalogEndpoint> others = model.endpoints().stream().filter(e -> !e.originalVendor())
                .sorted(Comparator.comparing(CatalogEndpoint::slug)).toList();
        // steps of 150 ms: far more than what a loaded machine adds to a TTFT
        Map<CatalogEndpoint, Double> ttft = new LinkedHashMap<>();
        ttft.put(original, 150.0 * (others.size() + 1));
        for (int i = 0; i < others.size(); i++) {
            ttft.put(others.get(i), 150.0 * (others.size() - i));
        }

        try (SimProfileOverrides overrides = new SimProfileOverrides(simulator.server().runtime().profiles())) {
            all.forEach(e -> overrides.put(e.upstreamId(), QUICK));
            ttft.forEach((e, ms) -> overrides.put(e.upstreamId(), QUICK.toBuilder().ttftMs(ms).ttftSpread(0.05)
                    .build()));
            forget(model.endpoints());
            for (int i = 0; i < 5; i++) {
                ProbeJob.RunResult run = prober.runOnce(all, false);
                assertThat(run.probed()).isEqualTo(all.size());
                assertThat(run.ok()).isEqualTo(all.size());
            }
        }
        recorder.flush();
        rollup.runOnce();
        stats.reload();

        SoftAssertions soft = new SoftAssertions();
        Map<String, Element> cards = new LinkedHashMap<>();
        for (int page = 1; page <= (current.models().size() + 49) / 50; page++) {
            Jsoup.parse(given().get("/models?page=" + page).then().statusCode(200).extract().asString())
                    .select("li.model-card").forEach(card -> cards.put(card.attr("data-slug"), card));
        }
        for (CatalogModel m : current.models()) {
            if (embeds(current, m.slug())) {
                soft.assertThat(cards.get(m.slug())).as("card of " + m.slug()).isNotNull();
                given().get("/models/" + m.slug()).then().statusCode(200);
                continue;
            }
            Element card = cards.get(m.slug());
            soft.assertThat(card).as("card of " + m.slug()).isNotNull();
            if (card != null) {
                List<String> noData = card.select("dl.live dd.nodata").eachAttr("title");
                soft.assertThat(noData).as("no-data figures of " + m.slug()).isEmpty();
            }
            Document page = Jsoup.parse(given().get("/models/" + m.slug()).then().statusCode(200).extract()
                    .asString());
            for (CatalogEndpoint e : m.endpoints()) {
                int column = columnOf(page, e.provider().slug());
                for (String row : List.of("Latency (TTFT)", "Throughput", "Uptime 1 h", "Uptime 24 h",
                        "Tokens per minute")) {
                    soft.assertThat(row(page, row).select("td").get(column).text()).as(row + " of " + e.slug())
                            .doesNotContain("no data");
                }
            }
        }

        List<CatalogEndpoint> order = new RoutePlanner(current, stats::forEndpoint, health)
                .plan(RoutingRequest.of(model.slug()), ChatRequest.builder(model.slug()).user("hi").build())
                .candidates().stream().map(Candidate::endpoint).toList();
        List<CatalogEndpoint> byMeasured = new ArrayList<>(others);
        byMeasured.sort(Comparator.comparing(e -> stats.forEndpoint(e.id()).routingTtft().p50()));
        List<CatalogEndpoint> byConfigured = new ArrayList<>(others);
        byConfigured.sort(Comparator.comparing(ttft::get));
        soft.assertThat(byMeasured).as("measured TTFT order, measured: " + others.stream().collect(
                Collectors.toMap(CatalogEndpoint::slug, e -> stats.forEndpoint(e.id()).routingTtft())))
                .isEqualTo(byConfigured);
        List<CatalogEndpoint> expected = new ArrayList<>(List.of(original));
        expected.addAll(byConfigured);
        soft.assertThat(order).as("default order of " + model.slug()).isEqualTo(expected);
        soft.assertAll();
    }

    private static boolean embeds(Catalog catalog, String modelSlug) {
        return catalog.model(modelSlug).orElseThrow().outputModalities().contains(RoutePlanner.EMBEDDINGS);
    }

    /** The model with the most providers whose upstream ids are its own, with its original vendor among them. */
    private static CatalogModel multiProviderModel(Catalog catalog) {
        Map<String, Long> idUse = catalog.endpoints().stream()
                .collect(Collectors.groupingBy(CatalogEndpoint::upstreamId, Collectors.counting()));
        return catalog.models().stream()
                .filter(m -> !embeds(catalog, m.slug()))
                .filter(m -> m.endpoints().stream().anyMatch(CatalogEndpoint::originalVendor))
                .filter(m -> m.endpoints().stream().allMatch(e -> idUse.get(e.upstreamId()) == 1))
                .max(Comparator.comparingInt((CatalogModel m) -> m.endpoints().size())
                        .thenComparing(CatalogModel::slug, Comparator.reverseOrder()))
                .filter(m -> m.endpoints().size() >= 3)
                .orElseThrow(() -> new AssertionError("no model with three providers of its own upstream ids"));
    }

    private static int columnOf(Document page, String providerSlug) {
        List<Element> heads = page.select("table.compare thead th");
        for (int i = 1; i < heads.size(); i++) {
            if (heads.get(i).selectFirst("a[href=/providers/" + providerSlug + "]") != null) {
                return i - 1;
            }
        }
        throw new AssertionError("no column for " + providerSlug);
    }

    private static Element row(Document page, String header) {
        return page.select("table.compare tbody tr").stream()
                .filter(tr -> tr.selectFirst("th").text().startsWith(header)).findFirst().orElseThrow();
    }

    /** Earlier tests of this boot may have probed these endpoints with other profiles. */
    private void forget(List<CatalogEndpoint> endpoints) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            for (CatalogEndpoint e : endpoints) {
                for (String table : List.of("samples", "rollups_minute", "rollups_hour")) {
                    try (PreparedStatement ps = c.prepareStatement("delete from " + table
                            + " where endpoint_id = ?")) {
                        ps.setLong(1, e.id());
                        ps.executeUpdate();
                    }
                }
            }
        }
    }
}
