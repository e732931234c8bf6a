package dev.switchboard.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A tool the model may call: its name, what it does, and a JSON Schema of its arguments. */
public record ToolDefinition(String name, String description, ObjectNode parameters, boolean strict) {
}
