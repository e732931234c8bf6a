package dev.switchboard.providers.vertex;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.switchboard.providers.vertex.wire.GenerateContentRequest;
import dev.switchboard.providers.vertex.wire.GenerationConfig;
import dev.switchboard.providers.vertex.wire.Part;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class GeminiCodecTest {

    static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "Current weather of a city",
            Fixtures.object("""
                    {"type": "object",
                     "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                     "required": ["city"], "additionalProperties": false}"""), true);
    static final ToolDefinition TIME = new ToolDefinition("get_time", "Local time", null, false);

    static JsonNode wire(ChatRequest request) {
        return Fixtures.tree(new String(GeminiCodec.encode(GeminiCodec.toWire(request))));
    }

    static ChatResponse response(String fixture) throws Exception {
        return GeminiCodec.fromWire(GeminiCodec.decodeResponse(Fixtures.text(fixture)), "requested-model");
    }

    static UpstreamError badRequest(ChatRequest request) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> GeminiCodec.toWire(request));
        assertThat(t).isInstanceOf(UpstreamError.class);
        assertThat(((UpstreamError) t).kind()).isEqualTo(UpstreamErrorKind.BAD_REQUEST);
        return (UpstreamError) t;
    }

    // ---- requests ----

    @Test
    void aFullConversationMapsToGeminisShape() {
        ChatRequest request = ChatRequest.builder("gemini-2.5-pro").system("You are a weather assistant.")
                .message(new ChatMessage(Role.USER, List.of(
                        ContentPart.Text.of("What is in this picture, and what is the weather in Paris?"),
                        ContentPart.Image.inline("image/png", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ"),
                        ContentPart.Image.fromUrl("gs://switchboard-test/photo.webp"))))
                .message(new ChatMessage(Role.ASSISTANT, List.of(
                        new ContentPart.Reasoning("", "CiQBVKhc7kFRDp0Vx0lM", null),
                        new ContentPart.ToolCall("call_0_get_weather", "get_weather", "{\"city\":\"Paris\"}"),
                        new ContentPart.ToolCall("call_1_get_time", "get_time", ""))))
                .message(new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult("call_0_get_weather",
                        List.of(ContentPart.Text.of("{\"temperature\":18,\"sky\":\"clear\"}")), false))))
                .message(new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult("call_1_get_time",
                        List.of(ContentPart.Text.of("10:42")), false))))
                .assistant("It is 18 degrees and clear at 10:42.")
                .user("Thanks! And tomorrow?")
                .tools(List.of(WEATHER, TIME), new ToolChoice.Named("get_weather"))
                .maxTokens(1024).temperature(0.3).topP(0.9).topK(40).stop(List.of("END")).seed(42)
                .reasoning(new ReasoningOptions(null, 512, false))
                .build();

        assertThat(wire(request)).isEqualTo(Fixtures.json("request-full.json"));
    }

    @Test
    void aPlainQuestionSendsOnlyWhatWasGiven() {
        JsonNode json = wire(ChatRequest.builder("gemini-2.5-flash").user("Hi").build());
        assertThat(json).isEqualTo(Fixtures.tree("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}"));
    }

    @Test
    void toolChoicesMapToCallingModes() {
        Map<ToolChoice, String> modes = Map.of(ToolChoice.AUTO, "{\"mode\":\"AUTO\"}",
                new ToolChoice.None(), "{\"mode\":\"NONE\"}",
                new ToolChoice.Required(true), "{\"mode\":\"ANY\"}",
                new ToolChoice.Named("get_time"), "{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"get_time\"]}");
        modes.forEach((choice, expected) -> {
            JsonNode json = wire(ChatRequest.builder("m").user("Hi").tools(List.of(WEATHER, TIME), choice).build());
            assertThat(json.path("toolConfig").path("functionCallingConfig")).as(choice.toString())
                    .isEqualTo(Fixtures.tree(expected));
        });
        JsonNode noChoice = wire(ChatRequest.builder("m").user("Hi").tools(List.of(TIME), null).build());
        assertThat(noChoice.has("toolConfig")).isFalse();
        assertThat(noChoice.path("tools").get(0).path("functionDeclarations").get(0))
                .isEqualTo(Fixtures.tree("{\"name\":\"get_time\",\"description\":\"Local time\"}"));
    }

    @Test
    void toolResultsFindTheirFunctionByTheCallsId() {
        ChatRequest request = ChatRequest.builder("m").user("Weather?")
                .message(new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.ToolCall("toolu_01ABC", "get_weather",
                        "{\"city\":\"Paris\"}"))))
                .message(new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult("toolu_01ABC",
                        List.of(ContentPart.Text.of("[1, 2, 3]")), false))))
                .build();
        JsonNode response = wire(request).path("contents").get(2).path("parts").get(0).path("functionResponse");
        assertThat(response).isEqualTo(Fixtures.tree("{\"name\":\"get_weather\",\"response\":{\"output\":[1,2,3]}}"));
    }

    @Test
    void aResultWhoseCallIsGoneStillFindsItsNameInOurOwnIds() {
        ChatRequest request = ChatRequest.builder("m").message(new ChatMessage(Role.USER, List.of(
                new ContentPart.ToolResult("call_3_lookup_order", List.of(ContentPart.Text.of("shipped")), true))))
                .build();
        JsonNode response = wire(request).path("contents").get(0).path("parts").get(0).path("functionResponse");
        assertThat(response).isEqualTo(Fixtures.tree("{\"name\":\"lookup_order\",\"response\":{\"error\":\"shipped\"}}"));

        UpstreamError error = badRequest(ChatRequest.builder("m").message(new ChatMessage(Role.USER, List.of(
                new ContentPart.ToolResult("toolu_unknown", List.of(ContentPart.Text.of("x")), false)))).build());
        assertThat(error.getMessage()).contains("toolu_unknown");
    }

    @Test
    void argumentsThatAreNotAnObjectAreRefused() {
        badRequest(ChatRequest.builder("m").user("Hi").message(new ChatMessage(Role.ASSISTANT, List.of(
                new ContentPart.ToolCall("call_0_f", "f", "[1,2]")))).build());
        badRequest(ChatRequest.builder("m").user("Hi").message(new ChatMessage(Role.ASSISTANT, List.of(
                new ContentPart.ToolCall("call_0_f", "f", "{not json")))).build());
    }

    @Test
    void imagesByDataUrlGoInlineAndOnlyFetchableUrlsAreAccepted() {
        JsonNode json = wire(ChatRequest.builder("m").message(new ChatMessage(Role.USER, List.of(
                ContentPart.Image.fromUrl("data:image/jpeg;base64,/9j/4AAQSkZJRg=="),
                ContentPart.Image.fromUrl("https://example.com/cat.png?size=large")))).build());
        JsonNode parts = json.path("contents").get(0).path("parts");
        assertThat(parts.get(0)).isEqualTo(Fixtures.tree(
                "{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"/9j/4AAQSkZJRg==\"}}"));
        assertThat(parts.get(1)).isEqualTo(Fixtures.tree(
                "{\"fileData\":{\"mimeType\":\"image/png\",\"fileUri\":\"https://example.com/cat.png?size=large\"}}"));
        badRequest(ChatRequest.builder("m").message(new ChatMessage(Role.USER, List.of(
                ContentPart.Image.fromUrl("ftp://example.com/cat.png")))).build());
    }

    @Test
    void turnsOfOneRoleMergeAndEmptyTextIsLeftOut() {
        JsonNode json = wire(ChatRequest.builder("m").user("First.").user("").user("Second.").build());
        assertThat(json.path("contents")).hasSize(1);
        assertThat(json.path("contents").get(0).path("parts")).hasSize(2);
        badRequest(ChatRequest.builder("m").user("").build());
    }

    @Test
    void onlyGeminisOwnReasoningGoesBack() {
        ChatRequest request = ChatRequest.builder("m").user("Why?")
                .message(new ChatMessage(Role.ASSISTANT, List.of(
                        // Anthropic-style reasoning without a Gemini signature, and a redacted block: dropped
                        ContentPart.Reasoning.of("Let me think about another provider's way."),
                        new ContentPart.Reasoning(null, null, "EncryptedBlob=="),
                        // a thought summary with its signature goes back as a thought part
                        new ContentPart.Reasoning("Considering scattering.", "sig-thought", null),
                        ContentPart.Text.of("Because of scattering."),
                        // a bare signature that came last goes back on the part before it
                        new ContentPart.Reasoning("", "sig-last", null))))
                .user("Thanks").build();
        JsonNode parts = wire(request).path("contents").get(1).path("parts");
        assertThat(parts).isEqualTo(Fixtures.tree("""
                [{"text":"Considering scattering.","thought":true,"thoughtSignature":"sig-thought"},
                 {"text":"Because of scattering.","thoughtSignature":"sig-last"}]"""));
    }

    @Test
    void responseFormatsAskForJson() {
        JsonNode schema = Fixtures.tree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}");
        JsonNode strict = wire(ChatRequest.builder("m").user("Hi").responseFormat(new ResponseFormat.JsonSchema("out",
                (com.fasterxml.jackson.databind.node.ObjectNode) schema, true)).build()).path("generationConfig");
        assertThat(strict.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(strict.path("responseJsonSchema")).isEqualTo(schema);
        JsonNode object = wire(ChatRequest.builder("m").user("Hi").responseFormat(new ResponseFormat.JsonObject())
                .build()).path("generationConfig");
        assertThat(object).isEqualTo(Fixtures.tree("{\"responseMimeType\":\"application/json\"}"));
        assertThat(wire(ChatRequest.builder("m").user("Hi").responseFormat(new ResponseFormat.Text()).build())
                .has("generationConfig")).isFalse();
    }

    @Test
    void reasoningOptionsBecomeAThinkingBudget() {
        assertThat(GeminiCodec.thinking(new ReasoningOptions(ReasoningOptions.Effort.HIGH, null, false), 10_000))
                .isEqualTo(new GenerationConfig.ThinkingConfig(8000, true));
        assertThat(GeminiCodec.thinking(new ReasoningOptions(ReasoningOptions.Effort.LOW, null, true), null))
                .isEqualTo(new GenerationConfig.ThinkingConfig(1024, null));
        assertThat(GeminiCodec.thinking(new ReasoningOptions(ReasoningOptions.Effort.MINIMAL, null, false), null))
                .isEqualTo(new GenerationConfig.ThinkingConfig(512, true));
        assertThat(GeminiCodec.thinking(new ReasoningOptions(null, null, false), 4096))
                .isEqualTo(new GenerationConfig.ThinkingConfig(-1, true));
        assertThat(GeminiCodec.thinking(new ReasoningOptions(null, 0, true), 4096))
                .isEqualTo(new GenerationConfig.ThinkingConfig(0, null));
        assertThat(GeminiCodec.thinking(null, 4096)).isNull();
    }

    @Test
    void aSeedBeyond32BitsKeepsItsLowBits() {
        GenerateContentRequest request = GeminiCodec.toWire(ChatRequest.builder("m").user("Hi")
                .seed(0x1_0000_002AL).build());
        assertThat(request.generationConfig().seed()).isEqualTo(42);
    }

    // ---- responses ----

    @Test
    void aTextAnswer() throws Exception {
        ChatResponse response = response("response-text.json");
        assertThat(response.text()).isEqualTo("Paris is mild today, around 18 degrees with a light breeze.");
        assertThat(response.id()).isEqualTo("s5tKaJ2mGZ6p2PgPlM6TyQE");
        assertThat(response.model()).isEqualTo("gemini-2.5-flash");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.nativeFinishReason()).isEqualTo("STOP");
        assertThat(response.usage()).isEqualTo(new Usage(12, 14, 0, 0, 0));
    }

    @Test
    void parallelFunctionCallsGetStableIdsAndKeepTheirSignature() throws Exception {
        ChatResponse response = response("response-function-calls.json");
        assertThat(response.content()).containsExactly(
                new ContentPart.Reasoning("", "CiQBVKhc7kFRDp0Vx0lMfXcJ9l2tq9Hq4mUiPZ6O2yrLq0k=", null),
                new ContentPart.ToolCall("call_0_get_weather", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
                new ContentPart.ToolCall("call_1_get_time", "get_time", "{\"timezone\":\"Europe/Paris\"}"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.nativeFinishReason()).isEqualTo("STOP");
        assertThat(response.usage()).isEqualTo(new Usage(97, 31 + 61, 0, 0, 61));
        // the same answer always gets the same ids
        assertThat(response("response-function-calls.json").toolCalls()).isEqualTo(response.toolCalls());
    }

    @Test
    void theAnswerGoesBackAsItCame() throws Exception {
        ChatResponse calls = response("response-function-calls.json");
        ChatRequest next = ChatRequest.builder("m").user("Weather and time in Paris?")
                .message(new ChatMessage(Role.ASSISTANT, calls.content()))
                .message(new ChatMessage(Role.USER, List.of(
                        new ContentPart.ToolResult("call_0_get_weather", List.of(ContentPart.Text.of("{\"t\":18}")),
                                false),
                        new ContentPart.ToolResult("call_1_get_time", List.of(ContentPart.Text.of("{\"h\":10}")),
                                false))))
                .build();
        JsonNode contents = wire(next).path("contents");
        JsonNode original = Fixtures.json("response-function-calls.json").path("candidates").get(0).path("content");
        assertThat(contents.get(1)).isEqualTo(original);
        assertThat(contents.get(2).path("parts").get(1).path("functionResponse").path("name").asText())
                .isEqualTo("get_time");
    }

    @Test
    void thoughtsAreReasoningAndTheSignatureRidesOnItsPart() throws Exception {
        ChatResponse response = response("response-thinking.json");
        assertThat(response.content()).containsExactly(
                new ContentPart.Reasoning("**Considering Rayleigh scattering**\n\nShorter wavelengths scatter more "
                        + "strongly in air.", null, null),
                new ContentPart.Reasoning("", "CvUBAVSoXO5tKq0x2fSmZ5c0N2n3V7Jj9c4r0wK1Q8hA", null),
                ContentPart.Text.of("Sunlight scatters off air molecules, and blue light scatters the most."));
        assertThat(response.usage()).isEqualTo(new Usage(8, 15 + 312, 0, 0, 312));

        JsonNode back = wire(ChatRequest.builder("m").user("Why is the sky blue?")
                .message(new ChatMessage(Role.ASSISTANT, response.content())).user("More?").build());
        // the summary had no signature of its own: only the signed answer part goes back
        assertThat(back.path("contents").get(1).path("parts")).isEqualTo(Fixtures.tree("""
                [{"text":"Sunlight scatters off air molecules, and blue light scatters the most.",
                  "thoughtSignature":"CvUBAVSoXO5tKq0x2fSmZ5c0N2n3V7Jj9c4r0wK1Q8hA"}]"""));
    }

    @Test
    void cachedAndToolPromptTokensAreCounted() throws Exception {
        assertThat(response("response-cached.json").usage()).isEqualTo(new Usage(30512 + 120, 7, 28403, 0, 0));
    }

    @Test
    void aBlockedPromptIsAContentFilterError() {
        assertThatThrownBy(() -> response("response-blocked.json"))
                .isInstanceOfSatisfying(UpstreamError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamErrorKind.CONTENT_FILTERED);
                    assertThat(e.getMessage()).contains("PROHIBITED_CONTENT");
                    assertThat(e.providerMessage()).isEqualTo("The prompt was blocked due to prohibited content.");
                });
        assertThatThrownBy(() -> GeminiCodec.fromWire(GeminiCodec.decodeResponse("{}"), "m"))
                .isInstanceOfSatisfying(UpstreamError.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE));
    }

    @Test
    void aFilteredAnswerHasNoContentAndAContentFilterStop() throws Exception {
        ChatResponse response = response("response-safety.json");
        assertThat(response.content()).isEmpty();
        assertThat(response.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(response.nativeFinishReason()).isEqualTo("SAFETY");
        assertThat(response.usage().inputTokens()).isEqualTo(19);
    }

    @Test
    void generatedImagesComeBackInline() throws Exception {
        ChatResponse response = response("response-image.json");
        assertThat(response.content().get(1)).isInstanceOfSatisfying(ContentPart.Image.class, image -> {
            assertThat(image.mediaType()).isEqualTo("image/png");
            assertThat(image.data()).startsWith("iVBORw0KGgo");
        });
    }

    @Test
    void everyFinishReason() {
        Map<String, FinishReason> expected = Map.ofEntries(
                entry("STOP", FinishReason.STOP), entry("MAX_TOKENS", FinishReason.LENGTH),
                entry("SAFETY", FinishReason.CONTENT_FILTER), entry("RECITATION", FinishReason.CONTENT_FILTER),
                entry("BLOCKLIST", FinishReason.CONTENT_FILTER),
                entry("PROHIBITED_CONTENT", FinishReason.CONTENT_FILTER), entry("SPII", FinishReason.CONTENT_FILTER),
                entry("LANGUAGE", FinishReason.CONTENT_FILTER), entry("IMAGE_SAFETY", FinishReason.CONTENT_FILTER),
                entry("IMAGE_PROHIBITED_CONTENT", FinishReason.CONTENT_FILTER),
                entry("IMAGE_RECITATION", FinishReason.CONTENT_FILTER),
                entry("MALFORMED_FUNCTION_CALL", FinishReason.ERROR),
                entry("UNEXPECTED_TOOL_CALL", FinishReason.ERROR), entry("TOO_MANY_TOOL_CALLS", FinishReason.ERROR),
                entry("MISSING_THOUGHT_SIGNATURE", FinishReason.ERROR), entry("OTHER", FinishReason.ERROR),
                entry("FINISH_REASON_UNSPECIFIED", FinishReason.ERROR), entry("SOMETHING_NEW", FinishReason.ERROR));
        expected.forEach((reason, mapped) -> assertThat(GeminiCodec.finishReason(reason, false)).as(reason)
                .isEqualTo(mapped));
        assertThat(GeminiCodec.finishReason("STOP", true)).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(GeminiCodec.finishReason("MAX_TOKENS", true)).isEqualTo(FinishReason.LENGTH);
        assertThat(GeminiCodec.finishReason(null, false)).isNull();
    }

    @Test
    void anIdGeminiGivesIsKept() {
        assertThat(GeminiCodec.toolCallId(0, new Part.FunctionCall("fc-123", "f", null))).isEqualTo("fc-123");
        assertThat(GeminiCodec.argumentsText(new Part.FunctionCall(null, "f", null))).isEqualTo("{}");
    }

    @Test
    void usageWithoutMetadataIsNone() {
        assertThat(GeminiCodec.usage(null)).isEqualTo(Usage.NONE);
    }
}
