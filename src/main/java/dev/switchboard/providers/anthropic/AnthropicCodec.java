package dev.switchboard.providers.anthropic;

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
import dev.switchboard.llm.ResponseFormat;
import dev.switchboard.llm.Role;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.anthropic.wire.AnthropicContentBlock;
import dev.switchboard.providers.anthropic.wire.AnthropicContentBlock.CacheControl;
import dev.switchboard.providers.anthropic.wire.AnthropicContentBlock.ImageSource;
import dev.switchboard.providers.anthropic.wire.AnthropicMessagesRequest;
import dev.switchboard.providers.anthropic.wire.AnthropicMessagesRequest.AnthropicMessage;
import dev.switchboard.providers.anthropic.wire.AnthropicMessagesRequest.AnthropicMetadata;
import dev.switchboard.providers.anthropic.wire.AnthropicMessagesRequest.AnthropicOutputConfig;
import dev.switchboard.providers.anthropic.wire.AnthropicMessagesRequest.AnthropicOutputFormat;
import dev.switchboard.providers.anthropic.wire.AnthropicMessagesRequest.AnthropicThinking;
import dev.switchboard.providers.anthropic.wire.AnthropicMessagesRequest.AnthropicTool;
import dev.switchboard.providers.anthropic.wire.AnthropicMessagesRequest.AnthropicToolChoice;
import dev.switchboard.providers.anthropic.wire.AnthropicMessagesResponse;
import dev.switchboard.providers.anthropic.wire.AnthropicUsage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure mapping between our neutral types and the Messages API: request to body, response body to {@link ChatResponse}.
 * The same codec serves Claude on Anthropic, Vertex AI and Bedrock ({@link AnthropicDialect}).
 *
 * <h2>Decisions a caller may not expect</h2>
 * <ul>
 *   <li><b>max_tokens</b> is required by the API. When the caller gives none we send {@code defaultMaxTokens}
 *   (the adapter uses {@value #DEFAULT_MAX_TOKENS}), not the endpoint's maximum output: Anthropic reserves
 *   output-tokens-per-minute quota from max_tokens when a request starts, so a 32k or 64k default would throttle
 *   low-tier accounts with 429s for answers that are mostly short; every Claude model accepts 4096; and a cut answer
 *   is visible as {@link FinishReason#LENGTH}, so a caller who wants more sets max_tokens.</li>
 *   <li><b>Thinking budget</b>: the API wants 1024 &le; budget_tokens &lt; max_tokens. A smaller budget is raised to
 *   1024. When the caller set no max_tokens, max_tokens becomes budget + default, so the answer keeps its usual room
 *   after the thinking; when the caller's max_tokens cannot hold the budget, it becomes budget + the caller's
 *   max_tokens (they clearly meant the answer's length). A budget of zero or less means no thinking.</li>
 *   <li><b>response_format</b>: a strict json_schema uses the API's structured outputs
 *   ({@code output_config.format}), which guarantees the schema by constrained decoding; a model or host without
 *   it answers 400, so routing moves to an endpoint that has it instead of returning JSON that merely looks right.
 *   A non-strict json_schema and json_object, which promise only best effort elsewhere too, become a system
 *   instruction (with the schema) and work on every Claude model.</li>
 *   <li>Reasoning from another provider carries no Anthropic signature and cannot be sent back (the API rejects
 *   unsigned thinking), so it is left out of the history; signed and redacted thinking go back unchanged.</li>
 *   <li>seed, frequency_penalty and presence_penalty have no Messages equivalent and are not sent; routing's
 *   require_parameters is the way to insist on them.</li>
 * </ul>
 */
public final class AnthropicCodec {

    public static final int DEFAULT_MAX_TOKENS = 4096;
    static final int MIN_THINKING_BUDGET = 1024;

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            // two events run together (a lost SSE blank line) must fail, not pass as the first one alone
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    static final String JSON_OBJECT_INSTRUCTION = "Respond with a single valid JSON object and nothing else: "
            + "no text before or after it, no Markdown code fences.";

    private final AnthropicDialect dialect;
    private final int defaultMaxTokens;

    public AnthropicCodec(AnthropicDialect dialect, int defaultMaxTokens) {
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("defaultMaxTokens must be positive");
        }
        this.dialect = dialect;
        this.defaultMaxTokens = defaultMaxTokens;
    }

    public AnthropicDialect dialect() {
        return dialect;
    }

    /** The request body, ready to send; fails with {@link UpstreamErrorKind#BAD_REQUEST} for what Claude refuses. */
    public byte[] encodeRequest(ChatRequest request, boolean stream) {
        try {
            return JSON.writeValueAsBytes(toWire(request, stream));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write a Messages request", e);
        }
    }

    /** The request body as a tree, for a host that must adjust it further before sending. */
    public ObjectNode requestTree(ChatRequest request, boolean stream) {
        return JSON.valueToTree(toWire(request, stream));
    }

    AnthropicMessagesRequest toWire(ChatRequest request, boolean stream) {
        int maxTokens = request.maxTokens() != null ? request.maxTokens() : defaultMaxTokens;
        AnthropicThinking thinking = null;
        ReasoningOptions reasoning = request.reasoning();
        if (reasoning != null && (reasoning.budgetTokens() == null || reasoning.budgetTokens() > 0)) {
            int budget = Math.max(MIN_THINKING_BUDGET, reasoning.budgetOr(maxTokens));
            // The API refuses budget_tokens >= max_tokens. Raise max_tokens rather than shrink the thinking the
            // caller asked for: with no max_tokens given the answer keeps the default room after the thinking;
            // a given max_tokens that cannot even hold the budget is read as the answer's length.
            if (request.maxTokens() == null) {
                maxTokens = budget + defaultMaxTokens;
            } else if (budget >= maxTokens) {
                maxTokens = budget + request.maxTokens();
            }
            thinking = AnthropicThinking.enabled(budget);
        }

        List<AnthropicTool> tools = tools(request.tools());
        return new AnthropicMessagesRequest(
                dialect.modelInBody() ? request.model() : null,
                dialect.anthropicVersion(),
                maxTokens,
                system(request),
                messages(request.messages()),
                tools,
                tools == null ? null : toolChoice(request.toolChoice()),
                request.temperature(),
                request.topP(),
                request.topK(),
                request.stop().isEmpty() ? null : request.stop(),
                metadata(request),
                thinking,
                outputConfig(request.responseFormat()),
                stream && dialect.streamFlagInBody() ? Boolean.TRUE : null);
    }

    // ---- request pieces

    /** A plain string when nothing is cached, else text blocks so each breakpoint can carry cache_control. */
    private static Object system(ChatRequest request) {
        List<AnthropicContentBlock.Text> blocks = new ArrayList<>();
        boolean cached = false;
        for (ContentPart part : request.system()) {
            if (part instanceof ContentPart.Text t && !t.text().isEmpty()) {
                blocks.add(text(t));
                cached |= t.cacheBreakpoint();
            }
        }
        String instruction = formatInstruction(request.responseFormat());
        if (instruction != null) {
            // after any cached prefix, so the instruction does not change what the cache holds
            blocks.add(new AnthropicContentBlock.Text(instruction, null));
        }
        if (blocks.isEmpty()) {
            return null;
        }
        if (cached) {
            return blocks;
        }
        StringBuilder sb = new StringBuilder();
        for (AnthropicContentBlock.Text block : blocks) {
            if (!sb.isEmpty()) {
                sb.append("\n\n");
            }
            sb.append(block.text());
        }
        return sb.toString();
    }

    private static String formatInstruction(ResponseFormat format) {
        return switch (format) {
            case ResponseFormat.JsonObject j -> JSON_OBJECT_INSTRUCTION;
            case ResponseFormat.JsonSchema s when !s.strict() -> "Respond with a single valid JSON object that "
                    + "conforms to the following JSON Schema" + (s.name() == null ? "" : " (\"" + s.name() + "\")")
                    + ", and nothing else: no text before or after it, no Markdown code fences.\n"
                    + (s.schema() == null ? "{}" : s.schema().toString());
            case null, default -> null;
        };
    }

    private static AnthropicOutputConfig outputConfig(ResponseFormat format) {
        if (format instanceof ResponseFormat.JsonSchema s && s.strict()) {
            if (s.schema() == null) {
                throw badRequest("A strict json_schema response format needs a schema");
            }
            return new AnthropicOutputConfig(AnthropicOutputFormat.jsonSchema(s.schema()));
        }
        return null;
    }

    /**
     * Messages as the API needs them: roles alternating (consecutive same-role turns merged), no empty turns, no
     * empty text blocks, tool results first within a user turn, and no trailing whitespace ending the conversation
     * on an assistant prefill. Each of these is a 400 from the API otherwise.
     */
    static List<AnthropicMessage> messages(List<ChatMessage> input) {
        List<AnthropicMessage> out = new ArrayList<>();
        for (ChatMessage message : input) {
            List<AnthropicContentBlock> blocks = new ArrayList<>();
            for (ContentPart part : message.content()) {
                AnthropicContentBlock block = block(part);
                if (block != null) {
                    blocks.add(block);
                }
            }
            if (blocks.isEmpty()) {
                continue;
            }
            String role = message.role() == Role.USER ? "user" : "assistant";
            if (!out.isEmpty() && out.getLast().role().equals(role)) {
                out.getLast().content().addAll(blocks);
            } else {
                out.add(new AnthropicMessage(role, blocks));
            }
        }
        List<AnthropicMessage> result = new ArrayList<>(out.size());
        for (AnthropicMessage message : out) {
            List<AnthropicContentBlock> blocks = message.content();
            if (message.role().equals("user")) {
                blocks = toolResultsFirst(blocks);
            }
            result.add(new AnthropicMessage(message.role(), List.copyOf(blocks)));
        }
        if (!result.isEmpty() && result.getLast().role().equals("assistant")) {
            result.set(result.size() - 1, withoutTrailingWhitespace(result.getLast()));
        }
        return List.copyOf(result);
    }

    private static List<AnthropicContentBlock> toolResultsFirst(List<AnthropicContentBlock> blocks) {
        List<AnthropicContentBlock> sorted = new ArrayList<>(blocks.size());
        blocks.stream().filter(AnthropicContentBlock.ToolResult.class::isInstance).forEach(sorted::add);
        blocks.stream().filter(b -> !(b instanceof AnthropicContentBlock.ToolResult)).forEach(sorted::add);
        return sorted;
    }

    private static AnthropicMessage withoutTrailingWhitespace(AnthropicMessage last) {
        List<AnthropicContentBlock> blocks = new ArrayList<>(last.content());
        if (blocks.getLast() instanceof AnthropicContentBlock.Text t) {
            String stripped = t.text().stripTrailing();
            if (stripped.isEmpty()) {
                blocks.removeLast();
            } else {
                blocks.set(blocks.size() - 1, new AnthropicContentBlock.Text(stripped, t.cacheControl()));
            }
        }
        return new AnthropicMessage(last.role(), List.copyOf(blocks));
    }

    /** One neutral part as a block, or null when it has nothing the API would accept. */
    private static AnthropicContentBlock block(ContentPart part) {
        return switch (part) {
            case ContentPart.Text t -> t.text().isEmpty() ? null : text(t);
            case ContentPart.Image i -> image(i);
            case ContentPart.ToolCall c -> new AnthropicContentBlock.ToolUse(c.id(), c.name(), toolInput(c), null);
            case ContentPart.ToolResult r -> toolResult(r);
            case ContentPart.Reasoning r -> {
                if (r.redacted() != null) {
                    yield new AnthropicContentBlock.RedactedThinking(r.redacted());
                }
                if (r.signature() != null) {
                    yield new AnthropicContentBlock.Thinking(r.text() == null ? "" : r.text(), r.signature());
                }
                yield null;
            }
        };
    }

    private static AnthropicContentBlock.Image image(ContentPart.Image image) {
        if (image.isInline()) {
            return new AnthropicContentBlock.Image(ImageSource.base64(image.mediaType(), image.data()), null);
        }
        String url = image.url();
        // OpenAI-style clients send inline images as data URLs; Anthropic's url source fetches http(s) only
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            if (comma > 0 && meta.endsWith(";base64")) {
                return new AnthropicContentBlock.Image(
                        ImageSource.base64(meta.substring(0, meta.length() - ";base64".length()),
                                url.substring(comma + 1)), null);
            }
            throw badRequest("An image data URL must be base64-encoded (data:<media type>;base64,...)");
        }
        return new AnthropicContentBlock.Image(ImageSource.url(url), null);
    }

    private static AnthropicContentBlock.ToolResult toolResult(ContentPart.ToolResult result) {
        List<AnthropicContentBlock> content = new ArrayList<>();
        for (ContentPart part : result.content()) {
            switch (part) {
                case ContentPart.Text t when !t.text().isEmpty() -> content.add(text(t));
                case ContentPart.Image i -> content.add(image(i));
                default -> {
                    // tool results hold text and images only
                }
            }
        }
        return new AnthropicContentBlock.ToolResult(result.toolCallId(),
                content.isEmpty() ? null : List.copyOf(content), result.isError() ? Boolean.TRUE : null, null);
    }

    private static AnthropicContentBlock.Text text(ContentPart.Text text) {
        return new AnthropicContentBlock.Text(text.text(), text.cacheBreakpoint() ? CacheControl.EPHEMERAL : null);
    }

    /** The arguments text as the JSON object the API wants in {@code input}. */
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
                + ") are not a JSON object, which Claude requires for tool_use input");
    }

    private static List<AnthropicTool> tools(List<ToolDefinition> tools) {
        if (tools.isEmpty()) {
            return null;
        }
        List<AnthropicTool> out = new ArrayList<>(tools.size());
        for (ToolDefinition tool : tools) {
            JsonNode schema = tool.parameters() != null ? tool.parameters()
                    : JSON.createObjectNode().put("type", "object").set("properties", JSON.createObjectNode());
            out.add(new AnthropicTool(tool.name(), tool.description(), schema, tool.strict() ? Boolean.TRUE : null));
        }
        return List.copyOf(out);
    }

    private static AnthropicToolChoice toolChoice(ToolChoice choice) {
        return switch (choice) {
            case null -> null;
            case ToolChoice.Auto a -> new AnthropicToolChoice("auto", null, a.parallel() ? null : Boolean.TRUE);
            case ToolChoice.Required r -> new AnthropicToolChoice("any", null, r.parallel() ? null : Boolean.TRUE);
            case ToolChoice.Named n -> new AnthropicToolChoice("tool", n.name(), null);
            case ToolChoice.None n -> new AnthropicToolChoice("none", null, null);
        };
    }

    private static AnthropicMetadata metadata(ChatRequest request) {
        String user = request.user() != null ? request.user() : request.metadata().get("user_id");
        return user == null || user.isBlank() ? null : new AnthropicMetadata(user);
    }

    // ---- response

    /** A non-streamed response body; fails with {@link UpstreamErrorKind#MALFORMED_RESPONSE} if it is not one. */
    public ChatResponse decodeResponse(byte[] body) {
        return decodeResponse(readObject(body));
    }

    /** The answer's JSON object, parsed once; what a pass-through sends back and then decodes with the next. */
    public ObjectNode readObject(byte[] body) {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (IOException e) {
            throw malformed("The provider's response is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw malformed("The provider's response is not a JSON object");
        }
        return (ObjectNode) tree;
    }

    public ChatResponse decodeResponse(ObjectNode tree) {
        if ("error".equals(tree.path("type").asText()) && tree.path("error").isObject()) {
            // an error inside a 200, as some proxies in front of the API do
            throw AnthropicErrors.fromErrorObject(tree.get("error"));
        }
        AnthropicMessagesResponse response;
        try {
            response = JSON.treeToValue(tree, AnthropicMessagesResponse.class);
        } catch (IOException | IllegalArgumentException e) {
            throw malformed("The provider's response is not valid JSON");
        }
        if (response.content() == null) {
            throw malformed("The provider's response has no content");
        }
        return toNeutral(response);
    }

    static ChatResponse toNeutral(AnthropicMessagesResponse response) {
        List<ContentPart> parts = new ArrayList<>();
        for (AnthropicContentBlock block : response.content()) {
            ContentPart part = part(block);
            if (part != null) {
                parts.add(part);
            }
        }
        return new ChatResponse(response.id(), response.model(), parts, finishReason(response.stopReason()),
                response.stopReason(), usage(response.usage()));
    }

    private static ContentPart part(AnthropicContentBlock block) {
        return switch (block) {
            case AnthropicContentBlock.Text t -> t.text() == null ? null : ContentPart.Text.of(t.text());
            case AnthropicContentBlock.ToolUse u -> new ContentPart.ToolCall(u.id(), u.name(), compactJson(u.input()));
            case AnthropicContentBlock.Thinking t -> new ContentPart.Reasoning(
                    t.thinking() == null ? "" : t.thinking(), t.signature(), null);
            // redacted thinking has no readable text: an empty text, and the opaque data to send back
            case AnthropicContentBlock.RedactedThinking r -> new ContentPart.Reasoning("", null, r.data());
            default -> null;
        };
    }

    static String compactJson(JsonNode input) {
        if (input == null || input.isNull() || input.isMissingNode()) {
            return "{}";
        }
        return input.toString();
    }

    /**
     * Anthropic's stop_reason in our terms. pause_turn (a server tool's long turn paused, to be continued by sending
     * the answer back) ends this response normally; model_context_window_exceeded is an output cut short like
     * max_tokens. An unknown future reason reads as a normal stop, its native word kept beside it.
     */
    static FinishReason finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            case null, default -> FinishReason.STOP;
        };
    }

    /** Our input total counts the cached prompt too: input_tokens + cache read + cache creation. */
    static Usage usage(AnthropicUsage usage) {
        if (usage == null) {
            return Usage.NONE;
        }
        return usage(usage.inputTokens(), usage.outputTokens(), usage.cacheReadInputTokens(),
                usage.cacheCreationInputTokens());
    }

    static Usage usage(Integer input, Integer output, Integer cacheRead, Integer cacheWrite) {
        int read = orZero(cacheRead);
        int write = orZero(cacheWrite);
        return new Usage(orZero(input) + read + write, orZero(output), read, write, 0);
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    static UpstreamError malformed(String message) {
        return UpstreamError.of(UpstreamErrorKind.MALFORMED_RESPONSE, message);
    }

    private static UpstreamError badRequest(String message) {
        return UpstreamError.of(UpstreamErrorKind.BAD_REQUEST, message);
    }
}
