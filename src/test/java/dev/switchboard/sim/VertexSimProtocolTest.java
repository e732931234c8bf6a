package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.ServerException;
import com.google.genai.types.Content;
import com.google.genai.types.FinishReason;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Part;
import com.google.genai.types.Schema;
import com.google.genai.types.ThinkingConfig;
import com.google.genai.types.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Vertex AI and Gemini API protocol, with Google's official google-genai SDK as its client: Vertex mode with the
 * simulator as base URL and a service account whose token_uri is the simulator's (Google's auth library signs the
 * JWT, the simulator verifies it), and the Gemini API mode with an API key. Raw HTTP for what the SDK hides.
 */
class VertexSimProtocolTest {

    static final String PROJECT = "sim-project";
    static final SimServiceAccount ACCOUNT = SimServiceAccount.generate("sdk-test@" + PROJECT
            + ".iam.gserviceaccount.com");

    static SimTestServer sim;
    static GoogleCredentials credentials;
    static Client vertex;
    static Client geminiApi;

    @BeforeAll
    static void start() throws IOException {
        sim = new SimTestServer(SimConfig.defaults().withSeed(SimTestServer.SEED).withDefaultProfile(SimTestServer.FAST)
                .withGoogleServiceAccount(ACCOUNT));
        credentials = load(ACCOUNT.toKeyJson(sim.baseUrl + "/token", PROJECT));
        vertex = vertexClient(credentials, null);
        geminiApi = Client.builder().apiKey(SimTestServer.KEY).httpOptions(httpOptions(null)).build();
    }

    @AfterAll
    static void stop() {
        vertex.close();
        geminiApi.close();
        sim.close();
    }

    static GoogleCredentials load(String keyJson) throws IOException {
        try (InputStream in = new ByteArrayInputStream(keyJson.getBytes(StandardCharsets.UTF_8))) {
            return ServiceAccountCredentials.fromStream(in)
                    .createScoped("https://www.googleapis.com/auth/cloud-platform");
        }
    }

    /** No retries: a fault must reach the test as the SDK reports it. */
    static HttpOptions httpOptions(String apiVersion) {
        HttpOptions.Builder options = HttpOptions.builder().baseUrl(sim.baseUrl)
                .retryOptions(HttpRetryOptions.builder().attempts(1).build());
        if (apiVersion != null) {
            options.apiVersion(apiVersion);
        }
        return options.build();
    }

    static Client vertexClient(GoogleCredentials credentials, String apiVersion) {
        return Client.builder().vertexAI(true).project(PROJECT).location("us-central1").credentials(credentials)
                .httpOptions(httpOptions(apiVersion)).build();
    }

    static GenerateContentConfig.Builder config() {
        return GenerateContentConfig.builder().maxOutputTokens(512)
                .systemInstruction(Content.fromParts(Part.fromText("You are terse.")));
    }

    static Tool weatherTool() {
        return Tool.builder().functionDeclarations(FunctionDeclaration.builder().name("get_weather")
                .description("Current weather of a city")
                .parameters(Schema.builder().type("OBJECT").properties(Map.of(
                                "city", Schema.builder().type("STRING").build(),
                                "unit", Schema.builder().type("STRING").enum_(List.of("celsius", "fahrenheit")).build()))
                        .required("city", "unit"))
                .build()).build();
    }

    @Test
    void vertexGenerateContent() {
        long tokensBefore = sim.server.runtime().googleAuth().tokensIssued();
        GenerateContentResponse response = vertex.models.generateContent("gemini-2.5-flash",
                "What is the weather like in Paris?", config().build());

        assertThat(response.text()).matches("[A-Z].*[.!]");
        assertThat(response.finishReason().knownEnum()).isEqualTo(FinishReason.Known.STOP);
        assertThat(response.modelVersion()).contains("gemini-2.5-flash");
        assertThat(response.responseId()).isPresent();
        assertThat(response.createTime()).isPresent();
        var usage = response.usageMetadata().orElseThrow();
        assertThat(usage.promptTokenCount().orElseThrow()).isPositive();
        assertThat(usage.candidatesTokenCount()).contains(response.text().split(" ").length);
        assertThat(usage.totalTokenCount()).contains(usage.promptTokenCount().get()
                + usage.candidatesTokenCount().get());
        // counted just after the last byte went out, so possibly after the client has it
        sim.awaitRequests("gemini-2.5-flash", n -> n.path("completed").asLong() == 1, Duration.ofSeconds(10));
        // the SDK got its token from the simulator's token endpoint, through Google's auth library
        assertThat(sim.server.runtime().googleAuth().tokensIssued()).isGreaterThanOrEqualTo(Math.max(1, tokensBefore));
    }

    @Test
    void vertexStableApiVersionToo() {
        try (Client v1 = vertexClient(credentials, "v1")) {
            assertThat(v1.models.generateContent("gemini-v1", "Hello", config().build()).text()).isNotBlank();
        }
    }

    @Test
    void vertexStreamGenerateContent() {
        List<GenerateContentResponse> chunks = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream = vertex.models.generateContentStream("gemini-stream",
                "What is the weather like in Paris?", config().build())) {
            stream.forEach(chunks::add);
        }
        assertThat(chunks).hasSizeGreaterThan(2);
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.text() == null ? "" : c.text()));
        assertThat(text.toString()).matches("[A-Z].*[.!]");
        GenerateContentResponse last = chunks.getLast();
        assertThat(last.finishReason().knownEnum()).isEqualTo(FinishReason.Known.STOP);
        assertThat(last.usageMetadata().orElseThrow().candidatesTokenCount())
                .contains(text.toString().split(" ").length);
        assertThat(chunks.getFirst().finishReason().knownEnum()).isNotEqualTo(FinishReason.Known.STOP);
    }

    @Test
    void functionCallingRoundTrip() {
        GenerateContentConfig config = config().tools(weatherTool()).build();
        GenerateContentResponse call = vertex.models.generateContent("gemini-tools", "Weather in Paris?", config);

        FunctionCall functionCall = call.functionCalls().getFirst();
        assertThat(functionCall.name()).contains("get_weather");
        Map<String, Object> args = functionCall.args().orElseThrow();
        assertThat(args).containsKeys("city", "unit");
        assertThat(args.get("unit")).isIn("celsius", "fahrenheit");
        assertThat(call.finishReason().knownEnum()).isEqualTo(FinishReason.Known.STOP);

        List<Content> history = List.of(
                Content.builder().role("user").parts(Part.fromText("Weather in Paris?")).build(),
                call.candidates().orElseThrow().getFirst().content().orElseThrow(),
                Content.builder().role("user").parts(Part.fromFunctionResponse("get_weather",
                        Map.of("temperature", 21, "sky", "clear"))).build());
        GenerateContentResponse answer = vertex.models.generateContent("gemini-tools", history, config);
        assertThat(answer.functionCalls()).isNullOrEmpty();
        assertThat(answer.text()).isNotBlank();

        // a response turn that answers no call is refused as Gemini refuses it
        List<Content> orphan = List.of(Content.builder().role("user").parts(Part.fromFunctionResponse("get_weather",
                Map.of("temperature", 21))).build());
        assertThatThrownBy(() -> vertex.models.generateContent("gemini-tools", orphan, config))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.status()).isEqualTo("INVALID_ARGUMENT");
                    assertThat(e.message()).contains("function response turn comes immediately after a function call");
                });
    }

    @Test
    void thinkingWithThoughtSummaries() {
        GenerateContentConfig config = config().maxOutputTokens(4096)
                .thinkingConfig(ThinkingConfig.builder().thinkingBudget(1024).includeThoughts(true)).build();
        GenerateContentResponse response = vertex.models.generateContent("gemini-thinking", "Why is the sky blue?",
                config);

        List<Part> parts = response.parts();
        assertThat(parts.getFirst().thought()).contains(true);
        assertThat(parts.getFirst().text().orElseThrow()).isNotBlank();
        assertThat(parts.get(1).thoughtSignature()).isPresent();
        assertThat(response.usageMetadata().orElseThrow().thoughtsTokenCount().orElseThrow()).isPositive();

        List<GenerateContentResponse> chunks = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream = vertex.models.generateContentStream("gemini-thinking",
                "Why is the sky blue?", config)) {
            stream.forEach(chunks::add);
        }
        assertThat(chunks.getFirst().parts().getFirst().thought()).contains(true);
        assertThat(chunks.getLast().usageMetadata().orElseThrow().thoughtsTokenCount().orElseThrow()).isPositive();
    }

    @Test
    void geminiApiModeWithAnApiKey() {
        GenerateContentResponse response = geminiApi.models.generateContent("gemini-studio", "Hello there",
                config().build());
        assertThat(response.text()).isNotBlank();
        assertThat(response.createTime()).isEmpty();

        StringBuilder text = new StringBuilder();
        try (ResponseStream<GenerateContentResponse> stream = geminiApi.models.generateContentStream("gemini-studio",
                "Hello there", config().build())) {
            stream.forEach(c -> text.append(c.text() == null ? "" : c.text()));
        }
        assertThat(text.toString()).isNotBlank();

        try (Client wrong = Client.builder().apiKey("AIzaSyWRONG-key-0000000000000000000").httpOptions(httpOptions(null))
                .build()) {
            assertThatThrownBy(() -> wrong.models.generateContent("gemini-studio", "Hello", config().build()))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(400);
                        assertThat(e.message()).startsWith("API key not valid. Please pass a valid API key.")
                                .contains("API_KEY_INVALID");
                    });
        }
    }

    @Test
    void injectedFaultsReachTheSdkAsGoogleErrors() {
        sim.profile("gemini-429", SimTestServer.FAST.toBuilder().rateLimitedRate(1).build());
        assertThatThrownBy(() -> vertex.models.generateContent("gemini-429", "Hi", config().build()))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(429);
                    assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED");
                });
        sim.profile("gemini-overloaded", SimTestServer.FAST.toBuilder().overloadedRate(1).build());
        assertThatThrownBy(() -> vertex.models.generateContent("gemini-overloaded", "Hi", config().build()))
                .isInstanceOfSatisfying(ServerException.class, e -> {
                    assertThat(e.code()).isEqualTo(503);
                    assertThat(e.status()).isEqualTo("UNAVAILABLE");
                    assertThat(e.message()).isEqualTo("The model is overloaded. Please try again later.");
                });
        sim.profile("gemini-500", SimTestServer.FAST.toBuilder().serverErrorRate(1).build());
        assertThatThrownBy(() -> vertex.models.generateContent("gemini-500", "Hi", config().build()))
                .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.status()).isEqualTo("INTERNAL"));

        sim.profile("gemini-mid", SimTestServer.FAST.toBuilder().midStreamErrorRate(1).build());
        List<GenerateContentResponse> chunks = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (ResponseStream<GenerateContentResponse> stream = vertex.models.generateContentStream("gemini-mid",
                    "Hi", config().build())) {
                stream.forEach(chunks::add);
            }
        }).isInstanceOf(ApiException.class);
        assertThat(chunks).isNotEmpty();
    }

    @Test
    void aTokenTheSimulatorDidNotIssueIsRefused() {
        GoogleCredentials forged = GoogleCredentials.create(new AccessToken("ya29.forged",
                Date.from(Instant.now().plusSeconds(3600))));
        try (Client client = vertexClient(forged, null)) {
            assertThatThrownBy(() -> client.models.generateContent("gemini-forged", "Hi", config().build()))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(401);
                        assertThat(e.status()).isEqualTo("UNAUTHENTICATED");
                    });
        }
        assertThat(sim.counters("gemini-forged").rejected()).isEqualTo(1);
    }

    @Test
    void aKeyTheSimulatorDoesNotTrustGetsNoToken() throws IOException {
        SimServiceAccount impostor = SimServiceAccount.generate(ACCOUNT.clientEmail());
        GoogleCredentials wrong = load(impostor.toKeyJson(sim.baseUrl + "/token", PROJECT));
        assertThatThrownBy(wrong::refresh).hasMessageContaining("invalid_grant")
                .hasMessageContaining("Invalid JWT Signature.");
        try (Client client = vertexClient(wrong, null)) {
            assertThatThrownBy(() -> client.models.generateContent("gemini-impostor", "Hi", config().build()))
                    .hasStackTraceContaining("invalid_grant");
        }
        assertThat(sim.counters("gemini-impostor").received()).isZero();
    }

    @Test
    void tokenEndpointRefusesWhatGoogleRefuses() {
        HttpResponse<String> grant = sim.post("/token", Map.of("content-type", "application/x-www-form-urlencoded"),
                "grant_type=client_credentials");
        assertThat(grant.statusCode()).isEqualTo(400);
        assertThat(sim.json(grant).path("error").asText()).isEqualTo("unsupported_grant_type");

        HttpResponse<String> garbage = sim.post("/token", Map.of("content-type", "application/x-www-form-urlencoded"),
                "grant_type=" + SimGoogleAuth.GRANT_TYPE.replace(":", "%3A") + "&assertion=not.a.jwt");
        assertThat(garbage.statusCode()).isEqualTo(400);

        // a correctly signed JWT from an account the simulator does not know
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String claims = b64("{\"iss\":\"stranger@example.iam.gserviceaccount.com\",\"aud\":\"" + sim.baseUrl
                + "/token\",\"scope\":\"x\",\"iat\":" + Instant.now().getEpochSecond() + ",\"exp\":"
                + (Instant.now().getEpochSecond() + 600) + "}");
        HttpResponse<String> stranger = sim.post("/token", Map.of("content-type",
                "application/x-www-form-urlencoded"), "grant_type=" + SimGoogleAuth.GRANT_TYPE + "&assertion="
                + header + "." + claims + "." + b64("sig"));
        assertThat(sim.json(stranger).path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void theSimulatorsOwnServiceAccountWorksOutOfTheBox() throws IOException {
        try (SimTestServer plain = new SimTestServer()) {
            HttpResponse<String> key = plain.send("GET", "/_sim/vertex/service-account?project=demo", null);
            assertThat(key.statusCode()).isEqualTo(200);
            JsonNode json = plain.json(key);
            assertThat(json.path("token_uri").asText()).isEqualTo(plain.baseUrl + "/token");
            assertThat(json.path("project_id").asText()).isEqualTo("demo");
            GoogleCredentials builtIn = load(key.body());
            builtIn.refresh();
            assertThat(builtIn.getAccessToken().getTokenValue()).startsWith("ya29.");
        }
    }

    @Test
    void anAccountGivenByItsPublicKeyOrItsKeyJsonIsTrusted() throws IOException {
        SimServiceAccount parsed = SimServiceAccount.fromJson(ACCOUNT.toKeyJson("http://x/token", PROJECT));
        assertThat(parsed.publicKey()).isEqualTo(ACCOUNT.publicKey());
        assertThat(parsed.privateKeyId()).isEqualTo(ACCOUNT.privateKeyId());
        SimServiceAccount publicOnly = SimServiceAccount.fromPublicKey(ACCOUNT.clientEmail(), ACCOUNT.publicKeyPem());
        try (SimTestServer trusting = new SimTestServer(SimConfig.defaults().withGoogleServiceAccount(publicOnly))) {
            GoogleCredentials signed = load(ACCOUNT.toKeyJson(trusting.baseUrl + "/token", PROJECT));
            signed.refresh();
            assertThat(trusting.server.runtime().googleAuth().acceptsToken(signed.getAccessToken().getTokenValue()))
                    .isTrue();
            // holding no private key, it has no key JSON to give out
            assertThat(trusting.send("GET", "/_sim/vertex/service-account", null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void requestsAreCheckedAsGoogleChecksThem() {
        String token = bearer();
        Map<String, String> headers = Map.of("authorization", "Bearer " + token, "content-type", "application/json");
        String path = "/v1/projects/p/locations/us-central1/publishers/google/models/gemini-raw:generateContent";

        HttpResponse<String> unknown = sim.post(path, headers,
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{\"maxTokens\":5}}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(sim.json(unknown).path("error").path("message").asText())
                .isEqualTo("Invalid JSON payload received. Unknown name \"maxTokens\" at 'generation_config': "
                        + "Cannot find field.");

        HttpResponse<String> role = sim.post(path, headers,
                "{\"contents\":[{\"role\":\"assistant\",\"parts\":[{\"text\":\"hi\"}]}]}");
        assertThat(sim.json(role).path("error").path("status").asText()).isEqualTo("INVALID_ARGUMENT");

        // snake_case names are proto JSON too
        HttpResponse<String> snake = sim.post(path, headers, "{\"contents\":[{\"role\":\"user\",\"parts\":"
                + "[{\"text\":\"hi\"}]}],\"generation_config\":{\"max_output_tokens\":4}}");
        assertThat(snake.statusCode()).isEqualTo(200);
        assertThat(sim.json(snake).path("candidates").get(0).path("finishReason").asText()).isIn("STOP",
                "MAX_TOKENS");

        HttpResponse<String> missing = sim.post(path, Map.of("content-type", "application/json"),
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(sim.json(missing).path("error").path("status").asText()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void sseFramingAndTheArrayFormOfStreams() {
        Map<String, String> headers = Map.of("authorization", "Bearer " + bearer(), "content-type",
                "application/json");
        String base = "/v1/projects/p/locations/global/publishers/google/models/gemini-frames:streamGenerateContent";
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";

        HttpResponse<String> sse = sim.post(base + "?alt=sse", headers, body);
        assertThat(sse.headers().firstValue("content-type")).contains("text/event-stream");
        assertThat(sse.body()).startsWith("data: {").endsWith("}\r\n\r\n");
        assertThat(sse.body().split("\r\n\r\n")).allMatch(event -> event.startsWith("data: {\"candidates\":"));

        HttpResponse<String> array = sim.post(base, headers, body);
        JsonNode chunks = sim.json(array);
        assertThat(chunks.isArray()).isTrue();
        assertThat(chunks.get(chunks.size() - 1).path("candidates").get(0).path("finishReason").asText())
                .isEqualTo("STOP");
    }

    private static String bearer() {
        try {
            credentials.refreshIfExpired();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return credentials.getAccessToken().getTokenValue();
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
