package dev.switchboard.providers.vertex.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Google's error body, {@code {"error":{"code":429,"message":"...","status":"RESOURCE_EXHAUSTED","details":[...]}}}
 * (the google.rpc.Status of the HTTP/JSON mapping). {@code details} hold typed objects such as
 * {@code google.rpc.ErrorInfo} (a {@code reason}) and {@code google.rpc.RetryInfo} (a {@code retryDelay}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GoogleError(Status error) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Status(Integer code, String message, String status, List<JsonNode> details) {
    }
}
