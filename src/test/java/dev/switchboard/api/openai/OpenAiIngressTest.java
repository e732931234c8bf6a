package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.ProxyException;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.ReasoningOptions.Effort;
import dev.switchboard.llm.ResponseFormat;
import dev.switchboard.llm.Role;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class OpenAiIngressTest {

    static ProxyRequest parse(String json) {
        return OpenAiIngress.parse(Fixtures.object(json));
    }

    static ProxyError error(ObjectNode body) {
        ProxyException e = catchThrowableOfType(ProxyException.class, () -> OpenAiIngress.parse(body));
        assertThat(e).as("a ProxyException for " + body).isNotNull();
        return e.error();
    }

    @Test
    void minimalRequest() {
        ObjectNode body = (ObjectNode) Fixtures.json("request-minimal.json");
        ProxyRequest request = OpenAiIngress.parse(body);
        ChatRequest chat = request.chat();
        assertThat(chat.model()).isEqualTo("openai/gpt-4.1");
        assertThat(chat.system()).isEmpty();
        assertThat(chat.messages()).containsExactly(ChatMessage.user("Hi"));
        assertThat(chat.tools()).isEmpty();
        assertThat(chat.toolChoice()).isNull();
        assertThat(chat.maxTokens()).isNull();
        assertThat(chat.temperature()).isNull();
        assertThat(chat.stop()).isEmpty();
        assertThat(chat.responseFormat()).isNull();
        assertThat(chat.reasoning()).isNull();
        assertThat(request.stream()).isFalse();
        assertThat(request.includeUsage()).isFalse();
        assertThat(request.routing().model()).isEqualTo("openai/gpt-4.1");
        assertThat(request.routing().allowFallbacks()).isTrue();
        assertThat(request.body()).isSameAs(body);
    }

    @Test
    void fullRequestMapsEveryField() {
        ObjectNode body = (ObjectNode) Fixtures.json("request-full.json");
        ProxyRequest request = OpenAiIngress.parse(body);
        ChatRequest chat = request.chat();

        assertThat(chat.model()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(request.routing().model()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(chat.system()).containsExactly(ContentPart.Text.of("You are terse."),
                new ContentPart.Text("Use metric units.", true));
        assertThat(chat.messages()).containsExactly(
                new ChatMessage(Role.USER, List.of(
                        ContentPart.Text.of("What is in this picture, and the weather in Paris?"),
                        ContentPart.Image.fromUrl("https://example.com/cat.png"),
                        ContentPart.Image.inline("image/jpeg", "/9j/4AAQ"))),
                new ChatMessage(Role.ASSISTANT, List.of(
                        new ContentPart.ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                        new ContentPart.ToolCall("call_2", "describe_image", "{}"))),
                new ChatMessage(Role.USER, List.of(
                        new ContentPart.ToolResult("call_1", List.of(ContentPart.Text.of("18 C, sunny")), false),
                        new ContentPart.ToolResult("call_2", List.of(ContentPart.Text.of("A cat.")), false))),
                ChatMessage.assistant("It is a cat; Paris is 18 C and sunny."),
                ChatMessage.user("Thanks!"));

        assertThat(chat.tools()).containsExactly(
                new ToolDefinition("get_weather", "Weather for a city", (ObjectNode) Fixtures.object("""
                        {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}"""),
                        true),
                new ToolDefinition("describe_image", null, null, false));
        assertThat(chat.toolChoice()).isEqualTo(new ToolChoice.Named("get_weather"));
        assertThat(chat.maxTokens()).as("max_completion_tokens wins over max_tokens").isEqualTo(200);
        assertThat(chat.temperature()).isEqualTo(0.7);
        assertThat(chat.topP()).isEqualTo(0.9);
        assertThat(chat.topK()).isEqualTo(40);
        assertThat(chat.frequencyPenalty()).isEqualTo(0.5);
        assertThat(chat.presencePenalty()).isEqualTo(-0.5);
        assertThat(chat.seed()).isEqualTo(42L);
        assertThat(chat.stop()).containsExactly("END", "STOP");
        assertThat(chat.responseFormat()).isEqualTo(new ResponseFormat.JsonSchema("answer",
                Fixtures.object("{\"type\": \"object\", \"properties\": {\"text\": {\"type\": \"string\"}}}"),
                true));
        assertThat(chat.reasoning()).isEqualTo(new ReasoningOptions(Effort.HIGH, null, false));
        assertThat(chat.user()).isEqualTo("user-123");
        assertThat(chat.metadata()).isEqualTo(Map.of("team", "search", "run", "7"));
        assertThat(request.stream()).isTrue();
        assertThat(request.includeUsage()).isTrue();
        assertThat(request.body()).as("routing extensions stay in the body").isSameAs(body);
        assertThat(request.body().path("provider").path("order").get(0).asText()).isEqualTo("anthropic");
    }

    static Stream<Arguments> invalidRequests() {
        JsonNode cases = Fixtures.json("invalid-requests.json");
        return StreamSupport.stream(cases.spliterator(), false).map(c -> Arguments.of(c.get("case").asText(),
                c.get("body"), c.get("param").asText(), c.get("message").asText()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void invalidRequestIsA400NamingTheField(String name, ObjectNode body, String param, String message) {
        ProxyError error = error(body);
        assertThat(error.type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.message()).contains(message).contains(param);
    }

    @Test
    void consecutiveToolResultsMergeButAUserMessageAfterThemStaysApart() {
        ChatRequest chat = parse("""
                {"model": "m", "messages": [
                  {"role": "user", "content": "Go"},
                  {"role": "assistant", "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}},
                                                       {"id": "b", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                  {"role": "tool", "tool_call_id": "a", "content": "1"},
                  {"role": "tool", "tool_call_id": "b", "content": "2"},
                  {"role": "user", "content": "And?"},
                  {"role": "tool", "tool_call_id": "c", "content": "3"}]}""").chat();
        assertThat(chat.messages()).extracting(ChatMessage::role)
                .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.USER, Role.USER);
        assertThat(chat.messages().get(2).content()).containsExactly(
                new ContentPart.ToolResult("a", List.of(ContentPart.Text.of("1")), false),
                new ContentPart.ToolResult("b", List.of(ContentPart.Text.of("2")), false));
        assertThat(chat.messages().get(4).content()).containsExactly(
                new ContentPart.ToolResult("c", List.of(ContentPart.Text.of("3")), false));
    }

    @Test
    void assistantTextPartsRefusalsAndEmptyContentAndOmittedArguments() {
        ChatRequest chat = parse("""
                {"model": "m", "messages": [
                  {"role": "user", "content": "Hi"},
                  {"role": "assistant", "content": [{"type": "text", "text": "A"}, {"type": "refusal", "refusal": "No."}],
                   "tool_calls": [{"id": "x", "function": {"name": "f"}}]},
                  {"role": "user", "content": "Hm"},
                  {"role": "assistant", "content": ""},
                  {"role": "user", "content": "Hm?"}]}""").chat();
        assertThat(chat.messages().get(1).content()).containsExactly(ContentPart.Text.of("A"),
                ContentPart.Text.of("No."), new ContentPart.ToolCall("x", "f", "{}"));
        assertThat(chat.messages().get(3)).isEqualTo(ChatMessage.assistant(""));
    }

    @Test
    void imageUrlAsABareStringAndDataUrlWithExtraAttributes() {
        ChatRequest chat = parse("""
                {"model": "m", "messages": [{"role": "user", "content": [
                  {"type": "image_url", "image_url": "https://x.test/a.webp"},
                  {"type": "image_url", "image_url": {"url": "data:image/PNG;charset=utf-8;base64,iVBOR"}}]}]}""")
                .chat();
        assertThat(chat.messages().getFirst().content()).containsExactly(ContentPart.Image.fromUrl(
                "https://x.test/a.webp"), ContentPart.Image.inline("image/png", "iVBOR"));
    }

    @Test
    void systemMessagesAnywhereJoinTheSystemPromptAndEmptyOnesAreDropped() {
        ChatRequest chat = parse("""
                {"model": "m", "messages": [
                  {"role": "system", "content": ""},
                  {"role": "user", "content": "Hi"},
                  {"role": "developer", "content": "Later rule"}]}""").chat();
        assertThat(chat.system()).containsExactly(ContentPart.Text.of("Later rule"));
        assertThat(chat.messages()).containsExactly(ChatMessage.user("Hi"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "tool_choice": "auto"                            | AUTO_PARALLEL
            "tool_choice": "auto", "parallel_tool_calls": false | AUTO_SERIAL
            "tool_choice": "required"                        | REQUIRED_PARALLEL
            "tool_choice": "required", "parallel_tool_calls": false | REQUIRED_SERIAL
            "tool_choice": "none"                            | NONE
            "parallel_tool_calls": false                     | AUTO_SERIAL
            "tool_choice": null                              | AUTO_PARALLEL
            """)
    void toolChoices(String fields, String expected) {
        ToolChoice choice = parse("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                 "tools": [{"type": "function", "function": {"name": "f"}}], %s}""".formatted(fields))
                .chat().toolChoice();
        assertThat(choice).isEqualTo(switch (expected) {
            case "AUTO_PARALLEL" -> new ToolChoice.Auto(true);
            case "AUTO_SERIAL" -> new ToolChoice.Auto(false);
            case "REQUIRED_PARALLEL" -> new ToolChoice.Required(true);
            case "REQUIRED_SERIAL" -> new ToolChoice.Required(false);
            case "NONE" -> new ToolChoice.None();
            default -> throw new IllegalArgumentException(expected);
        });
    }

    @Test
    void toolChoiceWithoutToolsMeansNothing() {
        assertThat(parse("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "tool_choice": "none"}""")
                .chat().toolChoice()).isNull();
        assertThat(parse("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "tool_choice": "auto"}""")
                .chat().toolChoice()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "reasoning_effort": "minimal"                                  | MINIMAL |      | false
            "reasoning_effort": "low"                                      | LOW     |      | false
            "reasoning_effort": "MEDIUM"                                   | MEDIUM  |      | false
            "reasoning": {"effort": "high"}                                | HIGH    |      | false
            "reasoning_effort": "low", "reasoning": {"effort": "high"}     | HIGH    |      | false
            "reasoning": {"max_tokens": 2048}                              |         | 2048 | false
            "reasoning_effort": "low", "reasoning": {"max_tokens": 2048}   |         | 2048 | false
            "reasoning": {"enabled": true}                                 | MEDIUM  |      | false
            "reasoning_effort": "low", "reasoning": {"enabled": true}      | LOW     |      | false
            "reasoning": {"effort": "low", "exclude": true}                | LOW     |      | true
            "reasoning": {"exclude": true}                                 |         |      | true
            "include_reasoning": false                                     |         |      | true
            "include_reasoning": false, "reasoning": {"exclude": false}    |         |      | false
            "include_reasoning": true                                      |         |      | false
            "reasoning": {"enabled": false}                                |         |      | false
            "reasoning": {}                                                |         |      | false
            """)
    void reasoningOptions(String fields, Effort effort, Integer budget, boolean exclude) {
        ReasoningOptions reasoning = parse("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], %s}""".formatted(fields))
                .chat().reasoning();
        if (effort == null && budget == null && !exclude) {
            assertThat(reasoning).isNull();
        } else {
            assertThat(reasoning).isEqualTo(new ReasoningOptions(effort, budget, exclude));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "max_tokens": 10                                  | 10
            "max_completion_tokens": 20                       | 20
            "max_tokens": 10, "max_completion_tokens": 20     | 20
            "max_tokens": 10, "max_completion_tokens": null   | 10
            "max_tokens": 100.0                               | 100
            """)
    void maxTokens(String fields, int expected) {
        assertThat(parse("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], %s}""".formatted(fields))
                .chat().maxTokens()).isEqualTo(expected);
    }

    @Test
    void responseFormatsStopAsAStringTopKZeroAndNullsAsAbsent() {
        ChatRequest text = parse("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "response_format": {"type": "text"},
                 "stop": "###", "top_k": 0, "n": 1, "temperature": null, "seed": null, "user": null}""").chat();
        assertThat(text.responseFormat()).isEqualTo(new ResponseFormat.Text());
        assertThat(text.stop()).containsExactly("###");
        assertThat(text.topK()).isNull();
        assertThat(text.temperature()).isNull();
        ChatRequest json = parse("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                 "response_format": {"type": "json_object"}}""").chat();
        assertThat(json.responseFormat()).isEqualTo(new ResponseFormat.JsonObject());
        ChatRequest schema = parse("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                 "response_format": {"type": "json_schema", "json_schema": {"name": "s"}}}""").chat();
        assertThat(schema.responseFormat()).isEqualTo(new ResponseFormat.JsonSchema("s", null, false));
    }

    @Test
    void streamWithoutStreamOptionsDoesNotAskForUsage() {
        ProxyRequest request = parse("""
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "stream": true}""");
        assertThat(request.stream()).isTrue();
        assertThat(request.includeUsage()).isFalse();
    }

    @Test
    void nullBodyIsA400() {
        ProxyException e = catchThrowableOfType(ProxyException.class, () -> OpenAiIngress.parse(null));
        assertThat(e.error().status()).isEqualTo(400);
    }

    /** Every kind of JSON value in every field: only ProxyExceptions may come out, never a Jackson error or NPE. */
    @Test
    void noWrongTypeEscapesAsAnythingButA400() {
        List<String> values = List.of("null", "1", "-1", "1.5", "\"x\"", "true", "[]", "{}", "[null]", "[1]", "[{}]",
                "{\"type\":null}", "[\"x\"]");
        List<String> fields = List.of("model", "messages", "tools", "tool_choice", "parallel_tool_calls",
                "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "frequency_penalty",
                "presence_penalty", "seed", "stop", "n", "response_format", "reasoning_effort", "reasoning",
                "include_reasoning", "user", "metadata", "stream", "stream_options");
        List<String> messageFields = List.of("role", "content", "tool_calls", "tool_call_id", "name");
        int checked = 0;
        for (String value : values) {
            for (String field : fields) {
                ObjectNode body = Fixtures.object("""
                        {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "%s": %s}"""
                        .formatted(field, value));
                checked += parsesOrIsA400(body);
            }
            for (String role : List.of("user", "assistant", "tool", "system")) {
                for (String field : messageFields) {
                    ObjectNode body = Fixtures.object("""
                            {"model": "m", "messages": [{"role": "%s", "content": "Hi", "tool_call_id": "c",
                              "%s": %s}]}""".formatted(role, field, value));
                    checked += parsesOrIsA400(body);
                }
                for (String part : List.of("{\"type\":\"text\",\"text\":%s}", "{\"type\":\"image_url\",\"image_url\":%s}",
                        "{\"type\":\"image_url\",\"image_url\":{\"url\":%s}}", "%s")) {
                    ObjectNode body = Fixtures.object("""
                            {"model": "m", "messages": [{"role": "%s", "tool_call_id": "c", "content": [%s]}]}"""
                            .formatted(role, part.formatted(value)));
                    checked += parsesOrIsA400(body);
                }
            }
        }
        assertThat(checked).isGreaterThan(500);
    }

    private static int parsesOrIsA400(ObjectNode body) {
        try {
            OpenAiIngress.parse(body);
        } catch (ProxyException e) {
            assertThat(e.error().status()).as(body.toString()).isEqualTo(400);
            assertThat(e.error().message()).as(body.toString())
                    .doesNotContain("could not be read as a Chat Completions request");
        }
        return 1;
    }
}
