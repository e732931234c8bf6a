package dev.switchboard.providers.vertex.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** A set of functions the model may call. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Tool(List<FunctionDeclaration> functionDeclarations) {

    /**
     * One function. {@code parameters} takes Google's OpenAPI-subset schema, {@code parametersJsonSchema} full JSON
     * Schema; they are mutually exclusive.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FunctionDeclaration(String name, String description, JsonNode parameters,
                                      JsonNode parametersJsonSchema) {
    }
}
