package dev.switchboard.llm;

import java.util.List;

/**
 * The gateway's own count of a request's input tokens, for providers without a counting API: about four characters
 * a token (what OpenAI's and Anthropic's tokenizers average on English text and code), rounded up per part, plus a
 * few tokens for each message's framing, and a fixed count per image. An estimate, and said to be one wherever it
 * is shown; never 0 for a request that has a message.
 */
public final class TokenEstimate {

    /** How the estimate is made, as the count_tokens answer names it. */
    public static final String METHOD = "chars/4";
    /** Role markers and separators around each message, as chat templates add them. */
    static final int PER_MESSAGE = 3;
    /** The reply's primer that every chat template ends with. */
    static final int PER_REQUEST = 3;
    /** An image of about a megapixel, as Anthropic prices one (width x height / 750). */
    static final int PER_IMAGE = 1600;

    private TokenEstimate() {
    }

    public static int of(ChatRequest request) {
        long tokens = PER_REQUEST;
        for (ContentPart part : request.system()) {
            tokens += part(part);
        }
        for (ChatMessage message : request.messages()) {
            tokens += PER_MESSAGE;
            for (ContentPart part : message.content()) {
                tokens += part(part);
            }
        }
        for (ToolDefinition tool : request.tools()) {
            tokens += text(tool.name()) + text(tool.description())
                    + text(tool.parameters() == null ? null : tool.parameters().toString());
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, tokens));
    }

    private static long part(ContentPart part) {
        return switch (part) {
            case ContentPart.Text t -> text(t.text());
            case ContentPart.Image i -> PER_IMAGE;
            case ContentPart.ToolCall c -> text(c.name()) + text(c.arguments());
            case ContentPart.ToolResult r -> parts(r.content());
            case ContentPart.Reasoning r -> text(r.text());
        };
    }

    private static long parts(List<ContentPart> parts) {
        long tokens = 0;
        for (ContentPart part : parts) {
            tokens += part(part);
        }
        return tokens;
    }

    /** Characters over four, rounded up: a short word is still a token. */
    static long text(String text) {
        return text == null || text.isEmpty() ? 0 : (text.length() + 3) / 4;
    }
}
