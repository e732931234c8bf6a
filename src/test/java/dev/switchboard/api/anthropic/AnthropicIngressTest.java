package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.ProxyException;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.ResponseFormat;
import dev.switchboard.llm.Role;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;
import dev.switchboard.testing.FixtureFiles;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AnthropicIngressTest {

    static final FixtureFiles FIXTURES = new FixtureFiles("anthropic-in");

    static ObjectNode fixture(String name) {
        return (ObjectNode) FixtureFiles.tree(FIXTURES.text(name));
    }

    static ObjectNode base() {
        return (ObjectNode) FixtureFiles.tree("""
                {"model": "anthropic/claude-sonnet-4", "max_tokens": 1024,
                 "messages": [{"role": "user", "content": "Hi"}]}""");
    }

    @Test
    void fullRequestMapsEveryField() {
        ObjectNode body = fixture("request-full.json");
        ProxyRequest parsed = AnthropicIngress.parse(body);
        ChatRequest chat = parsed.chat();

        assertThat(parsed.stream()).isTrue();
        assertThat(parsed.includeUsage()).isTrue();
        assertThat(parsed.body()).isSameAs(body);
        assertThat(parsed.routing().model()).isEqualTo("anthropic/claude-sonnet-4:amazon-bedrock");
        assertThat(chat.model()).isEqualTo("anthropic/claude-sonnet-4:amazon-bedrock");
        assertThat(chat.maxTokens()).isEqualTo(4096);

        assertThat(chat.system()).containsExactly(new ContentPart.Text("You are a weather assistant.", true),
                new ContentPart.Text("Answer briefly.", false));

        assertThat(chat.messages()).hasSize(3);
        ChatMessage first = chat.messages().get(0);
        assertThat(first.role()).isEqualTo(Role.USER);
        assertThat(first.content()).containsExactly(
                ContentPart.Text.of("What is on this picture, and the weather in Paris?"),
                ContentPart.Image.inline("image/png", "iVBORw0KGgo="),
                ContentPart.Image.fromUrl("https://example.com/cat.jpg"));

        ChatMessage second = chat.messages().get(1);
        assertThat(second.role()).isEqualTo(Role.ASSISTANT);
        assertThat(second.content()).hasSize(5);
        assertThat(second.content().get(0))
                .isEqualTo(new ContentPart.Reasoning("The user wants the weather.", "EqQBCgIYAhIM", null));
        assertThat(second.content().get(1)).isEqualTo(new ContentPart.Reasoning("", null, "EmwKAhgBEgy3va3pzix"));
        assertThat(second.content().get(2)).isEqualTo(ContentPart.Text.of("Let me check."));
        ContentPart.ToolCall call = (ContentPart.ToolCall) second.content().get(3);
        assertThat(call.id()).isEqualTo("toolu_01");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(FixtureFiles.tree(call.arguments()))
                .isEqualTo(FixtureFiles.tree("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
        assertThat(second.content().get(4)).isEqualTo(new ContentPart.ToolCall("toolu_02", "get_time", "{}"));

        ChatMessage third = chat.messages().get(2);
        assertThat(third.content()).containsExactly(
                new ContentPart.ToolResult("toolu_01", List.of(ContentPart.Text.of("18°C, sunny")), false),
                new ContentPart.ToolResult("toolu_02", List.of(ContentPart.Text.of("clock unavailable"),
                        ContentPart.Image.inline("image/jpeg", "/9j/4AAQ")), true),
                new ContentPart.Text("Thanks!", true));

        assertThat(chat.tools()).extracting(ToolDefinition::name).containsExactly("get_weather", "get_time");
        assertThat(chat.tools().get(0).description()).isEqualTo("The weather in a city");
        assertThat(chat.tools().get(0).parameters().path("required").get(0).asText()).isEqualTo("city");
        assertThat(chat.tools().get(0).strict()).isFalse();
        assertThat(chat.tools().get(1).description()).isNull();
        assertThat(chat.tools().get(1).strict()).isTrue();
        assertThat(chat.toolChoice()).isEqualTo(new ToolChoice.Auto(false));

        assertThat(chat.stop()).containsExactly("\n\nHuman:", "END");
        assertThat(chat.temperature()).isEqualTo(1.0);
        assertThat(chat.topP()).isEqualTo(0.95);
        assertThat(chat.topK()).isEqualTo(40);
        assertThat(chat.reasoning()).isEqualTo(new ReasoningOptions(null, 2048, false));
        assertThat(chat.user()).isEqualTo("user-42");
        assertThat(chat.seed()).isNull();
        assertThat(chat.responseFormat()).isNull();
    }

    @Test
    void minimalRequestWithStringContentAndEmptyFinalAssistantPrefill() {
        ProxyRequest parsed = AnthropicIngress.parse(fixture("request-minimal.json"));
        ChatRequest chat = parsed.chat();

        assertThat(parsed.stream()).isFalse();
        assertThat(chat.system()).isEmpty();
        assertThat(chat.messages()).containsExactly(ChatMessage.user("Hello"),
                ChatMessage.assistant("Hi! How can I help?"), ChatMessage.user("Tell me a joke"),
                new ChatMessage(Role.ASSISTANT, List.of()));
        assertThat(chat.tools()).isEmpty();
        assertThat(chat.toolChoice()).isNull();
        assertThat(chat.stop()).isEmpty();
        assertThat(chat.temperature()).isNull();
        assertThat(chat.topP()).isNull();
        assertThat(chat.topK()).isNull();
        assertThat(chat.reasoning()).isNull();
        assertThat(chat.user()).isNull();
    }

    @Test
    void systemAsAStringAndIntegralDoubleMaxTokens() {
        ObjectNode body = base();
        body.put("system", "Be brief.");
        body.put("max_tokens", 1024.0);
        body.putNull("temperature");
        body.put("stream", false);
        ChatRequest chat = AnthropicIngress.parse(body).chat();
        assertThat(chat.system()).containsExactly(ContentPart.Text.of("Be brief."));
        assertThat(chat.maxTokens()).isEqualTo(1024);
        assertThat(chat.temperature()).isNull();
    }

    @Test
    void thinkingDisabledMeansNoReasoning() {
        ObjectNode body = base();
        body.putObject("thinking").put("type", "disabled");
        assertThat(AnthropicIngress.parse(body).chat().reasoning()).isNull();
    }

    @Test
    void emptyThinkingSignatureReadsAsUnsignedReasoning() {
        ObjectNode body = base();
        body.set("messages", FixtureFiles.tree("""
                [{"role": "user", "content": "hi"},
                 {"role": "assistant", "content": [{"type": "thinking", "thinking": "hmm", "signature": ""},
                                                   {"type": "text", "text": "Hello"}]},
                 {"role": "user", "content": "and?"}]"""));
        assertThat(AnthropicIngress.parse(body).chat().messages().get(1).content().get(0))
                .isEqualTo(ContentPart.Reasoning.of("hmm"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"type": "auto"}                                         | Auto[parallel=true]
            {"type": "any"}                                          | Required[parallel=true]
            {"type": "any", "disable_parallel_tool_use": true}       | Required[parallel=false]
            {"type": "tool", "name": "get_weather"}                  | Named[name=get_weather]
            {"type": "none"}                                         | None[]
            """)
    void toolChoices(String choice, String expected) {
        ObjectNode body = base();
        body.set("tools", FixtureFiles.tree("[{\"name\": \"get_weather\", \"input_schema\": {\"type\": \"object\"}}]"));
        body.set("tool_choice", FixtureFiles.tree(choice));
        assertThat(AnthropicIngress.parse(body).chat().toolChoice().toString()).isEqualTo(expected);
    }

    @Test
    void toolChoiceNoneNeedsNoTools() {
        ObjectNode body = base();
        body.set("tool_choice", FixtureFiles.tree("{\"type\": \"none\"}"));
        assertThat(AnthropicIngress.parse(body).chat().toolChoice()).isEqualTo(new ToolChoice.None());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            output_config | {"format": {"type": "json_schema", "schema": {"type": "object"}}}
            output_format | {"type": "json_schema", "schema": {"type": "object"}}
            """)
    void structuredOutputsAreAStrictSchema(String field, String value) {
        ObjectNode body = base();
        body.set(field, FixtureFiles.tree(value));
        assertThat(AnthropicIngress.parse(body).chat().responseFormat()).isEqualTo(
                new ResponseFormat.JsonSchema(null, (ObjectNode) FixtureFiles.tree("{\"type\": \"object\"}"), true));
    }

    @Test
    void nullBodyIsA400() {
        assertThatThrownBy(() -> AnthropicIngress.parse(null)).isInstanceOf(ProxyException.class)
                .hasMessageContaining("JSON object");
    }

    static Stream<Arguments> invalidRequests() {
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode c : FixtureFiles.tree(FIXTURES.text("invalid-requests.json"))) {
            ObjectNode body = base();
            c.path("remove").forEach(f -> body.remove(f.asText()));
            c.path("set").properties().forEach(e -> body.set(e.getKey(), e.getValue()));
            cases.add(Arguments.of(Named.of(c.get("name").asText(), body), c.get("param").asText(),
                    c.get("message").asText()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void invalidRequestsAreA400NamingTheField(ObjectNode body, String param, String message) {
        ProxyException e = catchThrowableOfType(ProxyException.class, () -> AnthropicIngress.parse(body));
        assertThat(e).as("a ProxyException").isNotNull();
        assertThat(e.error().type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        assertThat(e.error().param()).isEqualTo(param);
        assertThat(e.error().message()).startsWith(param + ": ").contains(message);
    }
}
