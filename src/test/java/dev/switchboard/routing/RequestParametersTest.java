package dev.switchboard.routing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.ResponseFormat;
import dev.switchboard.llm.Role;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestParametersTest {

    @Test
    void aPlainRequestUsesNothing() {
        ChatRequest chat = ChatRequest.builder("m").user("hi").build();
        assertThat(RequestParameters.of(chat)).isEmpty();
        assertThat(RequestParameters.usesImages(chat)).isFalse();
    }

    @Test
    void everyParameterInTheCatalogsWords() {
        ToolDefinition tool = new ToolDefinition("f", "d", JsonNodeFactory.instance.objectNode(), false);
        ChatRequest chat = new ChatRequest("m", null, List.of(ChatMessage.user("hi")), List.of(tool), ToolChoice.AUTO,
                100, 0.5, 0.9, 40, List.of("END"), 7L, 0.1, 0.2,
                new ResponseFormat.JsonSchema("s", JsonNodeFactory.instance.objectNode(), true),
                new ReasoningOptions(ReasoningOptions.Effort.LOW, null, false), null, null);
        assertThat(RequestParameters.of(chat)).containsExactly("tools", "tool_choice", "temperature", "top_p",
                "top_k", "stop", "max_tokens", "response_format", "structured_outputs", "seed", "frequency_penalty",
                "presence_penalty", "reasoning");
    }

    @Test
    void jsonObjectIsResponseFormatOnlyAndTextIsNothing() {
        assertThat(RequestParameters.of(ChatRequest.builder("m").user("x")
                .responseFormat(new ResponseFormat.JsonObject()).build())).containsExactly("response_format");
        assertThat(RequestParameters.of(ChatRequest.builder("m").user("x")
                .responseFormat(new ResponseFormat.Text()).build())).isEmpty();
    }

    @Test
    void imagesAnywhereInTheConversation() {
        ChatRequest inMessage = ChatRequest.builder("m").message(new ChatMessage(Role.USER,
                List.of(ContentPart.Text.of("what is it"), ContentPart.Image.fromUrl("https://x/y.png")))).build();
        assertThat(RequestParameters.usesImages(inMessage)).isTrue();
        ChatRequest inToolResult = ChatRequest.builder("m").message(new ChatMessage(Role.USER,
                List.of(new ContentPart.ToolResult("c1", List.of(ContentPart.Image.inline("image/png", "AAAA")),
                        false)))).build();
        assertThat(RequestParameters.usesImages(inToolResult)).isTrue();
    }
}
