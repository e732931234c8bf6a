package dev.switchboard.providers.vertex.wire;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One part of a turn; exactly one of the data fields is set. {@code thought} marks a thought summary, and
 * {@code thoughtSignature} is the opaque proof of the model's reasoning that must go back with the part it came on.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Part(
        String text,
        Boolean thought,
        String thoughtSignature,
        Blob inlineData,
        FileData fileData,
        FunctionCall functionCall,
        FunctionResponse functionResponse) {

    public static Part text(String text) {
        return new Part(text, null, null, null, null, null, null);
    }

    public static Part thought(String text, String signature) {
        return new Part(text, Boolean.TRUE, signature, null, null, null, null);
    }

    public static Part inline(String mimeType, String base64) {
        return new Part(null, null, null, new Blob(mimeType, base64), null, null, null);
    }

    public static Part file(String mimeType, String uri) {
        return new Part(null, null, null, null, new FileData(mimeType, uri), null, null);
    }

    public static Part call(String name, JsonNode args) {
        return new Part(null, null, null, null, null, new FunctionCall(null, name, args), null);
    }

    public static Part response(String name, JsonNode response) {
        return new Part(null, null, null, null, null, null, new FunctionResponse(null, name, response));
    }

    public Part withThoughtSignature(String signature) {
        return new Part(text, thought, signature, inlineData, fileData, functionCall, functionResponse);
    }

    /** Not a property: Jackson would otherwise write {@code "thought": false} on every part. */
    @JsonIgnore
    public boolean isThought() {
        return Boolean.TRUE.equals(thought);
    }

    /** Bytes given inline, base64-encoded. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Blob(String mimeType, String data) {
    }

    /** A file by URI ({@code gs://...} or {@code https://...}); Google fetches it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileData(String mimeType, String fileUri) {
    }

    /** The model calls a function; {@code args} is a JSON object. Gemini usually gives no {@code id}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FunctionCall(String id, String name, JsonNode args) {
    }

    /** A function's result, matched to its call by {@code name}; {@code response} is a JSON object. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FunctionResponse(String id, String name, JsonNode response) {
    }
}
