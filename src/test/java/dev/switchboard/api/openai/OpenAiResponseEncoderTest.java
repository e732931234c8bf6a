package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.Served;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiResponseEncoderTest {

    static final Served SERVED = new Served("gen-123", "anthropic/claude-sonnet-4", "amazon-bedrock", 1750000000L,
            new BigDecimal("0.000825"));

    static JsonNode encode(ChatResponse response, Served served, boolean excludeReasoning) {
        return Fixtures.tree(OpenAiResponseEncoder.encode(response, served, excludeReasoning));
    }

    @Test
    void toolCallsWithReasoningAndCost() {
        ChatResponse response = new ChatResponse("upstream-id", "upstream-model", List.of(
                ContentPart.Reasoning.of("Need the weather."),
                new ContentPart.ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                new ContentPart.ToolCall("call_2", "now", "")),
                FinishReason.TOOL_CALLS, "tool_use", new Usage(120, 30, 100, 0, 10));
        assertThat(encode(response, SERVED, false)).isEqualTo(Fixtures.json("response-tools.json"));
    }

    @Test
    void textAnswerWithoutCostOrReasoning() {
        ChatResponse response = new ChatResponse("x", "y", List.of(ContentPart.Text.of("Hel"),
                ContentPart.Text.of("lo")), FinishReason.STOP, "end_turn", new Usage(5, 2, 0, 0, 0));
        JsonNode json = encode(response, SERVED.withCost(null), false);
        JsonNode message = json.at("/choices/0/message");
        assertThat(message.get("content").asText()).isEqualTo("Hello");
        assertThat(message.has("reasoning")).isFalse();
        assertThat(message.has("tool_calls")).isFalse();
        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(json.get("usage").has("cost")).isFalse();
        assertThat(json.at("/usage/total_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void excludedReasoningIsLeftOutAndAnEmptyAnswerHasEmptyContent() {
        ChatResponse response = new ChatResponse("x", "y", List.of(ContentPart.Reasoning.of("secret")),
                FinishReason.LENGTH, "max_tokens", null);
        JsonNode json = encode(response, SERVED, true);
        assertThat(json.at("/choices/0/message").has("reasoning")).isFalse();
        assertThat(json.at("/choices/0/message/content").asText()).isEmpty();
        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(json.at("/usage/prompt_tokens").asInt()).isZero();
    }

    @Test
    void textAndToolCallsTogetherKeepTheText() {
        ChatResponse response = new ChatResponse("x", "y", List.of(ContentPart.Text.of("Let me check."),
                new ContentPart.ToolCall("c", "f", "{}")), FinishReason.TOOL_CALLS, null, Usage.NONE);
        JsonNode message = encode(response, SERVED, false).at("/choices/0/message");
        assertThat(message.get("content").asText()).isEqualTo("Let me check.");
        assertThat(message.at("/tool_calls/0/function/name").asText()).isEqualTo("f");
    }

    @Test
    void tinyCostsAreWrittenAsPlainDecimals() {
        ChatResponse response = new ChatResponse("x", "y", List.of(ContentPart.Text.of("a")), FinishReason.STOP,
                null, Usage.NONE);
        String json = new String(OpenAiResponseEncoder.encode(response, SERVED.withCost(new BigDecimal("1.2E-7")),
                false), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"cost\":0.00000012");
    }

    @ParameterizedTest
    @CsvSource({"STOP,stop", "LENGTH,length", "TOOL_CALLS,tool_calls", "CONTENT_FILTER,content_filter",
            "ERROR,error"})
    void finishReasons(FinishReason reason, String expected) {
        ChatResponse response = new ChatResponse("x", "y", List.of(ContentPart.Text.of("a")), reason, null,
                Usage.NONE);
        assertThat(encode(response, SERVED, false).at("/choices/0/finish_reason").asText()).isEqualTo(expected);
    }
}
