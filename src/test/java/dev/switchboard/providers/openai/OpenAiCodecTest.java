package dev.switchboard.providers.openai;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenAiCodecTest {

    static JsonNode wire(ChatRequest request, String model, OpenAiDialect dialect, boolean stream) {
        return Fixtures.tree(new String(OpenAiCodec.encode(OpenAiCodec.toWire(request, model, dialect, stream)),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    static ChatResponse response(String fixture) {
        return OpenAiCodec.fromWire(OpenAiCodec.decodeResponse(Fixtures.json(fixture)));
    }

    // ---- requests ----

    @Test
    void textWithSystemPrompt() {
        ChatRequest request = ChatRequest.builder("ignored").system("Be brief.").user("Hi").maxTokens(100).build();
        assertThat(wire(request, "llama-3.3-70b-versatile", OpenAiDialect.GENERIC, false)).isEqualTo(Fixtures.tree("""
                {"model":"llama-3.3-70b-versatile",
                 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
                 "max_tokens":100}"""));
    }

    @Test
    void multiTurnKeepsOrderAndOmitsEverythingNotAsked() {
        ChatRequest request = ChatRequest.builder("m").user("One?").assistant("1").user("Two?").build();
        assertThat(wire(request, "m", OpenAiDialect.OPENAI, false)).isEqualTo(Fixtures.tree("""
                {"model":"m","messages":[
                  {"role":"user","content":"One?"},
                  {"role":"assistant","content":"1"},
                  {"role":"user","content":"Two?"}]}"""));
    }

    @Test
    void toolsToolCallsAndToolResults() {
        ChatRequest request = ChatRequest.builder("x")
                .system("You are a helpful assistant.")
                .user("What's the weather in Paris and the time there?")
                .message(new ChatMessage(Role.ASSISTANT, List.of(
                        ContentPart.Text.of("Let me check."),
                        new ContentPart.ToolCall("call_1", "get_weather", "{\"location\":\"Paris\"}"),
                        new ContentPart.ToolCall("call_2", "get_time", "{\"tz\":\"Europe/Paris\"}"))))
                .message(new ChatMessage(Role.USER, List.of(
                        new ContentPart.ToolResult("call_1", List.of(ContentPart.Text.of("18°C, cloudy")), false),
                        new ContentPart.ToolResult("call_2", List.of(ContentPart.Text.of("unknown time zone")), true),
                        ContentPart.Text.of("Should I bring an umbrella?"))))
                .tools(List.of(
                        new ToolDefinition("get_weather", "Current weather for a city", Fixtures.object("""
                                {"type":"object","properties":{"location":{"type":"string"}},
                                 "required":["location"],"additionalProperties":false}"""), true),
                        new ToolDefinition("get_time", "Local time in a time zone", Fixtures.object("""
                                {"type":"object","properties":{"tz":{"type":"string"}}}"""), false)),
                        new ToolChoice.Auto(false))
                .maxTokens(500)
                .temperature(0.2)
                .build();
        assertThat(wire(request, "llama-3.3-70b-versatile", OpenAiDialect.GENERIC, false))
                .isEqualTo(Fixtures.json("request-tools-roundtrip.json"));
    }

    @Test
    void toolCallsOfAResponseGoBackUnchanged() {
        ChatResponse answer = response("response-tool-calls.json");
        ChatRequest next = ChatRequest.builder("m").user("Weather and time in Boston?")
                .message(new ChatMessage(Role.ASSISTANT, answer.content()))
                .message(new ChatMessage(Role.USER, answer.toolCalls().stream()
                        .<ContentPart>map(c -> new ContentPart.ToolResult(c.id(), List.of(ContentPart.Text.of("ok")), false))
                        .toList()))
                .build();
        JsonNode messages = wire(next, "m", OpenAiDialect.OPENAI, false).get("messages");
        // content is optional beside tool_calls: left out rather than sent as null
        assertThat(messages.get(1).has("content")).isFalse();
        assertThat(messages.get(1).get("tool_calls")).isEqualTo(Fixtures.json("response-tool-calls.json")
                .at("/choices/0/message/tool_calls"));
        assertThat(messages.get(2).get("tool_call_id").asText()).isEqualTo("call_abc123");
        assertThat(messages.get(3).get("tool_call_id").asText()).isEqualTo("call_def456");
        assertThat(messages).hasSize(4);
    }

    @Test
    void imagesInlineAndByUrlWithEveryOpenAiParameter() {
        ChatRequest request = new ChatRequest("gpt-5-mini",
                List.of(ContentPart.Text.of("Answer in JSON.")),
                List.of(new ChatMessage(Role.USER, List.of(
                        ContentPart.Text.of("What is in these images?"),
                        ContentPart.Image.inline("image/png", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="),
                        ContentPart.Image.fromUrl("https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg")))),
                null, null, 2048, null, 0.9, 40, List.of("END"), 42L, 0.5, 0.25,
                new ResponseFormat.JsonSchema("image_description", Fixtures.object("""
                        {"type":"object","properties":{"items":{"type":"array","items":{"type":"string"}}},
                         "required":["items"],"additionalProperties":false}"""), true),
                new ReasoningOptions(ReasoningOptions.Effort.MINIMAL, null, false),
                "user-1234", java.util.Map.of("trace", "abc"));
        // top_k and metadata have no place in OpenAI's API and are left out
        assertThat(wire(request, "gpt-5-mini", OpenAiDialect.OPENAI, true))
                .isEqualTo(Fixtures.json("request-openai-full.json"));
    }

    @Test
    void imagesReturnedByAToolFollowTheToolMessages() {
        ChatRequest request = ChatRequest.builder("m")
                .message(new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.ToolCall("c1", "screenshot", "{}"))))
                .message(new ChatMessage(Role.USER, List.of(new ContentPart.ToolResult("c1", List.of(
                        ContentPart.Text.of("captured"), ContentPart.Image.inline("image/jpeg", "AAAA")), false))))
                .build();
        JsonNode messages = wire(request, "m", OpenAiDialect.GENERIC, false).get("messages");
        assertThat(messages.get(1)).isEqualTo(Fixtures.tree("""
                {"role":"tool","content":"captured","tool_call_id":"c1"}"""));
        assertThat(messages.get(2)).isEqualTo(Fixtures.tree("""
                {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,AAAA"}}]}"""));
    }

    @Test
    void reasoningPartsAreNotSentBack() {
        ChatRequest request = ChatRequest.builder("m").user("Q")
                .message(new ChatMessage(Role.ASSISTANT, List.of(ContentPart.Reasoning.of("thinking..."),
                        ContentPart.Text.of("A"))))
                .user("Q2").build();
        assertThat(wire(request, "deepseek-reasoner", OpenAiDialect.GENERIC, false).get("messages").get(1))
                .isEqualTo(Fixtures.tree("{\"role\":\"assistant\",\"content\":\"A\"}"));
    }

    @Test
    void imagesInAnAssistantTurnAreRefusedBeforeAnyCall() {
        ChatRequest request = ChatRequest.builder("m")
                .message(new ChatMessage(Role.ASSISTANT, List.of(ContentPart.Image.fromUrl("https://x/y.png"))))
                .build();
        assertThatThrownBy(() -> OpenAiCodec.toWire(request, "m", OpenAiDialect.OPENAI, false))
                .isInstanceOfSatisfying(UpstreamError.class, e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.BAD_REQUEST));
    }

    @ParameterizedTest
    @CsvSource({
            "openai, https://api.openai.com/v1, max_completion_tokens",
            "azure, https://contoso.openai.azure.com/openai, max_completion_tokens",
            "my-openai, https://api.openai.com/v1, max_completion_tokens",
            "contoso, https://contoso-eastus.openai.azure.com/openai, max_completion_tokens",
            "contoso2, https://contoso.cognitiveservices.azure.com/openai, max_completion_tokens",
            "groq, https://api.groq.com/openai/v1, max_tokens",
            "together, https://api.together.xyz/v1, max_tokens",
            "deepseek, https://api.deepseek.com/v1, max_tokens",
            "mistral, https://api.mistral.ai/v1, max_tokens",
            "google-ai-studio, https://generativelanguage.googleapis.com/v1beta/openai, max_tokens",
            "local, http://127.0.0.1:8000/v1, max_tokens"})
    void maxTokensFieldByHost(String slug, String baseUrl, String field) {
        ChatRequest request = ChatRequest.builder("m").user("Hi").maxTokens(64).build();
        JsonNode wire = wire(request, "m", OpenAiDialect.of(slug, baseUrl), false);
        assertThat(wire.get(field).asInt()).isEqualTo(64);
        assertThat(wire.has(field.equals("max_tokens") ? "max_completion_tokens" : "max_tokens")).isFalse();
    }

    @Test
    void streamingAsksForUsageExceptWhereTheHostRefusesTheOption() {
        ChatRequest request = ChatRequest.builder("m").user("Hi").seed(7).build();
        JsonNode groq = wire(request, "m", OpenAiDialect.GENERIC, true);
        assertThat(groq.get("stream").asBoolean()).isTrue();
        assertThat(groq.get("stream_options")).isEqualTo(Fixtures.tree("{\"include_usage\":true}"));
        assertThat(groq.get("seed").asLong()).isEqualTo(7);
        JsonNode mistral = wire(request, "m", OpenAiDialect.MISTRAL, true);
        assertThat(mistral.get("stream").asBoolean()).isTrue();
        assertThat(mistral.has("stream_options")).isFalse();
        assertThat(mistral.has("seed")).isFalse();
        assertThat(mistral.get("random_seed").asLong()).isEqualTo(7);
        assertThat(wire(request, "m", OpenAiDialect.GENERIC, false).has("stream")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "HIGH, null, OPENAI, high",
            "MEDIUM, null, GENERIC, medium",
            "LOW, null, AZURE, low",
            "MINIMAL, null, OPENAI, minimal",
            "MINIMAL, null, GENERIC, low",
            "null, 0, OPENAI, minimal",
            "null, 1024, OPENAI, low",
            "null, 8000, GENERIC, medium",
            "null, 32000, OPENAI, high",
            "HIGH, null, MISTRAL, null",
            "null, null, OPENAI, null"})
    void reasoningEffort(ReasoningOptions.Effort effort, Integer budget, OpenAiDialect dialect, String expected) {
        ChatRequest request = ChatRequest.builder("m").user("Hi")
                .reasoning(new ReasoningOptions(effort, budget, false)).build();
        JsonNode wire = wire(request, "m", dialect, false);
        if (expected == null) {
            assertThat(wire.has("reasoning_effort")).isFalse();
        } else {
            assertThat(wire.get("reasoning_effort").asText()).isEqualTo(expected);
        }
    }

    @Test
    void responseFormats() {
        assertThat(wire(ChatRequest.builder("m").user("Hi").responseFormat(new ResponseFormat.JsonObject()).build(),
                "m", OpenAiDialect.GENERIC, false).get("response_format"))
                .isEqualTo(Fixtures.tree("{\"type\":\"json_object\"}"));
        assertThat(wire(ChatRequest.builder("m").user("Hi").responseFormat(new ResponseFormat.Text()).build(),
                "m", OpenAiDialect.GENERIC, false).has("response_format")).isFalse();
        assertThat(wire(ChatRequest.builder("m").user("Hi")
                        .responseFormat(new ResponseFormat.JsonSchema(null, Fixtures.object("{\"type\":\"object\"}"), false))
                        .build(), "m", OpenAiDialect.GENERIC, false).get("response_format"))
                .isEqualTo(Fixtures.tree("""
                        {"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object"}}}"""));
    }

    @Test
    void toolChoices() {
        List<ToolDefinition> tools = List.of(new ToolDefinition("f", null, Fixtures.object("{\"type\":\"object\"}"), false));
        assertThat(choice(tools, ToolChoice.AUTO)).isEqualTo(Fixtures.tree("""
                {"tool_choice":"auto"}"""));
        assertThat(choice(tools, new ToolChoice.None())).isEqualTo(Fixtures.tree("""
                {"tool_choice":"none"}"""));
        assertThat(choice(tools, new ToolChoice.Required(false))).isEqualTo(Fixtures.tree("""
                {"tool_choice":"required","parallel_tool_calls":false}"""));
        assertThat(choice(tools, new ToolChoice.Named("f"))).isEqualTo(Fixtures.tree("""
                {"tool_choice":{"type":"function","function":{"name":"f"}}}"""));
        assertThat(choice(tools, null)).isEqualTo(Fixtures.tree("{}"));
        // a tool choice without tools is refused by OpenAI: it is left out
        assertThat(choice(List.of(), new ToolChoice.Required(true))).isEqualTo(Fixtures.tree("{}"));
    }

    private static JsonNode choice(List<ToolDefinition> tools, ToolChoice choice) {
        com.fasterxml.jackson.databind.node.ObjectNode wire = (com.fasterxml.jackson.databind.node.ObjectNode)
                wire(ChatRequest.builder("m").user("Hi").tools(tools, choice).build(), "m", OpenAiDialect.OPENAI, false);
        wire.remove(List.of("model", "messages", "tools"));
        return wire;
    }

    // ---- responses ----

    @Test
    void textResponseWithCachedTokens() {
        ChatResponse response = response("response-text.json");
        assertThat(response.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assertThat(response.model()).isEqualTo("gpt-4.1-2025-04-14");
        assertThat(response.content()).containsExactly(ContentPart.Text.of("Hello! How can I assist you today?"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.nativeFinishReason()).isEqualTo("stop");
        assertThat(response.usage()).isEqualTo(new Usage(1119, 10, 1024, 0, 0));
    }

    @Test
    void toolCallResponse() {
        ChatResponse response = response("response-tool-calls.json");
        assertThat(response.content()).containsExactly(
                new ContentPart.ToolCall("call_abc123", "get_current_weather", "{\n\"location\": \"Boston, MA\"\n}"),
                new ContentPart.ToolCall("call_def456", "get_local_time", "{\"timezone\": \"America/New_York\"}"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.usage()).isEqualTo(new Usage(82, 17, 0, 0, 0));
    }

    @Test
    void reasoningTokensOfAnOSeriesModelCutByLength() {
        ChatResponse response = response("response-reasoning-o-series.json");
        assertThat(response.text()).isEqualTo("The answer is 42.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.usage()).isEqualTo(new Usage(24, 1480, 0, 0, 1408));
    }

    @Test
    void refusalIsKeptAsText() {
        ChatResponse response = response("response-refusal.json");
        assertThat(response.content()).containsExactly(ContentPart.Text.of("I'm sorry, I can't help with that request."));
        assertThat(response.usage()).isEqualTo(new Usage(30, 10, 0, 0, 0));
    }

    @Test
    void deepSeekReasoningContent() {
        ChatResponse response = response("response-deepseek-reasoner.json");
        assertThat(response.content()).containsExactly(
                ContentPart.Reasoning.of("Compare the tenths: 1 < 8, so 9.11 < 9.8."),
                ContentPart.Text.of("9.11 is smaller than 9.8."));
        assertThat(response.usage()).isEqualTo(new Usage(17, 120, 0, 0, 96));
    }

    @Test
    void deepSeekCacheHitsWithoutPromptTokenDetails() {
        assertThat(response("response-deepseek-cache-hit.json").usage()).isEqualTo(new Usage(2100, 2, 1920, 0, 0));
    }

    @Test
    void groqReasoningField() {
        ChatResponse response = response("response-groq-reasoning.json");
        assertThat(response.content()).containsExactly(
                ContentPart.Reasoning.of("The user asks for the capital of France. That is Paris."),
                ContentPart.Text.of("Paris."));
        assertThat(response.usage()).isEqualTo(new Usage(15, 40, 0, 0, 0));
    }

    @Test
    void mistralContentPartsWithThinking() {
        ChatResponse response = response("response-mistral-thinking.json");
        assertThat(response.content()).containsExactly(
                ContentPart.Reasoning.of("Two plus two is four."), ContentPart.Text.of("4"));
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.nativeFinishReason()).isEqualTo("model_length");
    }

    @Test
    void noChoicesIsMalformed() {
        assertThatThrownBy(() -> response("response-no-choices.json"))
                .isInstanceOfSatisfying(UpstreamError.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE));
        assertThatThrownBy(() -> OpenAiCodec.decodeResponse(Fixtures.tree("{\"choices\":\"nope\"}")))
                .isInstanceOfSatisfying(UpstreamError.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.MALFORMED_RESPONSE));
    }

    @Test
    void toolCallsWithoutIdsGetOne() {
        ChatResponse response = OpenAiCodec.fromWire(OpenAiCodec.decodeResponse(Fixtures.tree("""
                {"id":"x","model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant",
                 "content":"","tool_calls":[{"type":"function","function":{"name":"f","arguments":{"a":1}}}]}}]}""")));
        ContentPart.ToolCall call = response.toolCalls().getFirst();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.arguments()).isEqualTo("{\"a\":1}");
        // "stop" after tool calls (Gemini's compatibility layer) is a tool-call stop
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.nativeFinishReason()).isEqualTo("stop");
        assertThat(response.usage()).isEqualTo(Usage.NONE);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "stop, STOP", "length, LENGTH", "tool_calls, TOOL_CALLS", "function_call, TOOL_CALLS",
            "content_filter, CONTENT_FILTER", "eos, STOP", "model_length, LENGTH", "error, ERROR", "abort, ERROR",
            "something_new, STOP", "null, STOP"})
    void finishReasons(String nativeReason, FinishReason expected) {
        assertThat(OpenAiCodec.finishReason(nativeReason, false)).isEqualTo(expected);
        ChatResponse response = OpenAiCodec.fromWire(OpenAiCodec.decodeResponse(Fixtures.tree(
                "{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"a\"},"
                        + "\"finish_reason\":" + (nativeReason == null ? "null" : "\"" + nativeReason + "\"") + "}]}")));
        assertThat(response.finishReason()).isEqualTo(expected);
        assertThat(response.nativeFinishReason()).isEqualTo(nativeReason);
    }
}
