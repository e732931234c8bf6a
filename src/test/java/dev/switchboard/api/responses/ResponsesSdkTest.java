package dev.switchboard.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import dev.switchboard.proxy.ProxyTestSupport;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.GenerationLog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.switchboard.proxy.ProxyTestSupport.KEY;
import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI Java SDK's Responses client, unchanged, against {@code POST /v1/responses}: answers from an
 * OpenAI-kind and an Anthropic-kind upstream, streamed and not, a function tool round trip, and what the stateless
 * gateway refuses, in OpenAI's error object.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ResponsesSdkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    GenerationLog generations;

    OpenAIClient openAi;

    @BeforeEach
    void client() {
        String base = root.toString().replaceAll("/$", "");
        openAi = ProxyTestSupport.openAiSdk(base, KEY);
        for (String model : List.of("solo-oa", "spare-an", "tooly-oa", "tooly-an")) {
            ProxyTestSupport.profile(simulator, model, QUICK);
        }
    }

    @AfterEach
    void close() {
        openAi.close();
    }

    @Test
    void nonStreamingFromAnOpenAiKindProvider() {
        assertAnswered(TestCatalog.SOLO, TestCatalog.ROUTE_OPENAI);
    }

    @Test
    void nonStreamingFromAnAnthropicKindProvider() {
        assertAnswered(TestCatalog.SPARE, TestCatalog.ROUTE_ANTHROPIC);
    }

    private void assertAnswered(String model, String provider) {
        HttpResponseFor<Response> raw = openAi.responses().withRawResponse().create(ResponseCreateParams.builder()
                .model(model).input("Say hello").build());
        Response response = raw.parse().validate();

        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(outputText(response)).isNotBlank();
        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly(provider);
        assertThat(response._additionalProperties().get("provider")).isEqualTo(JsonValue.from(provider));
        var usage = response.usage().orElseThrow();
        assertThat(usage.inputTokens()).isPositive();
        assertThat(usage.outputTokens()).isPositive();
        assertThat(usage.totalTokens()).isEqualTo(usage.inputTokens() + usage.outputTokens());
    }

    @Test
    void streamingFromAnOpenAiKindProvider() {
        assertStreamed(TestCatalog.SOLO, TestCatalog.ROUTE_OPENAI);
    }

    @Test
    void streamingFromAnAnthropicKindProvider() {
        assertStreamed(TestCatalog.SPARE, TestCatalog.ROUTE_ANTHROPIC);
    }

    private void assertStreamed(String model, String provider) {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = openAi.responses().createStreaming(
                ResponseCreateParams.builder().model(model).input("Say hello").build())) {
            stream.stream().forEach(events::add);
        }
        assertThat(events).isNotEmpty();
        assertThat(events.getFirst().isCreated()).isTrue();
        assertThat(events.getLast().isCompleted()).as("last event is response.completed").isTrue();

        StringBuilder deltas = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isOutputTextDelta)
                .forEach(e -> deltas.append(e.asOutputTextDelta().delta()));
        Response done = events.getLast().asCompleted().response().validate();
        assertThat(deltas.toString()).isNotBlank().isEqualTo(outputText(done));
        assertThat(done.status()).contains(ResponseStatus.COMPLETED);
        assertThat(done._additionalProperties().get("provider")).isEqualTo(JsonValue.from(provider));
        assertThat(done.usage().orElseThrow().outputTokens()).isPositive();
        // every event is one the SDK knows, with a sequence number that only grows
        for (int i = 1; i < events.size(); i++) {
            assertThat(sequence(events.get(i))).isGreaterThan(sequence(events.get(i - 1)));
        }
    }

    @Test
    void functionToolRoundTrip() {
        FunctionTool weather = weatherTool();
        ResponseInputItem question = ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                .role(EasyInputMessage.Role.USER).content("What is the weather in Paris?").build());
        Response asked = openAi.responses().create(ResponseCreateParams.builder().model(TestCatalog.TOOLY)
                .inputOfResponse(List.of(question)).addTool(weather).build()).validate();
        // only route-anthropic runs tools for tooly
        assertThat(asked._additionalProperties().get("provider"))
                .isEqualTo(JsonValue.from(TestCatalog.ROUTE_ANTHROPIC));
        ResponseFunctionToolCall call = asked.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).isNotBlank();
        JsonNode arguments = read(call.arguments());
        assertThat(arguments.path("city").isTextual()).as(call.arguments()).isTrue();

        Response answered = openAi.responses().create(ResponseCreateParams.builder().model(TestCatalog.TOOLY)
                .inputOfResponse(List.of(question, ResponseInputItem.ofFunctionCall(call),
                        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                .callId(call.callId()).output("{\"temperature\": 21}").build())))
                .addTool(weather).build()).validate();
        assertThat(answered.status()).contains(ResponseStatus.COMPLETED);
        assertThat(answered.output()).noneMatch(ResponseOutputItem::isFunctionCall);
        assertThat(outputText(answered)).isNotBlank();
    }

    @Test
    void streamedFunctionCallArgumentsAddUpToTheCompletedCall() {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = openAi.responses().createStreaming(
                ResponseCreateParams.builder().model(TestCatalog.TOOLY).input("What is the weather in Paris?")
                        .addTool(weatherTool()).build())) {
            stream.stream().forEach(events::add);
        }
        assertThat(events.getLast().isCompleted()).isTrue();
        StringBuilder deltas = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDelta)
                .forEach(e -> deltas.append(e.asFunctionCallArgumentsDelta().delta()));
        ResponseFunctionToolCall call = events.getLast().asCompleted().response().output().stream()
                .filter(ResponseOutputItem::isFunctionCall).map(ResponseOutputItem::asFunctionCall)
                .findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(read(deltas.toString())).isEqualTo(read(call.arguments()));
        assertThat(events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDone)
                .map(e -> e.asFunctionCallArgumentsDone().arguments())).containsExactly(call.arguments());
    }

    @Test
    void previousResponseIdIsRefusedNamingTheField() {
        JsonNode error = openAiError("{\"model\":\"" + TestCatalog.SOLO + "\",\"input\":\"hi\","
                + "\"previous_response_id\":\"resp_123\"}", 400);
        assertThat(error.path("param").asText()).isEqualTo("previous_response_id");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).contains("stateless");
    }

    @Test
    void missingInputIs400() {
        JsonNode error = openAiError("{\"model\":\"" + TestCatalog.SOLO + "\"}", 400);
        assertThat(error.path("param").asText()).isEqualTo("input");
    }

    @Test
    void unknownModelIs404() {
        JsonNode error = openAiError("{\"model\":\"nobody/nothing\",\"input\":\"hi\"}", 404);
        assertThat(error.path("message").asText()).contains("nobody/nothing");
    }

    @Test
    void theGenerationIsRecordedAsResponsesProtocol() {
        var http = RestAssured.given().header("authorization", "Bearer " + KEY).contentType("application/json")
                .body("{\"model\":\"" + TestCatalog.SOLO + "\",\"input\":\"Say hello\"}").post("/v1/responses")
                .then().statusCode(200).extract();
        String id = http.header("x-switchboard-generation-id");
        assertThat(id).isNotBlank();
        assertThat(http.jsonPath().getString("object")).isEqualTo("response");
        ProxyTestSupport.generation(generations, id);

        var api = RestAssured.given().header("authorization", "Bearer " + KEY).queryParam("id", id)
                .get("/api/v1/generation").then().statusCode(200).extract().jsonPath();
        assertThat(api.getString("data.protocol")).isEqualTo("responses");
        assertThat(api.getString("data.provider")).isEqualTo(TestCatalog.ROUTE_OPENAI);
        assertThat(api.getString("data.requested_model")).isEqualTo(TestCatalog.SOLO);
        assertThat(api.getInt("data.usage.output_tokens"))
                .isEqualTo(http.jsonPath().getInt("usage.output_tokens")).isPositive();
    }

    private static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").description("Weather in a city")
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .strict(false).build();
    }

    private static JsonNode openAiError(String body, int status) {
        String text = RestAssured.given().header("authorization", "Bearer " + KEY).contentType("application/json")
                .body(body).post("/v1/responses").then().statusCode(status).extract().asString();
        JsonNode error = read(text).path("error");
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain("Exception");
        return error;
    }

    private static String outputText(Response response) {
        StringBuilder text = new StringBuilder();
        response.output().stream().filter(ResponseOutputItem::isMessage)
                .flatMap(m -> m.asMessage().content().stream())
                .filter(ResponseOutputMessage.Content::isOutputText)
                .forEach(c -> text.append(c.asOutputText().text()));
        return text.toString();
    }

    /** Every event type carries sequence_number; read from the event as the SDK parsed it. */
    private static long sequence(ResponseStreamEvent event) {
        JsonNode json = ObjectMappers.jsonMapper().valueToTree(event);
        return json.path("sequence_number").asLong(-1);
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
