package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnthropicCodecTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "claude-sonnet-4-20250514";

    final AnthropicCodec codec = new AnthropicCodec(AnthropicDialect.FIRST_PARTY, AnthropicCodec.DEFAULT_MAX_TOKENS);

    JsonNode body(ChatRequest request) {
        return body(codec, request, false);
    }

    static JsonNode body(AnthropicCodec codec, ChatRequest request, boolean stream) {
        try {
            return JSON.readTree(codec.encodeRequest(request, stream));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---- requests

    @Test
    void simpleTextWithSamplingParameters() {
        ChatRequest request = new ChatRequest(MODEL, List.of(), List.of(ChatMessage.user("Hello, Claude")), null, null,
                null, 0.2, 0.9, 40, List.of("\n\nHuman:"), 42L, 0.5, 0.5, null, null, "user-7", null);

        assertThat(body(request)).isEqualTo(json("""
                {"model": "claude-sonnet-4-20250514",
                 "max_tokens": 4096,
                 "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello, Claude"}]}],
                 "temperature": 0.2, "top_p": 0.9, "top_k": 40,
                 "stop_sequences": ["\\n\\nHuman:"],
                 "metadata": {"user_id": "user-7"}}
                """));
        assertThat(body(codec, request, true).get("stream").asBoolean()).isTrue();
    }

    @Test
    void callersMaxTokensIsKept() {
        ChatRequest request = ChatRequest.builder(MODEL).user("Hi").maxTokens(300).build();
        assertThat(body(request).get("max_tokens").asInt()).isEqualTo(300);
        AnthropicCodec small = new AnthropicCodec(AnthropicDialect.FIRST_PARTY, 1000);
        assertThat(body(small, ChatRequest.builder(MODEL).user("Hi").build(), false).get("max_tokens").asInt())
                .isEqualTo(1000);
    }

    @Test
    void multiTurnMergesSameRoleTurnsAndDropsWhatTheApiRefuses() {
        ChatRequest request = ChatRequest.builder(MODEL)
                .user("First question.")
                .user("And a second one.")
                .message(new ChatMessage(Role.ASSISTANT, List.of(ContentPart.Text.of(""))))
                .assistant("An answer.")
                .message(new ChatMessage(Role.USER, List.of(ContentPart.Text.of("Thanks."), ContentPart.Text.of(""))))
                .assistant("Sure thing, ")
                .build();

        assertThat(body(request).get("messages")).isEqualTo(json("""
                [{"role": "user", "content": [{"type": "text", "text": "First question."},
                                              {"type": "text", "text": "And a second one."}]},
                 {"role": "assistant", "content": [{"type": "text", "text": "An answer."}]},
                 {"role": "user", "content": [{"type": "text", "text": "Thanks."}]},
                 {"role": "assistant", "content": [{"type": "text", "text": "Sure thing,"}]}]
                """));
    }

    @Test
    void systemPromptIsAStringWithoutCacheBreakpoints() {
        ChatRequest request = new ChatRequest(MODEL, List.of(ContentPart.Text.of("You are terse."),
                ContentPart.Text.of("Answer in French.")), List.of(ChatMessage.user("Hi")), null, null, null, null,
                null, null, null, null, null, null, null, null, null, null);
        assertThat(body(request).get("system").asText()).isEqualTo("You are terse.\n\nAnswer in French.");
    }

    @Test
    void systemPromptWithCacheBreakpointBecomesBlocksWithCacheControl() {
        ChatRequest request = new ChatRequest(MODEL,
                List.of(new ContentPart.Text("You answer questions about this manual: ...", true),
                        ContentPart.Text.of("Be brief.")),
                List.of(new ChatMessage(Role.USER, List.of(new ContentPart.Text("Long shared context", true),
                        ContentPart.Text.of("Where is the reset button?")))),
                null, null, null, null, null, null, null, null, null, null, null, null, null, null);

        JsonNode body = body(request);
        assertThat(body.get("system")).isEqualTo(json("""
                [{"type": "text", "text": "You answer questions about this manual: ...",
                  "cache_control": {"type": "ephemeral"}},
                 {"type": "text", "text": "Be brief."}]
                """));
        assertThat(body.get("messages").get(0).get("content")).isEqualTo(json("""
                [{"type": "text", "text": "Long shared context", "cache_control": {"type": "ephemeral"}},
                 {"type": "text", "text": "Where is the reset button?"}]
                """));
    }

    static ObjectNode weatherSchema() {
        return (ObjectNode) json("""
                {"type": "object",
                 "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                 "required": ["location"]}
                """);
    }

    @Test
    void toolsAndToolResultsRoundTrip() {
        ChatRequest request = new ChatRequest(MODEL, List.of(), List.of(
                ChatMessage.user("Weather in Paris and the time?"),
                new ChatMessage(Role.ASSISTANT, List.of(
                        ContentPart.Text.of("Let me look."),
                        new ContentPart.ToolCall("toolu_1", "get_weather", "{\"location\": \"Paris\", \"unit\": \"celsius\"}"),
                        new ContentPart.ToolCall("toolu_2", "get_time", ""))),
                // OpenAI-style: one tool message per result, then the user's own words; merged into one user turn
                new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult("toolu_1",
                        List.of(ContentPart.Text.of("18 °C, sunny")), false))),
                new ChatMessage(Role.USER, List.of(ContentPart.Text.of("Also, hurry."))),
                new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult("toolu_2",
                        List.of(ContentPart.Text.of("clock unavailable")), true)))),
                List.of(new ToolDefinition("get_weather", "Current weather for a place", weatherSchema(), false),
                        new ToolDefinition("get_time", null, null, true)),
                ToolChoice.AUTO, null, null, null, null, null, null, null, null, null, null, null, null);

        JsonNode body = body(request);
        assertThat(body.get("tools")).isEqualTo(json("""
                [{"name": "get_weather", "description": "Current weather for a place",
                  "input_schema": {"type": "object",
                     "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                     "required": ["location"]}},
                 {"name": "get_time", "input_schema": {"type": "object", "properties": {}}, "strict": true}]
                """));
        assertThat(body.get("tool_choice")).isEqualTo(json("{\"type\": \"auto\"}"));
        assertThat(body.get("messages")).isEqualTo(json("""
                [{"role": "user", "content": [{"type": "text", "text": "Weather in Paris and the time?"}]},
                 {"role": "assistant", "content": [
                    {"type": "text", "text": "Let me look."},
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"location": "Paris", "unit": "celsius"}},
                    {"type": "tool_use", "id": "toolu_2", "name": "get_time", "input": {}}]},
                 {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "18 °C, sunny"}]},
                    {"type": "tool_result", "tool_use_id": "toolu_2", "content": [{"type": "text", "text": "clock unavailable"}],
                     "is_error": true},
                    {"type": "text", "text": "Also, hurry."}]}]
                """));

        // and back: the response's tool calls become the next request's tool_use blocks unchanged
        ChatResponse response = codec.decodeResponse(Fixtures.bytes("response-tool-use.json"));
        ChatRequest next = ChatRequest.builder(MODEL).user("Weather?")
                .message(new ChatMessage(Role.ASSISTANT, response.content())).build();
        assertThat(body(next).get("messages").get(1).get("content").get(1)).isEqualTo(json("""
                {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
                 "input": {"location": "San Francisco, CA", "unit": "celsius"}}
                """));
    }

    @Test
    void toolResultWithAnImageAndWithNoContent() {
        ChatRequest request = ChatRequest.builder(MODEL)
                .message(new ChatMessage(Role.USER, List.of(
                        new ContentPart.ToolResult("toolu_9", List.of(ContentPart.Text.of("screenshot:"),
                                ContentPart.Image.inline("image/png", "iVBORw0KGgo=")), false),
                        new ContentPart.ToolResult("toolu_10", List.of(), false))))
                .build();
        assertThat(body(request).get("messages").get(0).get("content")).isEqualTo(json("""
                [{"type": "tool_result", "tool_use_id": "toolu_9", "content": [
                    {"type": "text", "text": "screenshot:"},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]},
                 {"type": "tool_result", "tool_use_id": "toolu_10"}]
                """));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            AUTO_PARALLEL   | {"type": "auto"}
            AUTO_SERIAL     | {"type": "auto", "disable_parallel_tool_use": true}
            REQUIRED        | {"type": "any"}
            REQUIRED_SERIAL | {"type": "any", "disable_parallel_tool_use": true}
            NAMED           | {"type": "tool", "name": "get_weather"}
            NONE            | {"type": "none"}
            """)
    void toolChoice(String choice, String expected) {
        ToolChoice toolChoice = switch (choice) {
            case "AUTO_PARALLEL" -> new ToolChoice.Auto(true);
            case "AUTO_SERIAL" -> new ToolChoice.Auto(false);
            case "REQUIRED" -> new ToolChoice.Required(true);
            case "REQUIRED_SERIAL" -> new ToolChoice.Required(false);
            case "NAMED" -> new ToolChoice.Named("get_weather");
            default -> new ToolChoice.None();
        };
        ChatRequest request = ChatRequest.builder(MODEL).user("Weather?")
                .tools(List.of(new ToolDefinition("get_weather", "Weather", weatherSchema(), false)), toolChoice)
                .build();
        assertThat(body(request).get("tool_choice")).isEqualTo(json(expected));
    }

    @Test
    void noToolsMeansNoToolChoice() {
        ChatRequest request = ChatRequest.builder(MODEL).user("Hi").tools(List.of(), new ToolChoice.Required(true))
                .build();
        JsonNode body = body(request);
        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("tool_choice")).isFalse();
    }

    @Test
    void toolArgumentsThatAreNotAJsonObjectAreRefused() {
        ChatRequest request = ChatRequest.builder(MODEL).user("Hi")
                .message(new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.ToolCall("toolu_1", "f", "[1, 2"))))
                .build();
        assertThatThrownBy(() -> codec.encodeRequest(request, false))
                .isInstanceOfSatisfying(UpstreamError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamErrorKind.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("toolu_1").contains("not a JSON object");
                });
    }

    @Test
    void imagesInlineByUrlAndAsDataUrls() {
        ChatRequest request = ChatRequest.builder(MODEL)
                .message(new ChatMessage(Role.USER, List.of(
                        ContentPart.Text.of("Compare these."),
                        ContentPart.Image.inline("image/jpeg", "/9j/4AAQSkZJRg=="),
                        ContentPart.Image.fromUrl("https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg"),
                        ContentPart.Image.fromUrl("data:image/webp;base64,UklGRh4AAABXRUJQVlA4"))))
                .build();
        assertThat(body(request).get("messages").get(0).get("content")).isEqualTo(json("""
                [{"type": "text", "text": "Compare these."},
                 {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQSkZJRg=="}},
                 {"type": "image", "source": {"type": "url",
                    "url": "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg"}},
                 {"type": "image", "source": {"type": "base64", "media_type": "image/webp", "data": "UklGRh4AAABXRUJQVlA4"}}]
                """));

        ChatRequest notBase64 = ChatRequest.builder(MODEL).message(new ChatMessage(Role.USER,
                List.of(ContentPart.Image.fromUrl("data:image/svg+xml,%3Csvg%3E")))).build();
        assertThatThrownBy(() -> codec.encodeRequest(notBase64, false)).isInstanceOfSatisfying(UpstreamError.class,
                e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.BAD_REQUEST));
    }

    @ParameterizedTest(name = "max_tokens {0}, budget {1}, effort {2} -> max_tokens {3}, budget {4}")
    @CsvSource(nullValues = "-", textBlock = """
            8000, 2000, -,      8000, 2000
            8000,  500, -,      8000, 1024
            1000, 2000, -,      3000, 2000
            2000, 2000, -,      4000, 2000
               -, 3000, -,      7096, 3000
               -,    -, MEDIUM, 6144, 2048
               -,    -, HIGH,   7372, 3276
            1500,    -, MEDIUM, 1500, 1024
            1000,    -, LOW,    2024, 1024
            """)
    void thinkingBudgetFitsUnderMaxTokens(Integer maxTokens, Integer budget, ReasoningOptions.Effort effort,
                                          int expectedMax, int expectedBudget) {
        ChatRequest.Builder builder = ChatRequest.builder(MODEL).user("Are there infinitely many primes p with p+2 prime?")
                .reasoning(new ReasoningOptions(effort, budget, false));
        if (maxTokens != null) {
            builder.maxTokens(maxTokens);
        }
        JsonNode body = body(builder.build());
        assertThat(body.get("max_tokens").asInt()).isEqualTo(expectedMax);
        assertThat(body.get("thinking")).isEqualTo(json("{\"type\": \"enabled\", \"budget_tokens\": " + expectedBudget + "}"));
        assertThat(body.get("thinking").get("budget_tokens").asInt()).isLessThan(body.get("max_tokens").asInt());
    }

    @Test
    void zeroBudgetMeansNoThinking() {
        ChatRequest request = ChatRequest.builder(MODEL).user("Hi").reasoning(new ReasoningOptions(null, 0, false))
                .build();
        JsonNode body = body(request);
        assertThat(body.has("thinking")).isFalse();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(4096);
    }

    @Test
    void thinkingBlocksGoBackWithTheirSignaturesAndUnsignedReasoningDoesNot() {
        ChatResponse previous = codec.decodeResponse(Fixtures.bytes("response-thinking.json"));
        ChatRequest request = ChatRequest.builder(MODEL).user("What is 27 * 453?")
                .message(new ChatMessage(Role.ASSISTANT, previous.content()))
                .message(new ChatMessage(Role.ASSISTANT, List.of(ContentPart.Reasoning.of("from another provider"))))
                .user("And times 2?")
                .reasoning(new ReasoningOptions(null, 2048, false))
                .build();
        assertThat(body(request).get("messages").get(1)).isEqualTo(json("""
                {"role": "assistant", "content": [
                  {"type": "thinking",
                   "thinking": "Let me analyze this step by step: 27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.",
                   "signature": "WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL"},
                  {"type": "redacted_thinking",
                   "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB8="},
                  {"type": "text", "text": "27 * 453 = 12,231"}]}
                """));
    }

    @Test
    void jsonObjectBecomesASystemInstruction() {
        ChatRequest request = ChatRequest.builder(MODEL).system("You extract data.").user("Jane, 34, Paris")
                .responseFormat(new ResponseFormat.JsonObject()).build();
        JsonNode body = body(request);
        assertThat(body.get("system").asText())
                .isEqualTo("You extract data.\n\n" + AnthropicCodec.JSON_OBJECT_INSTRUCTION);
        assertThat(body.has("output_config")).isFalse();
    }

    @Test
    void strictJsonSchemaUsesStructuredOutputs() {
        ObjectNode schema = (ObjectNode) json("""
                {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                 "required": ["name", "age"], "additionalProperties": false}
                """);
        ChatRequest request = ChatRequest.builder(MODEL).user("Jane, 34")
                .responseFormat(new ResponseFormat.JsonSchema("person", schema, true)).build();
        JsonNode body = body(request);
        assertThat(body.get("output_config")).isEqualTo(json(
                "{\"format\": {\"type\": \"json_schema\", \"schema\": " + schema + "}}"));
        assertThat(body.has("system")).isFalse();
    }

    @Test
    void nonStrictJsonSchemaIsAnInstructionAfterTheCachedPrefix() {
        ObjectNode schema = (ObjectNode) json("{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"}}}");
        ChatRequest request = new ChatRequest(MODEL, List.of(new ContentPart.Text("A long cached preamble", true)),
                List.of(ChatMessage.user("Jane")), null, null, null, null, null, null, null, null, null, null,
                new ResponseFormat.JsonSchema("person", schema, false), null, null, null);
        JsonNode system = body(request).get("system");
        assertThat(system).hasSize(2);
        assertThat(system.get(0).get("cache_control")).isNotNull();
        assertThat(system.get(1).get("text").asText()).contains("\"person\"").endsWith(schema.toString());
        assertThat(system.get(1).has("cache_control")).isFalse();
    }

    @Test
    void vertexAndBedrockDialectsMoveModelAndVersion() {
        ChatRequest request = ChatRequest.builder(MODEL).user("Hi").build();
        JsonNode vertex = body(new AnthropicCodec(AnthropicDialect.VERTEX, 4096), request, true);
        assertThat(vertex.has("model")).isFalse();
        assertThat(vertex.get("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
        assertThat(vertex.get("stream").asBoolean()).isTrue();

        JsonNode bedrock = body(new AnthropicCodec(AnthropicDialect.BEDROCK, 4096), request, true);
        assertThat(bedrock.has("model")).isFalse();
        assertThat(bedrock.get("anthropic_version").asText()).isEqualTo("bedrock-2023-05-31");
        assertThat(bedrock.has("stream")).isFalse();

        JsonNode firstParty = body(codec, request, false);
        assertThat(firstParty.has("anthropic_version")).isFalse();
        assertThat(firstParty.has("stream")).isFalse();
        assertThat(codec.requestTree(request, false)).isEqualTo(firstParty);
    }

    // ---- responses

    @Test
    void textResponse() {
        ChatResponse response = codec.decodeResponse(Fixtures.bytes("response-text.json"));
        assertThat(response.id()).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
        assertThat(response.model()).isEqualTo(MODEL);
        assertThat(response.content()).containsExactly(ContentPart.Text.of("Hello! How can I help you today?"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.nativeFinishReason()).isEqualTo("end_turn");
        assertThat(response.usage()).isEqualTo(new Usage(12, 10, 0, 0, 0));
    }

    @Test
    void usageCountsCachedPromptTokensInTheInputTotal() {
        ChatResponse response = codec.decodeResponse(Fixtures.bytes("response-cached.json"));
        assertThat(response.usage()).isEqualTo(new Usage(21 + 2048 + 188, 393, 2048, 188, 0));
    }

    @Test
    void toolUseResponse() {
        ChatResponse response = codec.decodeResponse(Fixtures.bytes("response-tool-use.json"));
        assertThat(response.text()).isEqualTo("I'll check the weather in both cities.");
        assertThat(response.toolCalls()).containsExactly(
                new ContentPart.ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather",
                        "{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"),
                new ContentPart.ToolCall("toolu_01B7rQ2mZk4Xn8dPvY3wHs1t", "get_time", "{}"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.usage()).isEqualTo(new Usage(472, 91, 0, 0, 0));
    }

    @Test
    void thinkingResponse() {
        ChatResponse response = codec.decodeResponse(Fixtures.bytes("response-thinking.json"));
        assertThat(response.content()).containsExactly(
                new ContentPart.Reasoning(
                        "Let me analyze this step by step: 27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.",
                        "WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL", null),
                new ContentPart.Reasoning("", null,
                        "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB8="),
                ContentPart.Text.of("27 * 453 = 12,231"));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", textBlock = """
            end_turn,                      STOP
            stop_sequence,                 STOP
            max_tokens,                    LENGTH
            tool_use,                      TOOL_CALLS
            refusal,                       CONTENT_FILTER
            pause_turn,                    STOP
            model_context_window_exceeded, LENGTH
            some_future_reason,            STOP
            """)
    void everyStopReason(String stopReason, FinishReason expected) {
        String body = Fixtures.text("response-text.json").replace("\"end_turn\"", "\"" + stopReason + "\"");
        ChatResponse response = codec.decodeResponse(body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.finishReason()).isEqualTo(expected);
        assertThat(response.nativeFinishReason()).isEqualTo(stopReason);
    }

    @Test
    void unknownBlockTypesAreSkipped() {
        String body = """
                {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-20250514",
                 "content": [{"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "x"}},
                             {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
                             {"type": "text", "text": "Found it.", "citations": [{"type": "web_search_result_location"}]}],
                 "stop_reason": "end_turn", "usage": {"input_tokens": 5, "output_tokens": 3}}
                """;
        ChatResponse response = codec.decodeResponse(body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.content()).containsExactly(ContentPart.Text.of("Found it."));
    }

    @Test
    void malformedResponses() {
        for (String body : List.of("<html>502</html>", "[1, 2]", "{\"id\": \"msg_1\", \"type\": \"message\"}", "")) {
            assertThatThrownBy(() -> codec.decodeResponse(body.getBytes(StandardCharsets.UTF_8)))
                    .as(body)
                    .isInstanceOfSatisfying(UpstreamError.class,
                            e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE));
        }
    }

    @Test
    void anErrorObjectInASuccessBodyIsClassified() {
        byte[] body = "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decodeResponse(body)).isInstanceOfSatisfying(UpstreamError.class,
                e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.OVERLOADED));
    }

    @Test
    void userMetadataFallsBackToTheMetadataMap() {
        ChatRequest request = new ChatRequest(MODEL, null, List.of(ChatMessage.user("Hi")), null, null, null, null,
                null, null, null, null, null, null, null, null, null, Map.of("user_id", "u-42"));
        assertThat(body(request).get("metadata")).isEqualTo(json("{\"user_id\": \"u-42\"}"));
    }
}
