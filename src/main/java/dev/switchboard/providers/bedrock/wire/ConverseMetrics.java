package dev.switchboard.providers.bedrock.wire;

/** How long the call took on Bedrock's side. */
public record ConverseMetrics(Long latencyMs) {
}
