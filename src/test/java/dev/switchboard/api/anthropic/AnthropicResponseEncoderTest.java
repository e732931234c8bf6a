package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;
import dev.switchboard.testing.FixtureFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AnthropicResponseEncoderTest {

    static final Served SERVED = new Served("gen-7f3a", "anthropic/claude-sonnet-4", "amazon-bedrock", 1700000000L,
            new BigDecimal("0.004215"));

    static JsonNode tree(byte[] bytes) {
        return FixtureFiles.tree(new String(bytes, StandardCharsets.UTF_8));
    }

    static ChatResponse fullResponse() {
        return new ChatResponse("msg_upstream", "claude-sonnet-4-20250514", List.of(
                new ContentPart.Reasoning("Paris weather needed.", "EqQBsig", null),
                new ContentPart.Reasoning("", null, "EmwKredacted"),
                ContentPart.Reasoning.of("unsigned thought from another provider"),
                ContentPart.Text.of("Let me check."),
                ContentPart.Text.of(""),
                new ContentPart.ToolCall("toolu_01", "get_weather", "{\"city\":\"Paris\"}"),
                new ContentPart.ToolCall("toolu_02", "get_time", "")),
                FinishReason.TOOL_CALLS, "tool_use", new Usage(1200, 85, 1000, 150, 0));
    }

    @Test
    void wholeMessageMatchesTheFixture() {
        JsonNode body = tree(AnthropicResponseEncoder.encode(fullResponse(), SERVED, false));
        assertThat(body).isEqualTo(FixtureFiles.tree(
                new FixtureFiles("anthropic-in").text("response-full.json")));
    }

    @Test
    void excludedReasoningLeavesOnlyTextAndTools() {
        JsonNode body = tree(AnthropicResponseEncoder.encode(fullResponse(), SERVED, true));
        assertThat(body.get("content")).extracting(b -> b.get("type").asText())
                .containsExactly("text", "tool_use", "tool_use");
    }

    @Test
    void costIsLeftOutWhenUnknownAndCachedTokensNeverGoNegative() {
        ChatResponse response = new ChatResponse("x", "m", List.of(ContentPart.Text.of("hi")), FinishReason.STOP,
                "stop", new Usage(5, 1, 10, 0, 0));
        JsonNode usage = tree(AnthropicResponseEncoder.encode(response, SERVED.withCost(null), false)).get("usage");
        assertThat(usage.has("cost")).isFalse();
        assertThat(usage.get("input_tokens").asInt()).isZero();
        assertThat(usage.get("cache_read_input_tokens").asInt()).isEqualTo(10);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", textBlock = """
            STOP,           stop,                          end_turn
            STOP,           end_turn,                      end_turn
            STOP,           stop_sequence,                 stop_sequence
            STOP,           null,                          end_turn
            LENGTH,         length,                        max_tokens
            LENGTH,         model_context_window_exceeded, model_context_window_exceeded
            TOOL_CALLS,     tool_calls,                    tool_use
            CONTENT_FILTER, content_filter,                refusal
            CONTENT_FILTER, refusal,                       refusal
            ERROR,          error,                         end_turn
            null,           null,                          end_turn
            LENGTH,         end_turn,                      max_tokens
            """)
    void stopReasons(FinishReason reason, String nativeReason, String expected) {
        ChatResponse response = new ChatResponse("x", "m", List.of(ContentPart.Text.of("hi")), reason,
                nativeReason, Usage.NONE);
        JsonNode body = tree(AnthropicResponseEncoder.encode(response, SERVED, false));
        assertThat(body.get("stop_reason").asText()).isEqualTo(expected);
        assertThat(body.get("stop_sequence").isNull()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"a":1}      | {"a":1}
            '  '         | {}
            {"a":        | {"_unparsed_arguments":"{\\"a\\":"}
            [1,2]        | {"_unparsed_arguments":"[1,2]"}
            """)
    void toolArgumentsAlwaysBecomeAnObject(String arguments, String expected) {
        assertThat(AnthropicResponseEncoder.toolInput(arguments)).isEqualTo(FixtureFiles.tree(expected));
    }

    @Test
    void errorBodyUsesTheAnthropicType() {
        JsonNode body = tree(AnthropicErrorEncoder.encode(new ProxyError(ProxyErrorType.UNAVAILABLE,
                "All 2 providers of anthropic/claude-sonnet-4 are cooling down; retry in 30 s.", null, null)));
        assertThat(body).isEqualTo(FixtureFiles.tree("""
                {"type": "error", "error": {"type": "overloaded_error",
                 "message": "All 2 providers of anthropic/claude-sonnet-4 are cooling down; retry in 30 s."}}"""));
        JsonNode tooLarge = tree(AnthropicErrorEncoder.encode(
                new ProxyError(ProxyErrorType.REQUEST_TOO_LARGE, "Request exceeds 32 MB", null, null)));
        assertThat(tooLarge.at("/error/type").asText()).isEqualTo("request_too_large");
    }
}
