package dev.switchboard.providers.openai.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code response_format}: {@code text}, {@code json_object}, or {@code json_schema} with its schema. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResponseFormatParam(String type, @JsonProperty("json_schema") JsonSchema jsonSchema) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JsonSchema(String name, ObjectNode schema, Boolean strict) {
    }
}
