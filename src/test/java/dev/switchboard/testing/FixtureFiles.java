package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Fixture files under src/test/resources/fixtures/{folder}, written from the providers' documented wire shapes. */
public final class FixtureFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String folder;

    public FixtureFiles(String folder) {
        this.folder = folder;
    }

    public String text(String name) {
        try (InputStream in = FixtureFiles.class.getResourceAsStream("/fixtures/" + folder + "/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + folder + "/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
