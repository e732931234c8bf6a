package dev.switchboard.providers.vertex.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** How the model may use the tools. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ToolConfig(FunctionCallingConfig functionCallingConfig) {

    /**
     * {@code mode}: {@code AUTO} (the model decides), {@code ANY} (must call one, of {@code allowedFunctionNames} if
     * given), {@code NONE} (no calls).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FunctionCallingConfig(String mode, List<String> allowedFunctionNames) {
    }
}
