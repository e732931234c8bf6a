package dev.switchboard.providers.openai.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code {"type":"function","function":{name, description, parameters, strict}}}. */
public record ChatCompletionTool(String type, FunctionDefinition function) {

    public static ChatCompletionTool function(FunctionDefinition function) {
        return new ChatCompletionTool("function", function);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionDefinition(String name, String description, ObjectNode parameters, Boolean strict) {
    }
}
