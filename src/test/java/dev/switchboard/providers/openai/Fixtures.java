package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.testing.FixtureFiles;

/** Fixture files under src/test/resources/fixtures/openai, written from the documented wire shapes. */
final class Fixtures {

    private static final FixtureFiles FILES = new FixtureFiles("openai");

    private Fixtures() {
    }

    static String text(String name) {
        return FILES.text(name);
    }

    static JsonNode json(String name) {
        return tree(text(name));
    }

    static JsonNode tree(String json) {
        return FixtureFiles.tree(json);
    }

    static ObjectNode object(String json) {
        return (ObjectNode) tree(json);
    }
}
