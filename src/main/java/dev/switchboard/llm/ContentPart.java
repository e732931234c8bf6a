package dev.switchboard.llm;

import java.util.List;
import java.util.Objects;

/** One piece of a message: text, an image, a tool call or its result, or the model's reasoning. */
public sealed interface ContentPart {

    /** Plain text. {@code cacheBreakpoint} asks providers that support it to cache the prompt up to here. */
    record Text(String text, boolean cacheBreakpoint) implements ContentPart {
        public Text {
            Objects.requireNonNull(text, "text");
        }

        public static Text of(String text) {
            return new Text(text, false);
        }
    }

    /**
     * An image, given inline ({@code data} base64 with its media type) or by URL (then {@code data} is null).
     * Providers that cannot fetch URLs get a clear refusal from their adapter rather than a silent drop.
     */
    record Image(String mediaType, String data, String url) implements ContentPart {
        public static Image inline(String mediaType, String base64) {
            return new Image(mediaType, base64, null);
        }

        public static Image fromUrl(String url) {
            return new Image(null, null, url);
        }

        public boolean isInline() {
            return data != null;
        }
    }

    /** The model asks for a tool to be run; {@code arguments} is a JSON object as text, exactly as produced. */
    record ToolCall(String id, String name, String arguments) implements ContentPart {
    }

    /** The result of a tool call, sent back by the caller. */
    record ToolResult(String toolCallId, List<ContentPart> content, boolean isError) implements ContentPart {
        public ToolResult {
            content = List.copyOf(content);
        }

        /** The text of the result, parts joined: what providers without structured tool results receive. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            for (ContentPart part : content) {
                if (part instanceof Text t) {
                    sb.append(t.text());
                }
            }
            return sb.toString();
        }
    }

    /**
     * The model's reasoning. {@code signature} is the provider's proof that lets the reasoning be sent back in a
     * later turn (Anthropic); {@code redacted} holds opaque encrypted reasoning that must be returned as is.
     */
    record Reasoning(String text, String signature, String redacted) implements ContentPart {
        public static Reasoning of(String text) {
            return new Reasoning(text, null, null);
        }
    }
}
