package dev.switchboard.proxy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import dev.switchboard.usage.GenerationLog;
import dev.switchboard.usage.GenerationRecord;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.switchboard.proxy.ProxyTestSupport.KEY;
import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI and Anthropic SDKs, unchanged, pointed at the gateway: both protocols, streaming and not, tool
 * calls round trip, across protocols (an Anthropic client to an OpenAI-compatible upstream and back), usage with
 * cost, and the generation log agreeing with what the client got.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxySdkTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    GenerationLog generations;

    OpenAIClient openAi;
    AnthropicClient anthropic;

    @BeforeEach
    void clients() {
        String base = root.toString().replaceAll("/$", "");
        openAi = ProxyTestSupport.openAiSdk(base, KEY);
        anthropic = ProxyTestSupport.anthropicSdk(base, KEY);
        for (String model : List.of("solo-oa", "spare-an", "tooly-oa", "tooly-an", "trio-oa", "trio-an", "trio-bk")) {
            ProxyTestSupport.profile(simulator, model, QUICK);
        }
    }

    @AfterEach
    void close() {
        openAi.close();
        anthropic.close();
    }

    @Test
    void openAiClientNonStreamingNamesItsProviderAndCost() {
        HttpResponseFor<ChatCompletion> raw = openAi.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model(TestCatalog.SOLO).addUserMessage("Say hello").build());
        ChatCompletion completion = raw.parse().validate();

        assertThat(completion.choices().getFirst().message().content()).get().asString().isNotBlank();
        assertThat(completion.model()).isEqualTo(TestCatalog.SOLO);
        assertThat(completion._additionalProperties().get("provider")).isEqualTo(JsonValue.from("route-openai"));
        assertThat(raw.headers().values("x-switchboard-provider")).containsExactly("route-openai");
        assertThat(raw.headers().values("x-switchboard-model")).containsExactly(TestCatalog.SOLO);
        String id = raw.headers().values("x-switchboard-generation-id").getFirst();
        assertThat(completion.id()).isEqualTo(id);
        var usage = completion.usage().orElseThrow();
        BigDecimal cost = new BigDecimal(usage._additionalProperties().get("cost").toString());
        // solo costs $1 / $2 per million tokens in and out
        assertThat(cost).isEqualByComparingTo(BigDecimal.valueOf(usage.promptTokens() * 1.0 + usage.completionTokens()
                * 2.0).movePointLeft(6));

        GenerationRecord generation = ProxyTestSupport.generation(generations, id);
        assertThat(generation.providerSlug()).isEqualTo("route-openai");
        assertThat(generation.streamed()).isFalse();
        assertThat(generation.usage().inputTokens()).isEqualTo((int) usage.promptTokens());
        assertThat(generation.usage().outputTokens()).isEqualTo((int) usage.completionTokens());
        assertThat(generation.costUsd()).isEqualByComparingTo(cost);
        assertThat(generation.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("ok"));

        // and as a client reads it back
        var api = io.restassured.RestAssured.given().header("authorization", "Bearer " + KEY)
                .queryParam("id", id).get("/api/v1/generation").then().statusCode(200).extract().jsonPath();
        assertThat(api.getString("data.provider")).isEqualTo("route-openai");
        assertThat(api.getString("data.requested_model")).isEqualTo(TestCatalog.SOLO);
        assertThat(api.getInt("data.usage.output_tokens")).isEqualTo((int) usage.completionTokens());
        assertThat(new BigDecimal(api.getString("data.cost"))).isEqualByComparingTo(cost);
        assertThat(api.getList("data.attempts")).hasSize(1);
        assertThat(api.getBoolean("data.streamed")).isFalse();
    }

    @Test
    void openAiClientStreamsWithUsageAndCostAtTheEnd() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (var stream = openAi.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model(TestCatalog.SOLO).addUserMessage("Say hello").build())) {
            stream.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isNotBlank();
        assertThat(chunks.getFirst()._additionalProperties().get("provider")).isEqualTo(JsonValue.from("route-openai"));
        var usage = chunks.getLast().usage().orElseThrow();
        assertThat(usage.completionTokens()).isPositive();
        assertThat(usage._additionalProperties()).containsKey("cost");

        GenerationRecord generation = ProxyTestSupport.generation(generations, chunks.getFirst().id());
        assertThat(generation.streamed()).isTrue();
        assertThat(generation.ttftMs()).isNotNull();
        assertThat(generation.usage().outputTokens()).isEqualTo((int) usage.completionTokens());
        assertThat(generation.costUsd()).isEqualByComparingTo(
                new BigDecimal(usage._additionalProperties().get("cost").toString()));
    }

    @Test
    void anthropicClientToAnAnthropicUpstream() {
        Message message = anthropic.messages().create(MessageCreateParams.builder().model(TestCatalog.SPARE)
                .maxTokens(200).addUserMessage("Say hello").build()).validate();
        assertThat(message.content()).isNotEmpty();
        assertThat(message.content().getFirst().text()).hasValueSatisfying(t -> assertThat(t.text()).isNotBlank());
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message._additionalProperties().get("provider"))
                .isEqualTo(com.anthropic.core.JsonValue.from("route-anthropic"));
        assertThat(message.usage().outputTokens()).isPositive();
        assertThat(message.usage()._additionalProperties()).containsKey("cost");
    }

    @Test
    void anthropicClientStreamsFromAnOpenAiUpstream() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(
                MessageCreateParams.builder().model(TestCatalog.SOLO).maxTokens(200).addUserMessage("Say hello")
                        .build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();
        assertThat(message.content().getFirst().text()).hasValueSatisfying(t -> assertThat(t.text()).isNotBlank());
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isPositive();
    }

    @Test
    void openAiClientToolCallRoundTripAgainstAnAnthropicUpstream() {
        ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Weather in a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build()).build()).build();
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model(TestCatalog.TOOLY)
                .addUserMessage("What is the weather in Paris?").addTool(weather).build();
        ChatCompletion asked = openAi.chat().completions().create(first);
        // only route-anthropic runs tools for tooly
        assertThat(asked._additionalProperties().get("provider")).isEqualTo(JsonValue.from("route-anthropic"));
        ChatCompletion.Choice choice = asked.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageToolCall call = choice.message().toolCalls().orElseThrow().getFirst();
        assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
        assertThat(call.asFunction().function().arguments()).contains("city");

        ChatCompletion answered = openAi.chat().completions().create(first.toBuilder()
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.asFunction().id())
                        .content("{\"temperature\": 21}").build())
                .build());
        assertThat(answered.choices().getFirst().message().content()).get().asString().isNotBlank();
    }

    @Test
    void anthropicClientToolUseRoundTripAgainstAnAnthropicUpstream() {
        Tool tool = Tool.builder().name("get_weather").description("Weather in a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(com.anthropic.core.JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .required(List.of("city")).build()).build();
        MessageCreateParams first = MessageCreateParams.builder().model(TestCatalog.TOOLY).maxTokens(300)
                .addUserMessage("What is the weather in Paris?").addTool(tool).build();
        Message asked = anthropic.messages().create(first);
        assertThat(asked.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = asked.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");

        Message answered = anthropic.messages().create(first.toBuilder()
                .addMessage(asked)
                .addMessage(com.anthropic.models.messages.MessageParam.ofUserOfContentBlockParams(List.of(
                        com.anthropic.models.messages.ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                .toolUseId(use.id()).content("21 degrees").build()))))
                .build());
        assertThat(answered.content()).extracting(ContentBlock::isText).contains(true);
    }
}
