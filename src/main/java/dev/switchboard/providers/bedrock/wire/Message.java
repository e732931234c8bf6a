package dev.switchboard.providers.bedrock.wire;

import java.util.List;

/** {@code role}: user or assistant. */
public record Message(String role, List<ContentBlock> content) {
}
