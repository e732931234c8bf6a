package dev.switchboard.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.Role;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.switchboard.api.anthropic.Fields.absent;
import static dev.switchboard.api.anthropic.Fields.invalid;
import static dev.switchboard.api.anthropic.Fields.kind;
import static dev.switchboard.api.anthropic.Fields.path;

/**
 * The {@code messages} and {@code system} of a Messages request as our neutral messages and parts, validated the way
 * the Messages API validates them, so a malformed conversation gets its 400 here and never costs an upstream call.
 * Tool use and tool results must pair up as the API insists: every tool_use of an assistant turn is answered by a
 * tool_result in the user turn right after it (unless that assistant turn is the last, a prefill), and every
 * tool_result answers a tool_use of the assistant turn right before it.
 */
final class AnthropicContentParser {

    static final Set<String> IMAGE_MEDIA_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private AnthropicContentParser() {
    }

    static List<ChatMessage> messages(JsonNode node) {
        if (absent(node)) {
            throw invalid("messages", "Field required: give the conversation as a list of "
                    + "{\"role\": \"user\"|\"assistant\", \"content\": ...} messages");
        }
        if (!node.isArray()) {
            throw invalid("messages", "Input should be a valid list, not " + kind(node));
        }
        if (node.isEmpty()) {
            throw invalid("messages", "at least one message is required");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            messages.add(message(node.get(i), "messages." + i, i == node.size() - 1));
        }
        checkToolPairing(messages);
        return List.copyOf(messages);
    }

    private static ChatMessage message(JsonNode node, String path, boolean last) {
        ObjectNode message = Fields.object(node, path);
        String rolePath = path(path, "role");
        String roleName = Fields.requiredString(message, "role", rolePath);
        Role role = switch (roleName) {
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "system" -> throw invalid(rolePath, "the Messages API has no \"system\" role in messages; "
                    + "put the system prompt in the top-level \"system\" parameter instead");
            default -> throw invalid(rolePath, "Input should be 'user' or 'assistant', got '" + roleName + "'");
        };
        String contentPath = path(path, "content");
        JsonNode content = Fields.required(message, "content", contentPath);
        List<ContentPart> parts = new ArrayList<>();
        if (content.isTextual()) {
            if (!content.textValue().isEmpty()) {
                parts.add(ContentPart.Text.of(content.textValue()));
            }
        } else if (content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                parts.add(block(content.get(i), path(contentPath, i), role));
            }
        } else {
            throw invalid(contentPath, "Input should be a string or a list of content blocks, not " + kind(content));
        }
        if (parts.isEmpty() && !(last && role == Role.ASSISTANT)) {
            throw invalid(path, "all messages must have non-empty content except for the optional final "
                    + "assistant message");
        }
        return new ChatMessage(role, parts);
    }

    private static ContentPart block(JsonNode node, String path, Role role) {
        ObjectNode block = Fields.object(node, path);
        String typePath = path(path, "type");
        String type = Fields.requiredString(block, "type", typePath);
        return switch (type) {
            case "text" -> text(block, path);
            case "image" -> {
                if (role != Role.USER) {
                    throw invalid(typePath, "image blocks are only allowed in user messages");
                }
                yield image(block, path);
            }
            case "tool_use" -> {
                if (role != Role.ASSISTANT) {
                    throw invalid(typePath, "tool_use blocks are only allowed in assistant messages; "
                            + "send tool results back as tool_result blocks in a user message");
                }
                yield toolUse(block, path);
            }
            case "tool_result" -> {
                if (role != Role.USER) {
                    throw invalid(typePath, "tool_result blocks are only allowed in user messages");
                }
                yield toolResult(block, path);
            }
            case "thinking" -> {
                requireAssistant(role, typePath, type);
                String signature = Fields.requiredString(block, "signature", path(path, "signature"));
                // an empty signature is what our own responses carry for reasoning from a provider that signs none
                yield new ContentPart.Reasoning(Fields.requiredString(block, "thinking", path(path, "thinking")),
                        signature.isEmpty() ? null : signature, null);
            }
            case "redacted_thinking" -> {
                requireAssistant(role, typePath, type);
                yield new ContentPart.Reasoning("", null,
                        Fields.requiredNonEmptyString(block, "data", path(path, "data")));
            }
            default -> throw invalid(typePath, "'" + type + "' content blocks are not supported by this gateway; "
                    + "use text, image, tool_use, tool_result, thinking or redacted_thinking blocks");
        };
    }

    private static void requireAssistant(Role role, String typePath, String type) {
        if (role != Role.ASSISTANT) {
            throw invalid(typePath, type + " blocks are only allowed in assistant messages");
        }
    }

    static ContentPart.Text text(ObjectNode block, String path) {
        String text = Fields.requiredString(block, "text", path(path, "text"));
        if (text.isEmpty()) {
            throw invalid(path(path, "text"), "text content blocks must be non-empty");
        }
        return new ContentPart.Text(text, cacheControl(block, path));
    }

    /** Only the ephemeral cache exists; its ttl is not carried (our neutral breakpoint has none). */
    static boolean cacheControl(ObjectNode block, String path) {
        String ccPath = path(path, "cache_control");
        ObjectNode cc = Fields.optionalObject(block, "cache_control", ccPath);
        if (cc == null) {
            return false;
        }
        String type = Fields.requiredString(cc, "type", path(ccPath, "type"));
        if (!"ephemeral".equals(type)) {
            throw invalid(path(ccPath, "type"), "Input should be 'ephemeral', got '" + type + "'");
        }
        return true;
    }

    private static ContentPart.Image image(ObjectNode block, String path) {
        String sourcePath = path(path, "source");
        ObjectNode source = Fields.requiredObject(block, "source", sourcePath);
        String type = Fields.requiredString(source, "type", path(sourcePath, "type"));
        return switch (type) {
            case "base64" -> {
                String mediaPath = path(sourcePath, "media_type");
                String mediaType = Fields.requiredString(source, "media_type", mediaPath);
                if (!IMAGE_MEDIA_TYPES.contains(mediaType)) {
                    throw invalid(mediaPath, "Input should be 'image/jpeg', 'image/png', 'image/gif' or "
                            + "'image/webp', got '" + mediaType + "'");
                }
                yield ContentPart.Image.inline(mediaType,
                        Fields.requiredNonEmptyString(source, "data", path(sourcePath, "data")));
            }
            case "url" -> ContentPart.Image.fromUrl(
                    Fields.requiredNonEmptyString(source, "url", path(sourcePath, "url")));
            default -> throw invalid(path(sourcePath, "type"), "image sources of type '" + type
                    + "' are not supported by this gateway; use 'base64' or 'url'");
        };
    }

    private static ContentPart.ToolCall toolUse(ObjectNode block, String path) {
        String id = Fields.requiredNonEmptyString(block, "id", path(path, "id"));
        String name = Fields.requiredNonEmptyString(block, "name", path(path, "name"));
        ObjectNode input = Fields.requiredObject(block, "input", path(path, "input"));
        return new ContentPart.ToolCall(id, name, input.toString());
    }

    private static ContentPart.ToolResult toolResult(ObjectNode block, String path) {
        String id = Fields.requiredNonEmptyString(block, "tool_use_id", path(path, "tool_use_id"));
        Boolean isError = Fields.optionalBoolean(block, "is_error", path(path, "is_error"));
        String contentPath = path(path, "content");
        JsonNode content = block.get("content");
        List<ContentPart> parts = new ArrayList<>();
        if (absent(content)) {
            // a result with no content is allowed: the tool ran and said nothing
        } else if (content.isTextual()) {
            if (!content.textValue().isEmpty()) {
                parts.add(ContentPart.Text.of(content.textValue()));
            }
        } else if (content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                String itemPath = path(contentPath, i);
                ObjectNode item = Fields.object(content.get(i), itemPath);
                String type = Fields.requiredString(item, "type", path(itemPath, "type"));
                switch (type) {
                    case "text" -> parts.add(text(item, itemPath));
                    case "image" -> parts.add(image(item, itemPath));
                    default -> throw invalid(path(itemPath, "type"), "'" + type + "' blocks in a tool_result are "
                            + "not supported by this gateway; use text or image blocks");
                }
            }
        } else {
            throw invalid(contentPath, "Input should be a string or a list of content blocks, not " + kind(content));
        }
        return new ContentPart.ToolResult(id, parts, Boolean.TRUE.equals(isError));
    }

    private static void checkToolPairing(List<ChatMessage> messages) {
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message.role() == Role.USER) {
                Set<String> asked = i > 0 && messages.get(i - 1).role() == Role.ASSISTANT
                        ? toolUseIds(messages.get(i - 1)) : Set.of();
                for (int j = 0; j < message.content().size(); j++) {
                    if (message.content().get(j) instanceof ContentPart.ToolResult r
                            && !asked.contains(r.toolCallId())) {
                        throw invalid("messages." + i + ".content." + j + ".tool_use_id",
                                "unexpected tool_use_id '" + r.toolCallId() + "' in tool_result blocks: each "
                                        + "tool_result must answer a tool_use block of the assistant message "
                                        + "immediately before it");
                    }
                }
            } else if (i + 1 < messages.size()) {
                Set<String> missing = toolUseIds(message);
                ChatMessage next = messages.get(i + 1);
                if (next.role() == Role.USER) {
                    for (ContentPart part : next.content()) {
                        if (part instanceof ContentPart.ToolResult r) {
                            missing.remove(r.toolCallId());
                        }
                    }
                }
                if (!missing.isEmpty()) {
                    throw invalid("messages." + (i + 1), "tool_use ids were found without tool_result blocks "
                            + "immediately after: " + String.join(", ", missing) + ". Each tool_use block must "
                            + "have a matching tool_result block in the next (user) message");
                }
            }
        }
    }

    private static Set<String> toolUseIds(ChatMessage message) {
        Set<String> ids = new LinkedHashSet<>();
        for (ContentPart part : message.content()) {
            if (part instanceof ContentPart.ToolCall c) {
                ids.add(c.id());
            }
        }
        return ids;
    }

    /** The top-level system prompt: a string, or a list of text blocks that may carry cache_control. */
    static List<ContentPart> system(JsonNode node) {
        if (absent(node)) {
            return List.of();
        }
        if (node.isTextual()) {
            return node.textValue().isEmpty() ? List.of() : List.of(ContentPart.Text.of(node.textValue()));
        }
        if (!node.isArray()) {
            throw invalid("system", "Input should be a string or a list of text blocks, not " + kind(node));
        }
        List<ContentPart> parts = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String path = "system." + i;
            ObjectNode block = Fields.object(node.get(i), path);
            String type = Fields.requiredString(block, "type", path(path, "type"));
            if (!"text".equals(type)) {
                throw invalid(path(path, "type"), "system blocks must be text blocks, got '" + type + "'");
            }
            parts.add(text(block, path));
        }
        return List.copyOf(parts);
    }
}
