package dev.switchboard.routing;

import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.ResponseFormat;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The parameters a request uses, named as the catalog's {@code supported_parameters} names them, so that
 * {@code require_parameters} and the tools filter can compare the two.
 */
public final class RequestParameters {

    private RequestParameters() {
    }

    /**
     * The parameters {@code chat} sets, in a stable order. A JSON-schema response format is both
     * {@code response_format} and {@code structured_outputs}; a plain text format is no parameter at all.
     */
    public static Set<String> of(ChatRequest chat) {
        Set<String> used = new LinkedHashSet<>();
        if (!chat.tools().isEmpty()) {
            used.add("tools");
        }
        if (chat.toolChoice() != null) {
            used.add("tool_choice");
        }
        if (chat.temperature() != null) {
            used.add("temperature");
        }
        if (chat.topP() != null) {
            used.add("top_p");
        }
        if (chat.topK() != null) {
            used.add("top_k");
        }
        if (!chat.stop().isEmpty()) {
            used.add("stop");
        }
        if (chat.maxTokens() != null) {
            used.add("max_tokens");
        }
        switch (chat.responseFormat()) {
            case null -> {
            }
            case ResponseFormat.Text t -> {
            }
            case ResponseFormat.JsonObject o -> used.add("response_format");
            case ResponseFormat.JsonSchema s -> {
                used.add("response_format");
                used.add("structured_outputs");
            }
        }
        if (chat.seed() != null) {
            used.add("seed");
        }
        if (chat.frequencyPenalty() != null) {
            used.add("frequency_penalty");
        }
        if (chat.presencePenalty() != null) {
            used.add("presence_penalty");
        }
        if (chat.reasoning() != null) {
            used.add("reasoning");
        }
        return Collections.unmodifiableSet(used);
    }

    /** Whether any message (or a tool result within one) carries an image. */
    public static boolean usesImages(ChatRequest chat) {
        for (ChatMessage message : chat.messages()) {
            for (ContentPart part : message.content()) {
                if (part instanceof ContentPart.Image) {
                    return true;
                }
                if (part instanceof ContentPart.ToolResult r
                        && r.content().stream().anyMatch(ContentPart.Image.class::isInstance)) {
                    return true;
                }
            }
        }
        return chat.system().stream().anyMatch(ContentPart.Image.class::isInstance);
    }
}
