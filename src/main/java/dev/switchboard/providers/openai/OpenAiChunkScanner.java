package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Reads the common shape of a streamed chunk -- text, role, refusal or a reasoning string in one choice's delta, a
 * finish reason, {@code "usage": null} -- with Jackson's streaming parser, without building a tree and binding it to
 * records (a fifth of the gateway's CPU per streamed request when profiled). Anything else (tool calls, content
 * parts, a usage object, an error, Groq's {@code x_groq}, an unexpected type, JSON that does not parse, several
 * choices) makes {@link #scan} return null, and the chunk takes the full path, which gives the same events for
 * everything this reads and the right error for what is wrong.
 */
final class OpenAiChunkScanner {

    /** What one chunk says. The {@code has*} flags tell a field that was there as null from one that was absent. */
    static final class Chunk {
        String id;
        String model;
        boolean hasId;
        boolean hasChoices;
        boolean hasUsage;
        /** The choices array was there and not null. */
        boolean choicesList;
        /** Set when a choice with index 0 (or none) was read; at most one. */
        boolean choice;
        String content;
        String refusal;
        String reasoningContent;
        String reasoning;
        String finishReason;
    }

    /** Compared by identity: no text read from a chunk is this instance. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String BAD = new String("not a string or null");

    private final JsonFactory factory = OpenAiCodec.JSON.getFactory();

    /** The chunk in {@code json} (an object, trimmed), or null when it has a shape only the full path reads. */
    Chunk scan(String json) {
        try (JsonParser p = factory.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Chunk c = new Chunk();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "id" -> {
                        c.hasId = true;
                        c.id = string(p, v);
                    }
                    case "model" -> c.model = string(p, v);
                    case "object" -> {
                        if (v != JsonToken.VALUE_NULL && (v != JsonToken.VALUE_STRING || "error".equals(p.getText()))) {
                            return null;
                        }
                    }
                    case "created" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    case "usage" -> {
                        c.hasUsage = true;
                        if (v != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    case "choices" -> {
                        c.hasChoices = true;
                        if (v == JsonToken.START_ARRAY) {
                            c.choicesList = true;
                            if (!choices(p, c)) {
                                return null;
                            }
                        } else if (v != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    case "error", "x_groq" -> {
                        return null;
                    }
                    default -> p.skipChildren();
                }
                if (c.id == BAD || c.model == BAD) {
                    return null;
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null; // two events run together, or not one object: the full path says so
            }
            return c;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean choices(JsonParser p, Chunk c) throws IOException {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            if (t != JsonToken.START_OBJECT) {
                return false;
            }
            Integer index = null;
            boolean delta = false;
            String content = null;
            String refusal = null;
            String reasoningContent = null;
            String reasoning = null;
            String finish = null;
            for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "index" -> {
                        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                            index = p.getIntValue();
                        } else if (v == JsonToken.VALUE_NULL) {
                            index = null;
                        } else {
                            return false;
                        }
                    }
                    case "finish_reason" -> {
                        finish = string(p, v);
                        if (finish == BAD) {
                            return false;
                        }
                    }
                    case "delta" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            delta = false;
                            continue;
                        }
                        if (v != JsonToken.START_OBJECT) {
                            return false;
                        }
                        delta = true;
                        content = null;
                        refusal = null;
                        reasoningContent = null;
                        reasoning = null;
                        for (JsonToken d = p.nextToken(); d == JsonToken.FIELD_NAME; d = p.nextToken()) {
                            String name = p.currentName();
                            JsonToken dv = p.nextToken();
                            switch (name) {
                                case "content" -> content = string(p, dv);
                                case "refusal" -> refusal = string(p, dv);
                                case "reasoning_content" -> reasoningContent = string(p, dv);
                                case "reasoning" -> reasoning = string(p, dv);
                                case "role" -> {
                                    if (string(p, dv) == BAD) {
                                        return false;
                                    }
                                }
                                case "tool_calls", "function_call" -> {
                                    if (dv != JsonToken.VALUE_NULL) {
                                        return false;
                                    }
                                }
                                default -> p.skipChildren();
                            }
                            if (content == BAD || refusal == BAD || reasoningContent == BAD
                                    || reasoning == BAD) {
                                return false;
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (index != null && index != 0) {
                continue; // another choice than ours: the full path skips it too
            }
            if (c.choice) {
                return false;
            }
            c.choice = true;
            if (delta) {
                c.content = content;
                c.refusal = refusal;
                c.reasoningContent = reasoningContent;
                c.reasoning = reasoning;
            }
            c.finishReason = finish;
        }
        return true;
    }

    /** A string or null; {@link Bad#MARK} for any other value, which the callers turn into "full path". */
    private static String string(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        p.skipChildren();
        return BAD;
    }
}
