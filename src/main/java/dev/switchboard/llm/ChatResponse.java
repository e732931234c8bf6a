package dev.switchboard.llm;

import java.util.List;

/** A whole answer: its parts in order, why it stopped (normalised and as the provider said it), and its usage. */
public record ChatResponse(
        String id,
        String model,
        List<ContentPart> content,
        FinishReason finishReason,
        String nativeFinishReason,
        Usage usage) {

    public ChatResponse {
        content = List.copyOf(content);
    }

    /** All text parts joined. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    public List<ContentPart.ToolCall> toolCalls() {
        return content.stream().filter(ContentPart.ToolCall.class::isInstance).map(ContentPart.ToolCall.class::cast)
                .toList();
    }
}
