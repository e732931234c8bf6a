package dev.switchboard.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyException;
import dev.switchboard.api.openai.OpenAiMessages;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.Role;

import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.api.openai.JsonFields.absent;
import static dev.switchboard.api.openai.JsonFields.array;
import static dev.switchboard.api.openai.JsonFields.invalid;
import static dev.switchboard.api.openai.JsonFields.missing;
import static dev.switchboard.api.openai.JsonFields.object;
import static dev.switchboard.api.openai.JsonFields.requiredString;
import static dev.switchboard.api.openai.JsonFields.string;
import static dev.switchboard.api.openai.JsonFields.wrongType;

/**
 * The {@code input} of a Responses API request in neutral form: a string (one user message) or a list of items.
 * Messages of role system and developer, wherever they stand, become the system prompt (our neutral request has no
 * system turns); {@code function_call} items are the assistant's tool calls and {@code function_call_output} items
 * their results, carried in a USER message as every other protocol does. Consecutive items of one role are merged
 * into one message, since providers that want turns to alternate (Anthropic) would otherwise refuse them.
 * {@code reasoning} items of an earlier turn are dropped, as chat completions drops earlier reasoning: no outbound
 * protocol takes reasoning back without the provider's own signature.
 */
final class ResponsesInput {

    record Parsed(List<ContentPart> system, List<ChatMessage> messages) {
    }

    private ResponsesInput() {
    }

    static Parsed parse(JsonNode node) {
        if (absent(node)) {
            throw ProxyException.invalid("Missing required parameter: 'input'. Send the conversation as a string or "
                    + "a list of input items.", "input");
        }
        List<ContentPart> system = new ArrayList<>();
        List<ChatMessage> messages = new ArrayList<>();
        if (node.isTextual()) {
            messages.add(ChatMessage.user(node.textValue()));
            return new Parsed(system, messages);
        }
        ArrayNode items = array(node, "input");
        if (items.isEmpty()) {
            throw invalid("input", "empty array. Expected a string or at least one input item.");
        }
        for (int i = 0; i < items.size(); i++) {
            String param = "input[" + i + "]";
            ObjectNode item = object(items.get(i), param);
            if (item == null) {
                throw wrongType(param, "an object", items.get(i));
            }
            String type = string(item.get("type"), param + ".type");
            if (type == null) {
                // an "easy" input message: {"role": ..., "content": ...} without a type
                if (absent(item.get("role"))) {
                    throw missing(param + ".type");
                }
                type = "message";
            }
            switch (type) {
                case "message" -> message(item, param, system, messages);
                case "function_call" -> add(messages, Role.ASSISTANT, List.of(new ContentPart.ToolCall(
                        requiredString(item.get("call_id"), param + ".call_id"),
                        requiredString(item.get("name"), param + ".name"),
                        arguments(item.get("arguments"), param + ".arguments"))));
                case "function_call_output" -> add(messages, Role.USER, List.of(new ContentPart.ToolResult(
                        requiredString(item.get("call_id"), param + ".call_id"),
                        output(item.get("output"), param + ".output"), false)));
                case "reasoning" -> {
                    // an earlier turn's reasoning: dropped (see above)
                }
                case "item_reference" -> throw invalid(param + ".type", "an item reference points at an item "
                        + "stored on the server, and this gateway is stateless: send the item itself.");
                default -> throw invalid(param + ".type", "input items of type '" + type + "' are not supported by "
                        + "this gateway. Supported types are: 'message', 'function_call', 'function_call_output' "
                        + "and 'reasoning'.");
            }
        }
        if (messages.isEmpty()) {
            throw invalid("input", "only system or developer messages were given. Add at least one user message.");
        }
        return new Parsed(system, messages);
    }

    private static void message(ObjectNode item, String param, List<ContentPart> system,
                                List<ChatMessage> messages) {
        String role = requiredString(item.get("role"), param + ".role");
        JsonNode content = item.get("content");
        String contentParam = param + ".content";
        switch (role) {
            case "system", "developer" -> system.addAll(textOnly(content, contentParam, role));
            case "user" -> add(messages, Role.USER, userContent(content, contentParam));
            case "assistant" -> add(messages, Role.ASSISTANT, assistantContent(content, contentParam));
            default -> throw invalid(param + ".role", "unknown role '" + role + "'. Supported values are: 'user', "
                    + "'assistant', 'system' and 'developer'.");
        }
    }

    /** Appends a turn, merged into the last one when it has the same role. */
    private static void add(List<ChatMessage> messages, Role role, List<ContentPart> parts) {
        if (!messages.isEmpty() && messages.getLast().role() == role) {
            List<ContentPart> merged = new ArrayList<>(messages.getLast().content());
            merged.addAll(parts);
            messages.set(messages.size() - 1, new ChatMessage(role, merged));
        } else {
            messages.add(new ChatMessage(role, parts));
        }
    }

    /** Reads one element of an array of content parts; {@code param} names it. */
    private interface PartReader {
        ContentPart read(JsonNode part, String param);
    }

    /** A string (one text part) or an array of content parts, each read by {@code reader}. */
    private static List<ContentPart> content(JsonNode content, String param, PartReader reader) {
        if (absent(content)) {
            throw missing(param);
        }
        if (content.isTextual()) {
            return List.of(ContentPart.Text.of(content.textValue()));
        }
        ArrayNode parts = parts(content, param);
        List<ContentPart> out = new ArrayList<>(parts.size());
        for (int j = 0; j < parts.size(); j++) {
            out.add(reader.read(parts.get(j), param + "[" + j + "]"));
        }
        return out;
    }

    private static List<ContentPart> textOnly(JsonNode content, String param, String role) {
        List<ContentPart> out = content(content, param, (node, partParam) -> {
            ObjectNode part = part(node, partParam);
            String type = requiredString(part.get("type"), partParam + ".type");
            if (!type.equals("input_text")) {
                throw invalid(partParam + ".type", "a " + role + " message accepts only 'input_text' parts, but got '"
                        + type + "'.");
            }
            return ContentPart.Text.of(requiredString(part.get("text"), partParam + ".text"));
        });
        // an empty instruction string adds no turn
        return content.isTextual() && content.textValue().isEmpty() ? List.of() : out;
    }

    private static List<ContentPart> userContent(JsonNode content, String param) {
        if (content != null && content.isArray() && content.isEmpty()) {
            throw invalid(param, "empty array. Expected a string or at least one content part.");
        }
        return content(content, param, ResponsesInput::inputPart);
    }

    /** {@code input_text} or {@code input_image} (by URL or data URL; a file id names a file stored at OpenAI). */
    private static ContentPart inputPart(JsonNode node, String param) {
        ObjectNode part = part(node, param);
        String type = requiredString(part.get("type"), param + ".type");
        return switch (type) {
            case "input_text" -> ContentPart.Text.of(requiredString(part.get("text"), param + ".text"));
            case "input_image" -> {
                if (string(part.get("file_id"), param + ".file_id") != null) {
                    throw invalid(param + ".file_id", "files stored at OpenAI cannot be read through this gateway; "
                            + "send the image as 'image_url' (an https URL or a base64 data URL).");
                }
                String url = string(part.get("image_url"), param + ".image_url");
                if (url == null) {
                    throw missing(param + ".image_url");
                }
                yield OpenAiMessages.imageUrl(url, param + ".image_url");
            }
            case "input_file", "input_audio" -> throw invalid(param + ".type", "content parts of type '" + type
                    + "' are not supported by this gateway. Send text ('input_text') and images ('input_image').");
            default -> throw invalid(param + ".type", "unknown content part type '" + type + "'. Supported values "
                    + "are: 'input_text' and 'input_image'.");
        };
    }

    /** An earlier answer: its text ({@code output_text}, or {@code input_text} as some clients send it) or refusal. */
    private static List<ContentPart> assistantContent(JsonNode content, String param) {
        List<ContentPart> out = content(content, param, (node, partParam) -> {
            ObjectNode part = part(node, partParam);
            String type = requiredString(part.get("type"), partParam + ".type");
            return switch (type) {
                case "output_text", "input_text" -> ContentPart.Text.of(requiredString(part.get("text"),
                        partParam + ".text"));
                case "refusal" -> ContentPart.Text.of(requiredString(part.get("refusal"), partParam + ".refusal"));
                default -> throw invalid(partParam + ".type", "an assistant message accepts only 'output_text' and "
                        + "'refusal' parts, but got '" + type + "'.");
            };
        });
        // keep the turn, as an empty text, so that the conversation keeps its shape
        return out.isEmpty() ? List.of(ContentPart.Text.of("")) : out;
    }

    private static String arguments(JsonNode node, String param) {
        String arguments = requiredString(node, param);
        return arguments.isBlank() ? "{}" : arguments;
    }

    /** A tool's output: a string, or a list of text and image parts. */
    private static List<ContentPart> output(JsonNode node, String param) {
        return content(node, param, ResponsesInput::inputPart);
    }

    private static ArrayNode parts(JsonNode content, String param) {
        if (!content.isArray()) {
            throw wrongType(param, "a string or an array of content parts", content);
        }
        return (ArrayNode) content;
    }

    private static ObjectNode part(JsonNode node, String param) {
        ObjectNode part = object(node, param);
        if (part == null) {
            throw wrongType(param, "an object", node);
        }
        return part;
    }
}
