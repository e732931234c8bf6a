package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.Role;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.bedrock.wire.ContentBlock;
import dev.switchboard.providers.bedrock.wire.ConverseRequest;
import dev.switchboard.providers.bedrock.wire.ConverseRequest.SystemContentBlock;
import dev.switchboard.providers.bedrock.wire.ConverseResponse;
import dev.switchboard.providers.bedrock.wire.Message;
import dev.switchboard.providers.bedrock.wire.TokenUsage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pure mapping between our neutral types and Converse JSON. What Converse has no field for is dropped on purpose:
 * seed, frequency and presence penalties, response formats (Converse has no JSON mode), end-user ids, metadata.
 * What Bedrock would refuse for a reason we can tell first (an image by http URL) is refused here with
 * {@link UpstreamErrorKind#BAD_REQUEST}, so that routing can try an endpoint that takes it.
 */
public final class ConverseCodec {

    /** Converse JSON: absent members left out, unknown members (such as stream padding) ignored. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Claude's smallest thinking budget. */
    static final int MIN_THINKING_BUDGET = 1024;
    /** The length a derived thinking budget is a share of when the caller gave no max tokens. */
    private static final int NOMINAL_MAX_TOKENS = 8192;

    private ConverseCodec() {
    }

    // ---- request ------------------------------------------------------------------------------------------------

    /** The Converse body for a request to {@code modelId} (the id goes in the path, not the body). */
    public static ConverseRequest toWire(ChatRequest request, String modelId) {
        List<Message> messages = messages(request.messages());
        Integer maxTokens = request.maxTokens();
        ObjectNode additional = JSON.createObjectNode();
        ModelFamily family = ModelFamily.of(modelId);

        ReasoningOptions reasoning = request.reasoning();
        if (family == ModelFamily.CLAUDE && reasoning != null
                && (reasoning.budgetTokens() == null || reasoning.budgetTokens() > 0)) {
            int budget = Math.max(MIN_THINKING_BUDGET,
                    reasoning.budgetOr(maxTokens != null ? maxTokens : NOMINAL_MAX_TOKENS));
            // Claude refuses a budget that is not below max tokens: a max tokens that cannot hold the budget is
            // read as the answer's length, with the thinking on top (as the Anthropic adapter does)
            if (maxTokens != null && budget >= maxTokens) {
                maxTokens = budget + maxTokens;
            }
            additional.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        }
        if (request.topK() != null) {
            switch (family) {
                case CLAUDE -> additional.put("top_k", request.topK());
                case NOVA -> additional.putObject("inferenceConfig").put("topK", request.topK());
                // other families take no top_k through Converse; a sampling hint is not worth a refusal
                default -> {
                }
            }
        }

        ConverseRequest.InferenceConfiguration inference = maxTokens == null && request.temperature() == null
                && request.topP() == null && request.stop().isEmpty() ? null
                : new ConverseRequest.InferenceConfiguration(maxTokens, request.temperature(), request.topP(),
                        request.stop().isEmpty() ? null : request.stop());
        return new ConverseRequest(messages, system(request.system()), inference,
                toolConfig(request.tools(), request.toolChoice(), messages),
                additional.isEmpty() ? null : additional);
    }

    public static byte[] encode(ConverseRequest request) {
        try {
            return JSON.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a Converse request", e);
        }
    }

    private static List<SystemContentBlock> system(List<ContentPart> system) {
        if (system.isEmpty()) {
            return null;
        }
        List<SystemContentBlock> out = new ArrayList<>();
        for (ContentPart part : system) {
            if (part instanceof ContentPart.Text t) {
                if (!t.text().isEmpty()) {
                    out.add(SystemContentBlock.ofText(t.text()));
                }
                if (t.cacheBreakpoint() && !out.isEmpty()) {
                    out.add(SystemContentBlock.ofCachePoint());
                }
            }
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * The conversation, with consecutive messages of one role merged: Converse refuses two user (or assistant)
     * messages in a row, which OpenAI-style callers produce with one tool message per tool result.
     */
    private static List<Message> messages(List<ChatMessage> messages) {
        List<Message> out = new ArrayList<>();
        for (ChatMessage message : messages) {
            String role = message.role() == Role.ASSISTANT ? "assistant" : "user";
            List<ContentBlock> blocks = new ArrayList<>();
            for (ContentPart part : message.content()) {
                content(part, blocks);
            }
            if (!out.isEmpty() && out.getLast().role().equals(role)) {
                List<ContentBlock> merged = new ArrayList<>(out.getLast().content());
                merged.addAll(blocks);
                out.set(out.size() - 1, new Message(role, merged));
            } else {
                out.add(new Message(role, blocks));
            }
        }
        return out;
    }

    private static void content(ContentPart part, List<ContentBlock> out) {
        switch (part) {
            case ContentPart.Text t -> {
                // Converse refuses blank text blocks; OpenAI-style callers send "" beside tool calls
                if (!t.text().isBlank()) {
                    out.add(ContentBlock.ofText(t.text()));
                }
                if (t.cacheBreakpoint() && !out.isEmpty()) {
                    out.add(ContentBlock.ofCachePoint());
                }
            }
            case ContentPart.Image image -> out.add(ContentBlock.ofImage(image(image)));
            case ContentPart.ToolCall call -> out.add(ContentBlock.ofToolUse(
                    new ContentBlock.ToolUseBlock(call.id(), call.name(), toolInput(call))));
            case ContentPart.ToolResult result -> out.add(ContentBlock.ofToolResult(toolResult(result)));
            case ContentPart.Reasoning r -> {
                // reasoning goes back only as the model gave it: signed, or encrypted; Claude refuses anything else
                if (r.redacted() != null) {
                    out.add(ContentBlock.ofReasoning(new ContentBlock.ReasoningContentBlock(null, r.redacted())));
                } else if (r.signature() != null) {
                    out.add(ContentBlock.ofReasoning(new ContentBlock.ReasoningContentBlock(
                            new ContentBlock.ReasoningTextBlock(r.text() == null ? "" : r.text(), r.signature()),
                            null)));
                }
            }
        }
    }

    private static ContentBlock.ToolResultBlock toolResult(ContentPart.ToolResult result) {
        List<ContentBlock.ToolResultContentBlock> content = new ArrayList<>();
        for (ContentPart part : result.content()) {
            switch (part) {
                case ContentPart.Text t -> content.add(ContentBlock.ToolResultContentBlock.ofText(t.text()));
                case ContentPart.Image image -> content.add(new ContentBlock.ToolResultContentBlock(null, null,
                        image(image)));
                default -> throw badRequest("A tool result may hold text and images only");
            }
        }
        if (content.isEmpty()) {
            // a result with nothing in it still answers the call; Converse wants at least one block
            content.add(ContentBlock.ToolResultContentBlock.ofText(""));
        }
        return new ContentBlock.ToolResultBlock(result.toolCallId(), content, result.isError() ? "error" : "success");
    }

    /** Inline images (base64, or a base64 data URL) and S3 objects; Bedrock fetches no http(s) URL. */
    private static ContentBlock.ImageBlock image(ContentPart.Image image) {
        if (image.isInline()) {
            return new ContentBlock.ImageBlock(imageFormat(image.mediaType()),
                    new ContentBlock.ImageSource(image.data(), null));
        }
        String url = image.url() == null ? "" : image.url();
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            if (comma > 0 && meta.endsWith(";base64")) {
                return new ContentBlock.ImageBlock(imageFormat(meta.substring(0, meta.length() - 7)),
                        new ContentBlock.ImageSource(url.substring(comma + 1), null));
            }
            throw badRequest("An image data URL must be base64-encoded (data:<media type>;base64,...)");
        }
        if (url.startsWith("s3://")) {
            return new ContentBlock.ImageBlock(imageFormat(guessMediaType(url)),
                    new ContentBlock.ImageSource(null, new ContentBlock.S3Location(url, null)));
        }
        throw badRequest("Amazon Bedrock does not fetch images by URL: send the image inline (base64) or as s3://");
    }

    private static String imageFormat(String mediaType) {
        String type = mediaType == null ? "" : mediaType.toLowerCase(Locale.ROOT).strip();
        return switch (type) {
            case "image/png" -> "png";
            case "image/jpeg", "image/jpg" -> "jpeg";
            case "image/gif" -> "gif";
            case "image/webp" -> "webp";
            default -> throw badRequest("Amazon Bedrock takes PNG, JPEG, GIF and WebP images, not '" + mediaType
                    + "'");
        };
    }

    private static String guessMediaType(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".png")) return "image/png";
        if (lower.endsWith(".gif")) return "image/gif";
        if (lower.endsWith(".webp")) return "image/webp";
        if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) return "image/jpeg";
        throw badRequest("Cannot tell the image format of " + url + " from its name (png, jpeg, gif or webp)");
    }

    /** The arguments text as the JSON object Converse wants in {@code toolUse.input}. */
    private static JsonNode toolInput(ContentPart.ToolCall call) {
        String arguments = call.arguments();
        if (arguments == null || arguments.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode input = JSON.readTree(arguments);
            if (input != null && input.isObject()) {
                return input;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw badRequest("The arguments of tool call '" + call.id() + "' (" + call.name()
                + ") are not a JSON object, which Converse requires for toolUse input");
    }

    /**
     * Tools and the choice among them. Converse has no "none": with tool_choice none the tools are left out, unless
     * the conversation holds tool blocks, which Converse accepts only with a toolConfig. Tools used in the
     * conversation but no longer offered are declared with an open schema for the same reason.
     */
    private static ConverseRequest.ToolConfiguration toolConfig(List<ToolDefinition> tools, ToolChoice choice,
                                                                List<Message> messages) {
        Set<String> usedNames = new LinkedHashSet<>();
        boolean toolBlocks = false;
        for (Message message : messages) {
            for (ContentBlock block : message.content()) {
                if (block.toolUse() != null) {
                    usedNames.add(block.toolUse().name());
                    toolBlocks = true;
                }
                toolBlocks |= block.toolResult() != null;
            }
        }
        boolean none = choice instanceof ToolChoice.None;
        if ((tools.isEmpty() || none) && !toolBlocks) {
            return null;
        }
        Map<String, ConverseRequest.Tool> specs = new LinkedHashMap<>();
        for (ToolDefinition tool : tools) {
            JsonNode schema = tool.parameters() != null ? tool.parameters() : openSchema();
            specs.put(tool.name(), new ConverseRequest.Tool(new ConverseRequest.ToolSpecification(tool.name(),
                    blankToNull(tool.description()), new ConverseRequest.ToolInputSchema(schema)), null));
        }
        for (String name : usedNames) {
            specs.computeIfAbsent(name, n -> new ConverseRequest.Tool(new ConverseRequest.ToolSpecification(n, null,
                    new ConverseRequest.ToolInputSchema(openSchema())), null));
        }
        if (specs.isEmpty()) {
            // tool results without any tool call or definition: nothing to declare, Bedrock will say what it thinks
            return null;
        }
        ConverseRequest.ToolChoice wire = switch (choice) {
            case ToolChoice.Auto a -> ConverseRequest.ToolChoice.AUTO;
            case ToolChoice.Required r -> ConverseRequest.ToolChoice.ANY;
            case ToolChoice.Named n -> ConverseRequest.ToolChoice.tool(n.name());
            // none, or no choice given: Converse's default, which is auto
            case ToolChoice.None n -> null;
            case null -> null;
        };
        return new ConverseRequest.ToolConfiguration(List.copyOf(specs.values()), wire);
    }

    private static ObjectNode openSchema() {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        schema.putObject("properties");
        return schema;
    }

    // ---- response -----------------------------------------------------------------------------------------------

    public static ConverseResponse decodeResponse(byte[] body) {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (IOException e) {
            throw BedrockErrors.malformed("Bedrock's answer is not JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw BedrockErrors.malformed("Bedrock's answer is not a JSON object");
        }
        try {
            ConverseResponse response = JSON.treeToValue(tree, ConverseResponse.class);
            if (response.output() == null || response.output().message() == null) {
                throw BedrockErrors.malformed("Bedrock's answer has no output message");
            }
            return response;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw BedrockErrors.malformed("Bedrock's answer does not have the Converse shape");
        }
    }

    /** @param id the request id (Converse has none in its body: the {@code x-amzn-RequestId} header) */
    public static ChatResponse fromWire(ConverseResponse response, String id, String model) {
        List<ContentPart> parts = new ArrayList<>();
        List<ContentBlock> content = response.output().message().content();
        for (ContentBlock block : content == null ? List.<ContentBlock>of() : content) {
            ContentPart part = part(block);
            if (part != null) {
                parts.add(part);
            }
        }
        return new ChatResponse(id, model, parts, finishReason(response.stopReason()), response.stopReason(),
                usage(response.usage()));
    }

    private static ContentPart part(ContentBlock block) {
        if (block.text() != null) {
            return ContentPart.Text.of(block.text());
        }
        if (block.toolUse() != null) {
            ContentBlock.ToolUseBlock use = block.toolUse();
            JsonNode input = use.input();
            return new ContentPart.ToolCall(use.toolUseId(), use.name(),
                    input == null || input.isNull() || input.isMissingNode() ? "{}" : input.toString());
        }
        if (block.reasoningContent() != null) {
            ContentBlock.ReasoningContentBlock r = block.reasoningContent();
            if (r.redactedContent() != null) {
                return new ContentPart.Reasoning("", null, r.redactedContent());
            }
            if (r.reasoningText() != null) {
                return new ContentPart.Reasoning(r.reasoningText().text() == null ? "" : r.reasoningText().text(),
                        r.reasoningText().signature(), null);
            }
        }
        // images, documents, citations and guard content in an answer have no neutral part yet
        return null;
    }

    /**
     * Converse's stopReason in our terms; an unknown future reason reads as a normal stop, its native word kept.
     * A guardrail that intervened and a content filter both cut the answer for safety.
     */
    static FinishReason finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "guardrail_intervened", "content_filtered" -> FinishReason.CONTENT_FILTER;
            case null, default -> FinishReason.STOP;
        };
    }

    /** Our input count includes the cached tokens, which Converse counts apart. */
    static Usage usage(TokenUsage usage) {
        if (usage == null) {
            return Usage.NONE;
        }
        int read = orZero(usage.cacheReadInputTokens());
        int write = orZero(usage.cacheWriteInputTokens());
        return new Usage(orZero(usage.inputTokens()) + read + write, orZero(usage.outputTokens()), read, write, 0);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static UpstreamError badRequest(String message) {
        return UpstreamError.of(UpstreamErrorKind.BAD_REQUEST, message);
    }

    /** The model families whose extra request fields we know, told by the model or inference profile id. */
    enum ModelFamily {
        CLAUDE, NOVA, OTHER;

        static ModelFamily of(String modelId) {
            String id = modelId == null ? "" : modelId.toLowerCase(Locale.ROOT);
            if (id.contains("anthropic.claude")) {
                return CLAUDE;
            }
            if (id.contains("amazon.nova")) {
                return NOVA;
            }
            return OTHER;
        }
    }
}
