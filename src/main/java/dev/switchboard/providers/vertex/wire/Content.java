package dev.switchboard.providers.vertex.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** One turn: {@code role} is {@code user} or {@code model} (absent in a system instruction), and its parts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Content(String role, List<Part> parts) {

    public static final String USER = "user";
    public static final String MODEL = "model";
}
