package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ChatRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code prefix: true} mark a continuation puts on its final assistant message, and only there. */
class OpenAiPrefixTest {

    private static JsonNode wire(ChatRequest request, boolean prefill) {
        return Fixtures.tree(new String(OpenAiCodec.encode(OpenAiCodec.toWire(request, "m", OpenAiDialect.MISTRAL,
                true, prefill)), StandardCharsets.UTF_8));
    }

    @Test
    void aPrefillMarksTheFinalAssistantMessageOnly() {
        ChatRequest request = ChatRequest.builder("m").user("Hi").assistant("Hello").user("Go on")
                .assistant("Once upon a").build();
        JsonNode messages = wire(request, true).get("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(3).get("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(3).get("content").asText()).isEqualTo("Once upon a");
        assertThat(messages.get(3).get("prefix").asBoolean()).isTrue();
        assertThat(messages.get(1).has("prefix")).as("an earlier assistant turn is history").isFalse();
    }

    @Test
    void withoutAPrefillOrAFinalAssistantMessageNothingIsMarked() {
        ChatRequest endsOnAssistant = ChatRequest.builder("m").user("Hi").assistant("Hello").build();
        assertThat(wire(endsOnAssistant, false).get("messages").get(1).has("prefix")).isFalse();
        ChatRequest endsOnUser = ChatRequest.builder("m").user("Hi").build();
        assertThat(wire(endsOnUser, true).get("messages").get(0).has("prefix")).isFalse();
    }
}
