package dev.switchboard.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The shape the answer must have. */
public sealed interface ResponseFormat {

    record Text() implements ResponseFormat {
    }

    /** Any JSON object. */
    record JsonObject() implements ResponseFormat {
    }

    /** JSON matching a schema. */
    record JsonSchema(String name, ObjectNode schema, boolean strict) implements ResponseFormat {
    }
}
