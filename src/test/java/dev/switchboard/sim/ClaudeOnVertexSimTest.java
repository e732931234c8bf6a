package dev.switchboard.sim;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.vertex.backends.VertexBackend;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Claude on Vertex AI (rawPredict / streamRawPredict), with Anthropic's official Vertex backend (anthropic-java-vertex)
 * as the client: the base URL is the simulator's, the Google credentials a service account whose tokens come from the
 * simulator's token endpoint.
 */
class ClaudeOnVertexSimTest {

    static final String PROJECT = "claude-project";
    static final SimServiceAccount ACCOUNT = SimServiceAccount.generate("claude@" + PROJECT
            + ".iam.gserviceaccount.com");

    static SimTestServer sim;
    static GoogleCredentials credentials;
    static AnthropicClient client;

    @BeforeAll
    static void start() throws IOException {
        sim = new SimTestServer(SimConfig.defaults().withSeed(SimTestServer.SEED).withDefaultProfile(SimTestServer.FAST)
                .withGoogleServiceAccount(ACCOUNT));
        credentials = ServiceAccountCredentials.fromStream(new ByteArrayInputStream(ACCOUNT.toKeyJson(
                        sim.baseUrl + "/token", PROJECT).getBytes(StandardCharsets.UTF_8)))
                .createScoped("https://www.googleapis.com/auth/cloud-platform");
        client = client(credentials);
    }

    @AfterAll
    static void stop() {
        client.close();
        sim.close();
    }

    static AnthropicClient client(GoogleCredentials credentials) {
        return AnthropicOkHttpClient.builder().backend(VertexBackend.builder().googleCredentials(credentials)
                        .region("us-east5").project(PROJECT).baseUrl(sim.baseUrl).build())
                .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }

    static MessageCreateParams.Builder ask(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(1024)
                .addUserMessage("What is the weather like in Paris?");
    }

    static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Current weather of a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .required(List.of("city")).build())
                .build();
    }

    @Test
    void rawPredict() {
        Message message = client.messages().create(ask("claude-sonnet-4@20250514").build()).validate();
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        String text = message.content().getFirst().text().orElseThrow().text();
        assertThat(text).matches("[A-Z].*[.!]");
        assertThat(message.usage().outputTokens()).isEqualTo(text.split(" ").length);
        // counted just after the last byte went out, so possibly after the client has it
        sim.awaitRequests("claude-sonnet-4@20250514", n -> n.path("completed").asLong() == 1, Duration.ofSeconds(10));
    }

    @Test
    void streamRawPredict() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages()
                .createStreaming(ask("claude-stream@20250514").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.content().getFirst().text().orElseThrow().text()).isNotBlank();
    }

    @Test
    void toolUseRoundTrip() {
        MessageCreateParams params = ask("claude-tools@20250514").addTool(weatherTool()).build();
        Message call = client.messages().create(params).validate();
        ToolUseBlock toolUse = call.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(toolUse.name()).isEqualTo("get_weather");

        Message answer = client.messages().create(params.toBuilder().addMessage(call)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam
                        .builder().toolUseId(toolUse.id()).content("18 C, sunny").build())))
                .build()).validate();
        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
    }

    @Test
    void vertexQuotaInGoogleShapeAndClaudesOverloadInAnthropics() {
        sim.profile("claude-429", SimTestServer.FAST.toBuilder().rateLimitedRate(1).build());
        assertThatThrownBy(() -> client.messages().create(ask("claude-429").build()))
                .isInstanceOf(RateLimitException.class);
        HttpResponse<String> quota = sim.post("/v1/projects/p/locations/us-east5/publishers/anthropic/models/"
                + "claude-429:rawPredict", Map.of("authorization", "Bearer " + token(), "content-type",
                "application/json"), "{\"anthropic_version\":\"vertex-2023-10-16\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(sim.json(quota).path("error").path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");

        sim.profile("claude-529", SimTestServer.FAST.toBuilder().overloadedRate(1).build());
        assertThatThrownBy(() -> client.messages().create(ask("claude-529").build()))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> assertThat(e.statusCode())
                        .isEqualTo(529));
    }

    @Test
    void theVersionMustBeVertexsAndTheTokenTheSimulatorsOwn() {
        HttpResponse<String> firstParty = sim.post("/v1/projects/p/locations/us-east5/publishers/anthropic/models/"
                + "claude-x:rawPredict", Map.of("authorization", "Bearer " + token(), "content-type",
                "application/json"), "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(firstParty.statusCode()).isEqualTo(400);
        assertThat(sim.json(firstParty).path("error").path("type").asText()).isEqualTo("invalid_request_error");

        GoogleCredentials forged = GoogleCredentials.create(new AccessToken("ya29.forged",
                Date.from(Instant.now().plusSeconds(3600))));
        AnthropicClient forgedClient = client(forged);
        try {
            assertThatThrownBy(() -> forgedClient.messages().create(ask("claude-forged").build()))
                    .isInstanceOf(UnauthorizedException.class);
        } finally {
            forgedClient.close();
        }
        assertThat(sim.counters("claude-forged").rejected()).isEqualTo(1);

        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model("claude-bad")
                .maxTokens(0).addUserMessage("Hi").build())).isInstanceOf(BadRequestException.class);
    }

    private static String token() {
        try {
            credentials.refreshIfExpired();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return credentials.getAccessToken().getTokenValue();
    }
}
