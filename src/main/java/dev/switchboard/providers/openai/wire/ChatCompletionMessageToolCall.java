package dev.switchboard.providers.openai.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A tool call, in a request's assistant message, a response's message, or (as a fragment, with {@code index}) a
 * stream delta. {@code function.arguments} is read as a tree: a few hosts send an object where OpenAI sends a string.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionMessageToolCall(Integer index, String id, String type, Function function) {

    public static ChatCompletionMessageToolCall of(String id, String name, String arguments) {
        return new ChatCompletionMessageToolCall(null, id, "function",
                new Function(name, TextNode.valueOf(arguments)));
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Function(String name, JsonNode arguments) {

        /** The arguments as JSON text, "" when absent. */
        public String argumentsText() {
            if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
                return "";
            }
            return arguments.isTextual() ? arguments.textValue() : arguments.toString();
        }
    }
}
