package dev.switchboard.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.catalog.CatalogService;
import dev.switchboard.fuzz.RawHttp;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.Canary;
import dev.switchboard.testing.SimProfileOverrides;
import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.switchboard.proxy.ProxyTestSupport.JSON;
import static dev.switchboard.proxy.ProxyTestSupport.KEY;
import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static dev.switchboard.testing.TestCatalog.BROKEN;
import static dev.switchboard.testing.TestCatalog.CANARY_MODEL;
import static dev.switchboard.testing.TestCatalog.CANARY_PROVIDER;
import static dev.switchboard.testing.TestCatalog.OUTBOUND_ANTHROPIC;
import static dev.switchboard.testing.TestCatalog.OUTBOUND_BEDROCK;
import static dev.switchboard.testing.TestCatalog.OUTBOUND_GEMINI;
import static dev.switchboard.testing.TestCatalog.OUTBOUND_OPENAI;
import static dev.switchboard.testing.TestCatalog.VISION;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11: no caller-controlled input makes the gateway connect anywhere but the configured providers' base URLs.
 * Two canaries count every TCP connection they accept: the <b>trap</b>, on a port no configuration names, whose URL
 * every hostile input carries (image URLs, model strings, provider lists, forwarding headers, base-URL-ish body
 * fields, fallback models, the simulator's control API); and <b>canary-lab</b>'s base URL, a provider that serves
 * only ssrflab/canary, whose slug the hostile inputs name for other models. Both must stay at zero for every input,
 * while each answer is a success or an error in the caller's protocol. The positive controls show the counting
 * can fail: the test's own request reaches the trap, a call routed to ssrflab/canary reaches canary-lab, and a
 * redirect from canary-lab to the trap is not followed.
 * <p>
 * ssrflab/vision has one provider of each wire kind on the in-app simulator, so an image URL goes through every
 * adapter: OpenAI, Anthropic and Gemini pass it on for the provider to fetch, Bedrock (which fetches no URL) refuses
 * it with a 400; none downloads it.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class OutboundTargetsTest {

    private static final Pattern STACK_TRACE = Pattern.compile("Exception|\\bat [\\w$.]+\\([\\w$]+\\.java:\\d+\\)");
    private static final List<String> VISION_PROVIDERS = List.of(OUTBOUND_OPENAI, OUTBOUND_ANTHROPIC,
            OUTBOUND_GEMINI, OUTBOUND_BEDROCK);
    /** A 1x1 transparent PNG. */
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
    private static final String COMPLETION = """
            {"id":"chatcmpl-canary","object":"chat.completion","created":1700000000,"model":"canary-1",
             "choices":[{"index":0,"message":{"role":"assistant","content":"tweet"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""";

    private static Canary trap;
    private static Canary listed;

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    @Inject
    CatalogService catalog;

    private String base;
    private SimProfileOverrides profiles;
    private int sent;

    enum Protocol { OPENAI, ANTHROPIC }

    /** What an input may end in: a success, a refusal (4xx), or either; never a 500 nor a stack trace. */
    enum Expect { OK, REFUSED, ANSWERED }

    @BeforeAll
    static void startCanaries() {
        trap = Canary.start();
        listed = Canary.start(SwitchboardTestProfile.CANARY_PORT);
    }

    @AfterAll
    static void stopCanaries() {
        trap.close();
        listed.close();
    }

    @BeforeEach
    void quietCanariesAndQuickUpstreams() {
        base = root.toString().replaceAll("/$", "");
        health.reset();
        profiles = new SimProfileOverrides(ProxyTestSupport.sim(simulator).profiles());
        for (String model : List.of("vision-oa", "vision-an", "vision-gm", "vision-br")) {
            profiles.put(model, QUICK);
        }
        profiles.put("broken-oa", QUICK.toBuilder().serverErrorRate(1).build());
        listed.answer(Canary.Reply.json(200, COMPLETION));
        trap.reset();
        listed.reset();
        sent = 0;
    }

    @AfterEach
    void restoreProfiles() {
        profiles.close();
    }

    // ---- positive controls: the counting notices a connection

    @Test
    void theTrapCountsARequestThatReachesIt() throws Exception {
        HttpResponse<String> direct = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(trap.url() + "/are-you-there")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(404);
        assertThat(trap.connections()).isEqualTo(1);
        assertThat(trap.requestLines()).containsExactly("GET /are-you-there HTTP/1.1");
    }

    @Test
    void aCallRoutedToTheCanaryProviderReachesIt() {
        HttpResponse<String> answer = call(Protocol.OPENAI, false, CANARY_MODEL, "\"Hi\"", "", Expect.OK);
        assertThat(answer.headers().firstValue("x-switchboard-provider")).contains(CANARY_PROVIDER);
        assertThat(ProxyTestSupport.json(answer).at("/choices/0/message/content").asText()).isEqualTo("tweet");
        assertThat(listed.connections()).isGreaterThanOrEqualTo(1);
        assertThat(listed.requestLines()).first().isEqualTo("POST /v1/chat/completions HTTP/1.1");
        assertThat(trap.connections()).isZero();
    }

    @Test
    void aProvidersRedirectIsNotFollowed() {
        listed.answer(Canary.Reply.redirect(trap.url() + "/followed"));
        for (Protocol protocol : Protocol.values()) {
            for (boolean stream : new boolean[] {false, true}) {
                health.reset();
                call(protocol, stream, CANARY_MODEL, "\"Hi\"", "", Expect.ANSWERED);
            }
        }
        assertThat(listed.requestLines()).hasSizeGreaterThanOrEqualTo(4)
                .allMatch(line -> line.equals("POST /v1/chat/completions HTTP/1.1"));
        assertThat(trap.connections()).as("the redirect's target").isZero();
    }

    // ---- hostile inputs: nothing reaches either canary

    @Test
    void imageUrlsGoToTheProviderNeverThroughTheGateway() {
        String host = "127.0.0.1:" + trap.port();
        List<String> urls = List.of(
                trap.url() + "/cat.png",
                "HTTP://" + host + "/cat.png",
                "http://localhost:" + trap.port() + "/cat.png",
                "http://user:secret@" + host + "/cat.png",
                "http://example.com@" + host + "/cat.png",
                "http://" + host + "#@example.com/cat.png",
                "http://[::ffff:127.0.0.1]:" + trap.port() + "/cat.png",
                "http://2130706433:" + trap.port() + "/cat.png",
                "https://" + host + "/cat.png",
                "//" + host + "/cat.png",
                "gs://" + host + "/cat.png",
                "s3://" + host + "/cat.png",
                "file:///etc/passwd",
                "data:image/png;base64," + Base64.getEncoder().encodeToString(trap.url().getBytes(
                        StandardCharsets.UTF_8)),
                "data:" + trap.url() + ";base64," + PNG,
                "data:image/png," + trap.url(),
                "data:image/png;base64," + PNG + "," + trap.url());
        for (String provider : VISION_PROVIDERS) {
            String only = "\"provider\":{\"only\":[\"" + provider + "\"]}";
            for (String url : urls) {
                for (Protocol protocol : Protocol.values()) {
                    call(protocol, false, VISION, image(protocol, url), only, Expect.ANSWERED);
                }
            }
            // the plain http URL: passed on where the provider fetches URLs, refused where it does not
            Expect plain = provider.equals(OUTBOUND_BEDROCK) ? Expect.REFUSED : Expect.OK;
            for (Protocol protocol : Protocol.values()) {
                for (boolean stream : new boolean[] {false, true}) {
                    HttpResponse<String> answer = call(protocol, stream, VISION, image(protocol, trap.url()
                            + "/cat.png"), only, plain);
                    if (plain == Expect.OK) {
                        assertThat(answer.headers().firstValue("x-switchboard-provider")).contains(provider);
                    } else {
                        assertThat(answer.body()).contains("URL");
                    }
                }
                // an inline image is served by every kind
                call(protocol, false, VISION, image(protocol, "data:image/png;base64," + PNG), only, Expect.OK);
            }
        }
        // an Anthropic document by URL, and an image source of another type naming the trap
        for (String source : List.of(
                "[{\"type\":\"document\",\"source\":{\"type\":\"url\",\"url\":\"" + trap.url() + "/a.pdf\"}}]",
                "[{\"type\":\"image\",\"source\":{\"type\":\"file\",\"file_id\":\"" + trap.url() + "\"}}]",
                "[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\""
                        + PNG + "\",\"url\":\"" + trap.url() + "\"}}]")) {
            call(Protocol.ANTHROPIC, false, VISION, source, "", Expect.ANSWERED);
        }
        assertNothingReached("image URLs");
    }

    @Test
    void modelStringsNamingAUrlOrAnotherProviderResolveOnlyInTheCatalog() {
        String host = "127.0.0.1:" + trap.port();
        List<String> models = List.of(
                trap.url() + "/v1",
                trap.url() + "/v1/chat/completions",
                host,
                "//" + host + "/" + VISION,
                VISION + ":" + trap.url(),
                VISION + ":" + host,
                VISION + ":" + CANARY_PROVIDER,
                VISION + ":" + OUTBOUND_OPENAI + "@" + host,
                VISION + "@" + host,
                VISION + "#@" + host,
                "http://" + VISION + "@" + host + "/",
                "http://" + OUTBOUND_OPENAI + ":sim-key-1@" + host + "/" + VISION,
                CANARY_PROVIDER + "/" + VISION,
                "ssrflab/" + CANARY_PROVIDER,
                VISION + "/../../../" + host,
                "ssrflab/canary" + "\u0000" + VISION,
                VISION + ":nitro@" + host);
        for (String model : models) {
            for (Protocol protocol : Protocol.values()) {
                for (boolean stream : new boolean[] {false, true}) {
                    call(protocol, stream, model, "\"Hi\"", "", Expect.REFUSED);
                }
            }
        }
        assertNothingReached("model strings");
    }

    @Test
    void providerListsOnlyChooseAmongTheModelsOwnEndpoints() {
        String host = "127.0.0.1:" + trap.port();
        Map<String, Expect> extras = new LinkedHashMap<>();
        // a slug the catalog does not know is refused; one it knows that does not serve the model is skipped
        extras.put("\"provider\":{\"order\":[\"" + trap.url() + "\",\"" + CANARY_PROVIDER + "\"]}",
                Expect.REFUSED);
        extras.put("\"provider\":{\"order\":[\"" + CANARY_PROVIDER + "\",\"" + OUTBOUND_GEMINI + "\"]}", Expect.OK);
        extras.put("\"provider\":{\"order\":[\"" + CANARY_PROVIDER + "\"],\"allow_fallbacks\":false}",
                Expect.REFUSED);
        extras.put("\"provider\":{\"only\":[\"" + CANARY_PROVIDER + "\"]}", Expect.REFUSED);
        extras.put("\"provider\":{\"only\":[\"" + trap.url() + "\"]}", Expect.REFUSED);
        extras.put("\"provider\":{\"only\":[\"" + host + "\",\"" + OUTBOUND_OPENAI + "@" + host + "\"]}",
                Expect.REFUSED);
        extras.put("\"provider\":{\"ignore\":[\"" + trap.url() + "\",\"" + CANARY_PROVIDER + "\"]}",
                Expect.ANSWERED);
        extras.put("\"provider\":{\"ignore\":[\"" + CANARY_PROVIDER + "\"]}", Expect.OK);
        extras.put("\"provider\":{\"ignore\":" + JSON.valueToTree(VISION_PROVIDERS) + "}", Expect.ANSWERED);
        extras.put("\"provider\":{\"routing\":{\"type\":\"order\",\"providers\":[\"" + trap.url() + "\",\""
                + CANARY_PROVIDER + "\"]}}", Expect.REFUSED);
        extras.put("\"provider_routing_strategy\":{\"type\":\"specified_providers\",\"providers\":[\""
                + CANARY_PROVIDER + "\",\"" + trap.url() + "\"]}", Expect.REFUSED);
        extras.put("\"provider\":{\"order\":[\"" + trap.url() + "\"],\"base_url\":\"" + trap.url()
                + "\",\"endpoint\":\"" + trap.url() + "\"}", Expect.ANSWERED);
        for (Map.Entry<String, Expect> extra : extras.entrySet()) {
            for (Protocol protocol : Protocol.values()) {
                for (boolean stream : new boolean[] {false, true}) {
                    HttpResponse<String> answer = call(protocol, stream, VISION, "\"Hi\"", extra.getKey(),
                            extra.getValue());
                    if (answer.statusCode() == 200) {
                        assertThat(answer.headers().firstValue("x-switchboard-provider").orElseThrow())
                                .isIn(VISION_PROVIDERS);
                    }
                }
            }
        }
        assertNothingReached("provider lists");
    }

    @Test
    void fallbackModelsNamingUrlsOrOtherProvidersAreNotTried() {
        Map<String, Expect> extras = new LinkedHashMap<>();
        // every entry but the last is not a model of the catalog: the last one serves
        extras.put("\"models\":[\"" + trap.url() + "/v1\",\"" + CANARY_PROVIDER + "\",\"" + VISION + ":"
                + CANARY_PROVIDER + "\",\"" + VISION + "\"]", Expect.ANSWERED);
        extras.put("\"models\":[\"" + trap.url() + "/v1/chat/completions\"]", Expect.ANSWERED);
        extras.put("\"provider\":{\"fallback\":\"" + trap.url() + "\"}", Expect.ANSWERED);
        extras.put("\"provider\":{\"fallback\":\"" + VISION + ":" + CANARY_PROVIDER + "\"}", Expect.ANSWERED);
        for (Map.Entry<String, Expect> extra : extras.entrySet()) {
            for (Protocol protocol : Protocol.values()) {
                for (boolean stream : new boolean[] {false, true}) {
                    health.reset();
                    call(protocol, stream, BROKEN, "\"Hi\"", extra.getKey(), extra.getValue());
                }
            }
        }
        assertNothingReached("fallback models");
    }

    @Test
    void baseUrlFieldsInTheBodyAreNotFollowed() {
        String url = trap.url();
        String[] fields = {
                "\"api_base\":\"" + url + "\"", "\"base_url\":\"" + url + "\"", "\"baseURL\":\"" + url + "\"",
                "\"api_url\":\"" + url + "\"", "\"endpoint\":\"" + url + "\"", "\"url\":\"" + url + "\"",
                "\"azure_endpoint\":\"" + url + "\"", "\"proxy\":\"" + url + "\"", "\"callback_url\":\"" + url + "\"",
                "\"webhook_url\":\"" + url + "\"", "\"user\":\"" + url + "\"",
                "\"extra_headers\":{\"Host\":\"127.0.0.1:" + trap.port() + "\",\"X-Forwarded-Host\":\"127.0.0.1:"
                        + trap.port() + "\"}",
                "\"headers\":{\"Host\":\"127.0.0.1:" + trap.port() + "\"}",
                "\"extra_body\":{\"base_url\":\"" + url + "\",\"api_base\":\"" + url + "\"}",
                "\"extra_query\":{\"url\":\"" + url + "\"}",
                "\"metadata\":{\"url\":\"" + url + "\",\"user_id\":\"" + url + "\"}",
                "\"mcp_servers\":[{\"type\":\"url\",\"url\":\"" + url + "/sse\",\"name\":\"trap\"}]",
                "\"tools\":[{\"type\":\"mcp\",\"server_label\":\"trap\",\"server_url\":\"" + url + "\"}]",
                "\"web_search_options\":{\"search_context_size\":\"low\",\"url\":\"" + url + "\"}"};
        for (String field : fields) {
            for (Protocol protocol : Protocol.values()) {
                for (boolean stream : new boolean[] {false, true}) {
                    call(protocol, stream, VISION, "\"Hi\"", field, Expect.ANSWERED);
                }
            }
        }
        assertNothingReached("base-URL fields");
    }

    @Test
    void forwardingHeadersAndAbsoluteRequestTargetsDoNotRedirectTheGateway() throws IOException {
        String host = "127.0.0.1:" + trap.port();
        List<String> headers = List.of(
                "Host: " + host,
                "X-Forwarded-Host: " + host,
                "X-Forwarded-Proto: http\r\nX-Forwarded-Host: " + host + "\r\nX-Forwarded-Port: " + trap.port(),
                "Forwarded: for=127.0.0.1;host=" + host + ";proto=http",
                "X-Forwarded-Server: " + host + "\r\nX-Real-IP: 127.0.0.1",
                "X-Original-URL: " + trap.url() + "/v1/chat/completions",
                "X-Rewrite-URL: " + trap.url() + "/v1/chat/completions",
                "X-Forwarded-Prefix: " + trap.url(),
                "Origin: " + trap.url() + "\r\nReferer: " + trap.url() + "/");
        RawHttp http = new RawHttp(root.getPort());
        for (String header : headers) {
            for (Protocol protocol : Protocol.values()) {
                for (boolean stream : new boolean[] {false, true}) {
                    String path = protocol == Protocol.OPENAI ? "/v1/chat/completions" : "/v1/messages";
                    raw(http, "POST " + path, header, protocol, stream, Expect.OK);
                    // the request target in absolute form, as a forward proxy would be asked
                    raw(http, "POST " + trap.url() + path, header, protocol, stream, Expect.OK);
                }
            }
        }
        for (String method : List.of("CONNECT " + host, "GET " + trap.url() + "/", "OPTIONS " + trap.url() + "/")) {
            RawHttp.Answer answer = http.send(("%s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                    .formatted(method, host)).getBytes(StandardCharsets.ISO_8859_1), true);
            sent++;
            if (method.startsWith("CONNECT")) {
                // a 2xx would be a tunnel opened; other methods are answered about the gateway's own resources
                assertThat(answer.status() / 100).as(method + ": " + answer.text()).isNotEqualTo(2);
            }
            assertThat(answer.status()).as(method + ": " + answer.text()).isNotIn(-1, 500, 501);
            assertNoStackTrace(method, answer.text());
        }
        assertNothingReached("forwarding headers");
    }

    @Test
    void theSimulatorsControlApiCannotPointTheGatewayElsewhere() {
        // not served on the gateway's port at all
        for (String method : List.of("GET", "PUT", "POST", "DELETE")) {
            for (String path : List.of("/_sim/profiles", "/_sim/profiles/vision-oa", "/_sim/reset",
                    "/_sim/requests")) {
                HttpResponse<String> answer = send(base, method, path, "{\"baseUrl\":\"" + trap.url() + "\"}");
                assertThat(answer.statusCode()).as(method + " " + path + " on the gateway").isBetween(400, 499);
            }
        }
        // on the simulator's own port, profiles take numbers only: no field names a URL
        for (String field : List.of("baseUrl", "url", "redirect", "upstream", "target", "ttftMs")) {
            HttpResponse<String> answer = send(SwitchboardTestProfile.SIM_URL, "PUT", "/_sim/profiles/vision-oa",
                    "{\"" + field + "\":\"" + trap.url() + "\"}");
            assertThat(answer.statusCode()).as(field + ": " + answer.body()).isEqualTo(400);
        }
        call(Protocol.OPENAI, false, VISION, "\"Hi\"", "\"provider\":{\"only\":[\"" + OUTBOUND_OPENAI + "\"]}",
                Expect.OK);
        assertNothingReached("the simulator's control API");
    }

    @Test
    void callersCannotChangeTheCatalogsProviders() {
        Map<String, String> before = baseUrls();
        String body = "{\"slug\":\"" + CANARY_PROVIDER + "\",\"base_url\":\"" + trap.url() + "\"}";
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            for (String path : List.of("/api/v1/models", "/api/v1/models/" + VISION + "/endpoints", "/api/v1/providers",
                    "/api/v1/providers/" + OUTBOUND_OPENAI, "/providers/" + OUTBOUND_OPENAI, "/v1/models",
                    "/admin/catalog", "/admin/providers", "/api/v1/catalog")) {
                HttpResponse<String> answer = send(base, method, path, body);
                assertThat(answer.statusCode()).as(method + " " + path).isBetween(400, 499);
                assertNoStackTrace(method + " " + path, answer.body());
            }
        }
        assertThat(baseUrls()).isEqualTo(before);
        assertThat(catalog.refresh().providers().stream().collect(Collectors.toMap(CatalogProvider::slug,
                CatalogProvider::baseUrl))).isEqualTo(before);
        call(Protocol.OPENAI, false, VISION, "\"Hi\"", "\"provider\":{\"only\":[\"" + OUTBOUND_OPENAI + "\"]}",
                Expect.OK);
        assertNothingReached("catalog writes");
    }

    // ---- helpers

    private Map<String, String> baseUrls() {
        return catalog.current().providers().stream().collect(Collectors.toMap(CatalogProvider::slug,
                CatalogProvider::baseUrl));
    }

    private void assertNothingReached(String what) {
        assertThat(sent).as("requests sent").isPositive();
        assertThat(trap.connections()).as(what + ": connections to the trap; lines " + trap.requestLines())
                .isZero();
        assertThat(listed.connections()).as(what + ": connections to canary-lab; lines " + listed.requestLines())
                .isZero();
    }

    private static String image(Protocol protocol, String url) {
        ArrayNode parts = JSON.createArrayNode();
        parts.addObject().put("type", "text").put("text", "What is in this picture?");
        ObjectNode image = parts.addObject();
        if (protocol == Protocol.OPENAI) {
            image.put("type", "image_url").putObject("image_url").put("url", url);
        } else {
            image.put("type", "image").putObject("source").put("type", "url").put("url", url);
        }
        return parts.toString();
    }

    private static String body(Protocol protocol, boolean stream, String model, String content, String extra) {
        return "{\"model\":" + JSON.valueToTree(model) + ",\"max_tokens\":16,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + content + "}]"
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    /** One call through the proxy, judged; afterwards neither canary may have been reached. */
    private HttpResponse<String> call(Protocol protocol, boolean stream, String model, String content, String extra,
                                      Expect expect) {
        String body = body(protocol, stream, model, content, extra);
        HttpResponse<String> answer = protocol == Protocol.OPENAI ? ProxyTestSupport.openAi(base, body)
                : ProxyTestSupport.anthropic(base, body);
        sent++;
        judge(protocol, stream, body, answer.statusCode(), answer.headers().firstValue("content-type").orElse(""),
                answer.body(), expect);
        if (!model.equals(CANARY_MODEL)) {
            assertThat(trap.connections() + listed.connections()).as("connections after " + body).isZero();
        }
        return answer;
    }

    private void raw(RawHttp http, String requestLine, String headers, Protocol protocol, boolean stream,
                     Expect expect) throws IOException {
        String body = body(protocol, stream, VISION, "\"Hi\"", "\"provider\":{\"only\":[\"" + OUTBOUND_OPENAI + "\"]}");
        String auth = protocol == Protocol.OPENAI ? "Authorization: Bearer " + KEY
                : "x-api-key: " + KEY + "\r\nanthropic-version: 2023-06-01";
        String hostHeader = headers.startsWith("Host:") ? "" : "Host: 127.0.0.1:" + root.getPort() + "\r\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = requestLine + " HTTP/1.1\r\n" + hostHeader + headers + "\r\n" + auth
                + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n";
        byte[] request = new byte[head.length() + bytes.length];
        System.arraycopy(head.getBytes(StandardCharsets.ISO_8859_1), 0, request, 0, head.length());
        System.arraycopy(bytes, 0, request, head.length(), bytes.length);
        RawHttp.Answer answer = http.send(request, false);
        sent++;
        judge(protocol, stream, requestLine + " / " + headers, answer.status(),
                String.valueOf(answer.header("content-type")), answer.text(), expect);
        assertThat(answer.header("x-switchboard-provider")).isEqualTo(OUTBOUND_OPENAI);
        assertThat(trap.connections() + listed.connections()).as("connections after " + headers).isZero();
    }

    /** A success or an error in the caller's protocol, as expected; never a 500 or a stack trace. */
    private static void judge(Protocol protocol, boolean stream, String what, int status, String contentType,
                              String body, Expect expect) {
        String as = what + " -> " + status + " " + body;
        assertNoStackTrace(what, body);
        assertThat(status).as(as).isNotIn(0, -1, 500, 501);
        switch (expect) {
            case OK -> assertThat(status).as(as).isEqualTo(200);
            case REFUSED -> assertThat(status).as(as).isBetween(400, 499);
            case ANSWERED -> assertThat(status).as(as).isIn(200, 400, 402, 404, 413, 422, 429, 502, 503, 504);
        }
        if (status == 200 && stream) {
            assertThat(contentType).as(as).startsWith("text/event-stream");
            assertThat(body).as(as).contains(protocol == Protocol.OPENAI ? "data: [DONE]" : "event: message_stop");
            return;
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + as, e);
        }
        if (status == 200) {
            if (protocol == Protocol.OPENAI) {
                assertThat(json.path("choices").isArray()).as(as).isTrue();
            } else {
                assertThat(json.path("type").asText()).as(as).isEqualTo("message");
            }
        } else if (protocol == Protocol.OPENAI) {
            assertThat(json.at("/error/message").asText()).as(as).isNotBlank();
        } else {
            assertThat(json.path("type").asText()).as(as).isEqualTo("error");
            assertThat(json.at("/error/message").asText()).as(as).isNotBlank();
        }
    }

    private static void assertNoStackTrace(String what, String body) {
        assertThat(STACK_TRACE.matcher(body).find()).as(what + " -> " + body).isFalse();
    }

    private static HttpResponse<String> send(String base, String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").header("authorization", "Bearer " + KEY)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
