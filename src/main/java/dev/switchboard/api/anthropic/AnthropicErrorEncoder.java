package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;

/** A {@link ProxyError} as the Messages API's error body; the HTTP status is {@link ProxyError#status()}. */
public final class AnthropicErrorEncoder {

    private AnthropicErrorEncoder() {
    }

    /** {@code {"type":"error","error":{"type":...,"message":...}}}. */
    public static byte[] encode(ProxyError error) {
        return AnthropicOutput.bytes(tree(error));
    }

    static ObjectNode tree(ProxyError error) {
        ObjectNode body = AnthropicOutput.JSON.createObjectNode();
        body.put("type", "error");
        body.putObject("error")
                .put("type", error.type().anthropicType())
                .put("message", error.message() == null ? error.type().anthropicType() : error.message());
        return body;
    }
}
