package dev.switchboard.llm;

import java.util.List;

/** One turn of the conversation. Tool results travel in USER messages, tool calls in ASSISTANT ones. */
public record ChatMessage(Role role, List<ContentPart> content) {

    public ChatMessage {
        content = List.copyOf(content);
    }

    public static ChatMessage user(String text) {
        return new ChatMessage(Role.USER, List.of(ContentPart.Text.of(text)));
    }

    public static ChatMessage assistant(String text) {
        return new ChatMessage(Role.ASSISTANT, List.of(ContentPart.Text.of(text)));
    }
}
