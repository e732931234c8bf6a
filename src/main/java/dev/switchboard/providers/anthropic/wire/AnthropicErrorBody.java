package dev.switchboard.providers.anthropic.wire;

/**
 * {@code {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}}: the body of an HTTP
 * error, and the data of a stream's {@code error} event.
 */
public record AnthropicErrorBody(String type, AnthropicError error) {

    public record AnthropicError(String type, String message) {
    }
}
