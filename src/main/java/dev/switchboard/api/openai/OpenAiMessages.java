package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.switchboard.api.openai.JsonFields.absent;
import static dev.switchboard.api.openai.JsonFields.array;
import static dev.switchboard.api.openai.JsonFields.invalid;
import static dev.switchboard.api.openai.JsonFields.missing;
import static dev.switchboard.api.openai.JsonFields.object;
import static dev.switchboard.api.openai.JsonFields.requiredString;
import static dev.switchboard.api.openai.JsonFields.string;
import static dev.switchboard.api.openai.JsonFields.wrongType;

/**
 * The {@code messages} array of a Chat Completions request in neutral form. System and developer messages, wherever
 * they stand, become the system prompt (our neutral request has no system turns); tool messages become tool results
 * in a USER message, consecutive ones merged, because that is where every other protocol carries them.
 */
public final class OpenAiMessages {

    record Parsed(List<ContentPart> system, List<ChatMessage> messages) {
    }

    private static final Pattern DATA_URL = Pattern.compile("^data:([^;,]+)((?:;[^;,]*)*),(.*)$", Pattern.DOTALL);

    private OpenAiMessages() {
    }

    static Parsed parse(JsonNode node) {
        if (absent(node)) {
            throw missing("messages");
        }
        ArrayNode messages = array(node, "messages");
        if (messages.isEmpty()) {
            throw invalid("messages", "empty array. Expected an array with at least one message.");
        }
        List<ContentPart> system = new ArrayList<>();
        List<ChatMessage> out = new ArrayList<>();
        // tool results gathered for the USER message that carries consecutive tool messages
        List<ContentPart> toolResults = null;
        for (int i = 0; i < messages.size(); i++) {
            String param = "messages[" + i + "]";
            ObjectNode message = object(messages.get(i), param);
            if (message == null) {
                throw wrongType(param, "an object", messages.get(i));
            }
            String role = role(message.get("role"), param + ".role");
            if (!role.equals("tool")) {
                toolResults = null;
            }
            switch (role) {
                case "system", "developer" -> system.addAll(textOnly(message.get("content"), param + ".content",
                        role));
                case "user" -> out.add(new ChatMessage(Role.USER, userContent(message.get("content"),
                        param + ".content")));
                case "assistant" -> out.add(new ChatMessage(Role.ASSISTANT, assistant(message, param)));
                case "tool" -> {
                    ContentPart.ToolResult result = toolResult(message, param);
                    if (toolResults == null) {
                        toolResults = new ArrayList<>();
                        toolResults.add(result);
                        out.add(new ChatMessage(Role.USER, toolResults));
                    } else {
                        toolResults.add(result);
                        out.set(out.size() - 1, new ChatMessage(Role.USER, toolResults));
                    }
                }
                default -> throw new IllegalStateException(role);
            }
        }
        if (out.isEmpty()) {
            throw invalid("messages", "only system or developer messages were given. Add at least one user "
                    + "message.");
        }
        return new Parsed(system, out);
    }

    private static String role(JsonNode node, String param) {
        if (absent(node)) {
            throw missing(param);
        }
        String role = string(node, param);
        return switch (role) {
            case "system", "developer", "user", "assistant", "tool" -> role;
            case "function" -> throw invalid(param, "the 'function' role is deprecated and not supported by this "
                    + "gateway. Declare functions in 'tools' and send their results as messages with role 'tool' "
                    + "and the 'tool_call_id' of the call.");
            default -> throw invalid(param, "unknown role '" + role + "'. Supported values are: 'system', "
                    + "'developer', 'user', 'assistant' and 'tool'.");
        };
    }

    /** System, developer and tool content: a string or an array of text parts. */
    private static List<ContentPart> textOnly(JsonNode content, String param, String role) {
        if (absent(content)) {
            throw missing(param);
        }
        if (content.isTextual()) {
            return content.textValue().isEmpty() ? List.of() : List.of(ContentPart.Text.of(content.textValue()));
        }
        if (!content.isArray()) {
            throw wrongType(param, "a string or an array of text parts", content);
        }
        List<ContentPart> parts = new ArrayList<>();
        for (int j = 0; j < content.size(); j++) {
            String partParam = param + "[" + j + "]";
            ObjectNode part = partObject(content.get(j), partParam);
            String type = partType(part, partParam);
            if (!type.equals("text")) {
                throw invalid(partParam + ".type", "a " + role + " message accepts only text parts, but got '"
                        + type + "'.");
            }
            parts.add(text(part, partParam));
        }
        return parts;
    }

    private static List<ContentPart> userContent(JsonNode content, String param) {
        if (absent(content)) {
            throw missing(param);
        }
        if (content.isTextual()) {
            return List.of(ContentPart.Text.of(content.textValue()));
        }
        if (!content.isArray()) {
            throw wrongType(param, "a string or an array of content parts", content);
        }
        if (content.isEmpty()) {
            throw invalid(param, "empty array. Expected a string or at least one content part.");
        }
        List<ContentPart> parts = new ArrayList<>();
        for (int j = 0; j < content.size(); j++) {
            String partParam = param + "[" + j + "]";
            ObjectNode part = partObject(content.get(j), partParam);
            String type = partType(part, partParam);
            switch (type) {
                case "text" -> parts.add(text(part, partParam));
                case "image_url" -> parts.add(image(part.get("image_url"), partParam + ".image_url"));
                case "input_audio", "file" -> throw invalid(partParam + ".type", "content parts of type '" + type
                        + "' are not supported by this gateway. Send text and images ('image_url') only.");
                default -> throw invalid(partParam + ".type", "unknown content part type '" + type
                        + "'. Supported values are: 'text' and 'image_url'.");
            }
        }
        return parts;
    }

    private static ObjectNode partObject(JsonNode node, String param) {
        ObjectNode part = object(node, param);
        if (part == null) {
            throw wrongType(param, "an object", node);
        }
        return part;
    }

    private static String partType(ObjectNode part, String param) {
        return requiredString(part.get("type"), param + ".type");
    }

    /** A text part; {@code cache_control} (Anthropic's, as OpenRouter accepts it) marks a cache breakpoint. */
    private static ContentPart.Text text(ObjectNode part, String param) {
        String text = requiredString(part.get("text"), param + ".text");
        return new ContentPart.Text(text, object(part.get("cache_control"), param + ".cache_control") != null);
    }

    /** {@code {"url": ...}}; a bare string is accepted too, as some clients send it. */
    private static ContentPart.Image image(JsonNode node, String param) {
        if (absent(node)) {
            throw missing(param);
        }
        String url;
        String urlParam = param;
        if (node.isTextual()) {
            url = node.textValue();
        } else if (node.isObject()) {
            urlParam = param + ".url";
            url = requiredString(node.get("url"), urlParam);
        } else {
            throw wrongType(param, "an object with a 'url'", node);
        }
        return imageUrl(url, urlParam);
    }

    /**
     * An image given as an http(s) URL or a base64 data URL, as OpenAI's protocols (Chat Completions and Responses)
     * take it; {@code param} names the field in the 400 for anything else.
     */
    public static ContentPart.Image imageUrl(String url, String param) {
        String urlParam = param;
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://") || lower.startsWith("http://")) {
            return ContentPart.Image.fromUrl(url);
        }
        if (lower.startsWith("data:")) {
            return dataUrl(url, urlParam);
        }
        throw invalid(urlParam, "expected an http(s) URL or a base64 data URL "
                + "('data:image/png;base64,...'), but got '" + abbreviate(url) + "'.");
    }

    private static ContentPart.Image dataUrl(String url, String param) {
        Matcher m = DATA_URL.matcher(url);
        if (!m.matches()) {
            throw invalid(param, "malformed data URL. Expected 'data:<media type>;base64,<data>'.");
        }
        String mediaType = m.group(1).trim().toLowerCase(Locale.ROOT);
        boolean base64 = false;
        for (String attribute : m.group(2).split(";")) {
            base64 |= attribute.trim().equalsIgnoreCase("base64");
        }
        if (!mediaType.startsWith("image/")) {
            throw invalid(param, "the data URL holds '" + mediaType + "', which is not an image. Send an image "
                    + "such as image/png, image/jpeg, image/gif or image/webp.");
        }
        String data = m.group(3).trim();
        if (!base64 || data.isEmpty()) {
            throw invalid(param, "the data URL must hold base64 data: 'data:" + mediaType + ";base64,<data>'.");
        }
        return ContentPart.Image.inline(mediaType, data);
    }

    /**
     * Text (or refusal) parts, then tool calls. {@code reasoning} and {@code reasoning_details} from an earlier turn
     * are dropped: no outbound protocol we speak takes them back without the provider's own signature.
     */
    private static List<ContentPart> assistant(ObjectNode message, String param) {
        List<ContentPart> parts = new ArrayList<>();
        JsonNode content = message.get("content");
        String contentParam = param + ".content";
        if (!absent(content)) {
            if (content.isTextual()) {
                parts.add(ContentPart.Text.of(content.textValue()));
            } else if (content.isArray()) {
                for (int j = 0; j < content.size(); j++) {
                    String partParam = contentParam + "[" + j + "]";
                    ObjectNode part = partObject(content.get(j), partParam);
                    String type = partType(part, partParam);
                    switch (type) {
                        case "text" -> parts.add(text(part, partParam));
                        case "refusal" -> parts.add(ContentPart.Text.of(requiredString(part.get("refusal"),
                                partParam + ".refusal")));
                        default -> throw invalid(partParam + ".type", "an assistant message accepts only 'text' "
                                + "and 'refusal' parts, but got '" + type + "'.");
                    }
                }
            } else {
                throw wrongType(contentParam, "a string or an array of text parts", content);
            }
        }
        JsonNode calls = message.get("tool_calls");
        ArrayNode toolCalls = array(calls, param + ".tool_calls");
        if (toolCalls != null) {
            for (int j = 0; j < toolCalls.size(); j++) {
                parts.add(toolCall(toolCalls.get(j), param + ".tool_calls[" + j + "]"));
            }
        }
        if (!absent(message.get("function_call"))) {
            throw invalid(param + ".function_call", "'function_call' is deprecated and not supported by this "
                    + "gateway. Send the call in 'tool_calls' instead.");
        }
        if (parts.isEmpty()) {
            if (absent(content)) {
                throw invalid(contentParam, "an assistant message needs 'content' unless it has 'tool_calls'.");
            }
            // an empty part list: keep the turn, as an empty text, so that the conversation keeps its shape
            parts.add(ContentPart.Text.of(""));
        }
        return parts;
    }

    private static ContentPart.ToolCall toolCall(JsonNode node, String param) {
        ObjectNode call = object(node, param);
        if (call == null) {
            throw wrongType(param, "an object", node);
        }
        String id = requiredString(call.get("id"), param + ".id");
        String type = string(call.get("type"), param + ".type");
        if (type != null && !type.equals("function")) {
            throw invalid(param + ".type", "only 'function' tool calls are supported, but got '" + type + "'.");
        }
        JsonNode fnNode = call.get("function");
        if (absent(fnNode)) {
            throw missing(param + ".function");
        }
        ObjectNode function = object(fnNode, param + ".function");
        String name = requiredString(function.get("name"), param + ".function.name");
        JsonNode args = function.get("arguments");
        String arguments;
        if (absent(args)) {
            arguments = "{}";
        } else if (args.isTextual()) {
            arguments = args.textValue();
        } else {
            throw wrongType(param + ".function.arguments", "a string holding a JSON object (e.g. \"{\\\"city\\\":"
                    + "\\\"Paris\\\"}\")", args);
        }
        return new ContentPart.ToolCall(id, name, arguments);
    }

    private static ContentPart.ToolResult toolResult(ObjectNode message, String param) {
        JsonNode idNode = message.get("tool_call_id");
        if (absent(idNode)) {
            throw invalid(param + ".tool_call_id", "a message with role 'tool' needs the 'tool_call_id' of the "
                    + "assistant's tool call it answers.");
        }
        String id = string(idNode, param + ".tool_call_id");
        return new ContentPart.ToolResult(id, textOnly(message.get("content"), param + ".content", "tool"), false);
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
