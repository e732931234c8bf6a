package dev.switchboard.providers.openai.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A part of a request message's content: {@code {"type":"text","text"}} or {@code {"type":"image_url","image_url"}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionContentPart(String type, String text, @JsonProperty("image_url") ImageUrl imageUrl) {

    public static ChatCompletionContentPart text(String text) {
        return new ChatCompletionContentPart("text", text, null);
    }

    public static ChatCompletionContentPart image(String url) {
        return new ChatCompletionContentPart("image_url", null, new ImageUrl(url));
    }

    /** An http(s) URL or a {@code data:<media type>;base64,<data>} URL. */
    public record ImageUrl(String url) {
    }
}
