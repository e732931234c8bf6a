package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.testing.FixtureFiles;

import java.nio.charset.StandardCharsets;

/** Fixture files under src/test/resources/fixtures/openai-in: what OpenAI clients send and expect back. */
final class Fixtures {

    private static final FixtureFiles FILES = new FixtureFiles("openai-in");

    private Fixtures() {
    }

    static String text(String name) {
        return FILES.text(name);
    }

    static JsonNode json(String name) {
        return FixtureFiles.tree(FILES.text(name));
    }

    static ObjectNode object(String json) {
        return (ObjectNode) FixtureFiles.tree(json);
    }

    static JsonNode tree(byte[] json) {
        return FixtureFiles.tree(new String(json, StandardCharsets.UTF_8));
    }
}
