package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.ResponseFormat;
import dev.switchboard.llm.Role;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConverseCodecTest {

    static final String CLAUDE = "us.anthropic.claude-sonnet-4-20250514-v1:0";

    static ToolDefinition weather() {
        ObjectNode schema = (ObjectNode) Fixtures.tree(
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
        return new ToolDefinition("get_weather", "Current weather of a city", schema, false);
    }

    static JsonNode wire(ChatRequest request, String model) {
        return Fixtures.tree(new String(ConverseCodec.encode(ConverseCodec.toWire(request, model))));
    }

    static ChatRequest request(List<ContentPart> system, List<ChatMessage> messages, List<ToolDefinition> tools,
                               ToolChoice choice) {
        return new ChatRequest("anthropic/claude-sonnet-4", system, messages, tools, choice, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }

    @Test
    void aFullRequestHasConversesShape() {
        ChatRequest request = new ChatRequest("anthropic/claude-sonnet-4",
                List.of(new ContentPart.Text("You are a weather assistant.", true)),
                List.of(new ChatMessage(Role.USER, List.of(ContentPart.Text.of("What's the weather in Paris?"),
                                ContentPart.Image.inline("image/png", "iVBORw0KGgo="))),
                        new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.Reasoning("Need the tool.", "sig-1", null),
                                ContentPart.Text.of(""),
                                new ContentPart.ToolCall("tooluse_1", "get_weather", "{\"city\":\"Paris\"}"))),
                        new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult("tooluse_1",
                                List.of(ContentPart.Text.of("18 C, sunny")), false))),
                        ChatMessage.user("And tomorrow?")),
                List.of(weather()), new ToolChoice.Required(true), 1024, 0.3, 0.9, 40, List.of("END"), 7L, 0.5, 0.5,
                new ResponseFormat.JsonObject(), new ReasoningOptions(null, 2048, false), "user-1",
                Map.of("trace", "x"));

        // consecutive user messages merged, blank text dropped, thinking on top of the answer's max tokens, what
        // Converse has no field for (seed, penalties, response format, user, metadata) left out
        assertThat(wire(request, CLAUDE)).isEqualTo(Fixtures.json("request-full.json"));
    }

    @Test
    void aPlainMultiTurnRequestHasOnlyWhatWasGiven() {
        ChatRequest request = ChatRequest.builder("m").system("Be brief.").user("Hi").assistant("Hello!")
                .user("How are you?").build();
        assertThat(wire(request, "meta.llama3-3-70b-instruct-v1:0")).isEqualTo(Fixtures.tree("""
                {"messages":[{"role":"user","content":[{"text":"Hi"}]},
                             {"role":"assistant","content":[{"text":"Hello!"}]},
                             {"role":"user","content":[{"text":"How are you?"}]}],
                 "system":[{"text":"Be brief."}]}"""));
    }

    @Test
    void cacheBreakpointsBecomeCachePointsAfterTheirBlock() {
        ChatRequest request = request(List.of(new ContentPart.Text("Rules.", true)),
                List.of(new ChatMessage(Role.USER, List.of(new ContentPart.Text("A long document.", true),
                        ContentPart.Text.of("Question?")))), List.of(), null);
        JsonNode wire = wire(request, CLAUDE);
        assertThat(wire.get("system")).isEqualTo(Fixtures.tree(
                "[{\"text\":\"Rules.\"},{\"cachePoint\":{\"type\":\"default\"}}]"));
        assertThat(wire.at("/messages/0/content")).isEqualTo(Fixtures.tree(
                "[{\"text\":\"A long document.\"},{\"cachePoint\":{\"type\":\"default\"}},{\"text\":\"Question?\"}]"));
    }

    @ParameterizedTest
    @CsvSource({"AUTO,{\"auto\":{}}", "REQUIRED,{\"any\":{}}", "NAMED,{\"tool\":{\"name\":\"get_weather\"}}"})
    void toolChoices(String choice, String expected) {
        ToolChoice neutral = switch (choice) {
            case "AUTO" -> ToolChoice.AUTO;
            case "REQUIRED" -> new ToolChoice.Required(false);
            default -> new ToolChoice.Named("get_weather");
        };
        JsonNode wire = wire(request(List.of(), List.of(ChatMessage.user("Weather?")), List.of(weather()), neutral),
                CLAUDE);
        assertThat(wire.at("/toolConfig/toolChoice")).isEqualTo(Fixtures.tree(expected));
        assertThat(wire.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void toolChoiceNoneLeavesTheToolsOut() {
        JsonNode wire = wire(request(List.of(), List.of(ChatMessage.user("Weather?")), List.of(weather()),
                new ToolChoice.None()), CLAUDE);
        assertThat(wire.has("toolConfig")).isFalse();
    }

    @Test
    void toolsUsedInTheConversationAreDeclaredEvenWhenNoLongerOffered() {
        ChatRequest request = request(List.of(), List.of(ChatMessage.user("Weather?"),
                new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.ToolCall("t1", "get_weather", "{}"))),
                new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult("t1",
                        List.of(ContentPart.Text.of("rain")), true)))), List.of(), new ToolChoice.None());
        JsonNode wire = wire(request, CLAUDE);
        assertThat(wire.at("/toolConfig/tools/0/toolSpec")).isEqualTo(Fixtures.tree(
                "{\"name\":\"get_weather\",\"inputSchema\":{\"json\":{\"type\":\"object\",\"properties\":{}}}}"));
        assertThat(wire.at("/toolConfig").has("toolChoice")).isFalse();
        assertThat(wire.at("/messages/2/content/0/toolResult/status").asText()).isEqualTo("error");
    }

    @Test
    void imagesInlineAsDataUrlsAndFromS3() {
        ChatRequest request = request(List.of(), List.of(new ChatMessage(Role.USER, List.of(
                ContentPart.Image.fromUrl("data:image/jpeg;base64,/9j/4AAQ"),
                ContentPart.Image.fromUrl("s3://bucket/cat.webp"),
                ContentPart.Image.inline("image/gif", "R0lGOD")))), List.of(), null);
        assertThat(wire(request, CLAUDE).at("/messages/0/content")).isEqualTo(Fixtures.tree("""
                [{"image":{"format":"jpeg","source":{"bytes":"/9j/4AAQ"}}},
                 {"image":{"format":"webp","source":{"s3Location":{"uri":"s3://bucket/cat.webp"}}}},
                 {"image":{"format":"gif","source":{"bytes":"R0lGOD"}}}]"""));
    }

    @Test
    void imagesBedrockCannotTakeAreRefusedBeforeAnyCall() {
        for (ContentPart.Image image : List.of(ContentPart.Image.fromUrl("https://example.com/cat.png"),
                ContentPart.Image.inline("image/bmp", "Qk0="))) {
            ChatRequest request = request(List.of(), List.of(new ChatMessage(Role.USER, List.of(image))), List.of(),
                    null);
            assertThatThrownBy(() -> ConverseCodec.toWire(request, CLAUDE))
                    .isInstanceOfSatisfying(UpstreamError.class,
                            e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.BAD_REQUEST));
        }
    }

    @Test
    void toolResultsCarryTextAndImages() {
        ChatRequest request = request(List.of(), List.of(ChatMessage.user("Draw"),
                new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.ToolCall("t1", "render", "{}"))),
                new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult("t1", List.of(
                        ContentPart.Text.of("done"), ContentPart.Image.inline("image/png", "iVBO")), false)))),
                List.of(), null);
        assertThat(wire(request, CLAUDE).at("/messages/2/content/0/toolResult/content")).isEqualTo(Fixtures.tree(
                "[{\"text\":\"done\"},{\"image\":{\"format\":\"png\",\"source\":{\"bytes\":\"iVBO\"}}}]"));
    }

    @Test
    void toolArgumentsThatAreNoJsonObjectAreRefused() {
        ChatRequest request = request(List.of(), List.of(ChatMessage.user("x"),
                new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.ToolCall("t1", "f", "{\"cut")))), List.of(),
                null);
        assertThatThrownBy(() -> ConverseCodec.toWire(request, CLAUDE)).isInstanceOfSatisfying(UpstreamError.class,
                e -> assertThat(e.getMessage()).contains("not a JSON object"));
    }

    @Test
    void reasoningGoesBackSignedOrEncryptedOnly() {
        ChatRequest request = request(List.of(), List.of(ChatMessage.user("x"), new ChatMessage(Role.ASSISTANT,
                List.of(ContentPart.Reasoning.of("unsigned, from another provider"),
                        new ContentPart.Reasoning("", null, "ENCRYPTED"), ContentPart.Text.of("Answer.")))),
                List.of(), null);
        assertThat(wire(request, CLAUDE).at("/messages/1/content")).isEqualTo(Fixtures.tree(
                "[{\"reasoningContent\":{\"redactedContent\":\"ENCRYPTED\"}},{\"text\":\"Answer.\"}]"));
    }

    @Test
    void thinkingAndTopKAreClaudesAdditionalFields() {
        ChatRequest effort = ChatRequest.builder("m").user("x").maxTokens(10000)
                .reasoning(new ReasoningOptions(ReasoningOptions.Effort.LOW, null, false)).topK(5).build();
        JsonNode claude = wire(effort, "anthropic.claude-3-7-sonnet-20250219-v1:0");
        assertThat(claude.get("additionalModelRequestFields")).isEqualTo(Fixtures.tree(
                "{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000},\"top_k\":5}"));
        assertThat(claude.at("/inferenceConfig/maxTokens").asInt()).isEqualTo(10000);

        JsonNode nova = wire(effort, "us.amazon.nova-pro-v1:0");
        assertThat(nova.get("additionalModelRequestFields")).isEqualTo(Fixtures.tree(
                "{\"inferenceConfig\":{\"topK\":5}}"));
        assertThat(wire(effort, "mistral.mistral-large-2407-v1:0").has("additionalModelRequestFields")).isFalse();
    }

    @Test
    void decodesText() {
        ChatResponse response = ConverseCodec.fromWire(ConverseCodec.decodeResponse(Fixtures.bytes(
                "response-text.json")), "req-1", "m");
        assertThat(response.id()).isEqualTo("req-1");
        assertThat(response.model()).isEqualTo("m");
        assertThat(response.text()).isEqualTo("Hello! How can I help you today?");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.nativeFinishReason()).isEqualTo("end_turn");
        assertThat(response.usage()).isEqualTo(new Usage(12, 11, 0, 0, 0));
    }

    @Test
    void decodesParallelToolUse() {
        ChatResponse response = ConverseCodec.fromWire(ConverseCodec.decodeResponse(Fixtures.bytes(
                "response-tool-use.json")), "req-1", "m");
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.text()).isEqualTo("I'll look up the weather in Paris and Berlin.");
        assertThat(response.toolCalls()).containsExactly(
                new ContentPart.ToolCall("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "get_weather",
                        "{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
                new ContentPart.ToolCall("tooluse_Wq2Pn4Xr8Tb1Yc6Vd0Ls3M", "get_weather",
                        "{\"city\":\"Berlin\",\"unit\":\"celsius\"}"));
    }

    @Test
    void decodesReasoningSignedAndRedacted() {
        ChatResponse response = ConverseCodec.fromWire(ConverseCodec.decodeResponse(Fixtures.bytes(
                "response-reasoning.json")), "req-1", "m");
        assertThat(response.content()).containsExactly(
                new ContentPart.Reasoning("The user wants 27 * 453. 27 * 453 = 12231.",
                        "EqoBCkgIARABGAIiQLx1c2lnbmF0dXJlLXNpbXVsYXRlZA==", null),
                new ContentPart.Reasoning("", null,
                        "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"),
                ContentPart.Text.of("27 × 453 = 12,231."));
    }

    @Test
    void cachedTokensCountInTheInputAndApart() {
        ChatResponse response = ConverseCodec.fromWire(ConverseCodec.decodeResponse(Fixtures.bytes(
                "response-cached.json")), "req-1", "m");
        assertThat(response.usage()).isEqualTo(new Usage(14 + 2048 + 532, 52, 2048, 532, 0));
        assertThat(response.usage().totalTokens()).isEqualTo(2646);
    }

    @Test
    void aGuardrailIsAContentFilterStop() {
        ChatResponse response = ConverseCodec.fromWire(ConverseCodec.decodeResponse(Fixtures.bytes(
                "response-guardrail.json")), "req-1", "m");
        assertThat(response.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(response.nativeFinishReason()).isEqualTo("guardrail_intervened");
    }

    @ParameterizedTest
    @CsvSource({"end_turn,STOP", "stop_sequence,STOP", "max_tokens,LENGTH", "model_context_window_exceeded,LENGTH",
            "tool_use,TOOL_CALLS", "guardrail_intervened,CONTENT_FILTER", "content_filtered,CONTENT_FILTER",
            "a_future_reason,STOP"})
    void everyStopReason(String stopReason, FinishReason expected) {
        assertThat(ConverseCodec.finishReason(stopReason)).isEqualTo(expected);
    }

    @Test
    void answersThatAreNotConverseAreMalformed() {
        for (String body : List.of("<html>502</html>", "[]", "{\"output\":{}}", "{\"output\":{\"message\":3}}")) {
            assertThatThrownBy(() -> ConverseCodec.decodeResponse(body.getBytes()))
                    .as(body).isInstanceOfSatisfying(UpstreamError.class,
                            e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE));
        }
    }
}
