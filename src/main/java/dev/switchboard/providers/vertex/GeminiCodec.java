package dev.switchboard.providers.vertex;

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
import dev.switchboard.providers.vertex.wire.Content;
import dev.switchboard.providers.vertex.wire.GenerateContentRequest;
import dev.switchboard.providers.vertex.wire.GenerateContentResponse;
import dev.switchboard.providers.vertex.wire.GenerationConfig;
import dev.switchboard.providers.vertex.wire.Part;
import dev.switchboard.providers.vertex.wire.Tool;
import dev.switchboard.providers.vertex.wire.ToolConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our neutral request to Gemini's {@code generateContent} body and its answer back, without I/O.
 *
 * <p>Gemini differs from the other protocols in a few ways that shape this class: roles are {@code user} and
 * {@code model}; tool results are {@code functionResponse} parts in a user turn, matched to their call by function
 * <em>name</em> (so the names are looked up from the calls of earlier assistant messages by id); Gemini gives its calls
 * no ids, so {@link #toolCallId} makes stable ones; and {@code thoughtSignature}s, Gemini's proof of its reasoning,
 * travel as {@link ContentPart.Reasoning} parts and go back on the part they came on.
 */
public final class GeminiCodec {

    /** Jackson for the wire records: nulls left out, unknown fields (Google adds them often) ignored. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final Pattern SYNTHETIC_ID = Pattern.compile("call_\\d+_(.+)");
    private static final Pattern DATA_URL = Pattern.compile("(?s)data:([^;,]+)(?:;[^,]*)?;base64,(.*)");

    private GeminiCodec() {
    }

    // ---- request ----

    public static GenerateContentRequest toWire(ChatRequest request) {
        Map<String, String> toolNames = toolNamesById(request.messages());
        List<Content> contents = new ArrayList<>();
        for (ChatMessage message : request.messages()) {
            String role = message.role() == Role.USER ? Content.USER : Content.MODEL;
            List<Part> parts = parts(message, toolNames);
            if (parts.isEmpty()) {
                continue;
            }
            if (!contents.isEmpty() && contents.getLast().role().equals(role)) {
                // tool results arrive one message each; Gemini wants all the answers to one turn's calls in one turn
                List<Part> merged = new ArrayList<>(contents.getLast().parts());
                merged.addAll(parts);
                contents.set(contents.size() - 1, new Content(role, merged));
            } else {
                contents.add(new Content(role, parts));
            }
        }
        if (contents.isEmpty()) {
            throw badRequest("The request has no message with content");
        }
        return new GenerateContentRequest(contents, systemInstruction(request), tools(request), toolConfig(request),
                generationConfig(request));
    }

    public static byte[] encode(GenerateContentRequest request) {
        try {
            return JSON.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a Gemini request", e);
        }
    }

    /**
     * A countTokens body: what the model would read (contents, system instruction, tools), not how it would answer.
     * {@code geminiApiModel} non-null wraps it as the Gemini API takes it, {@code {"generateContentRequest": {"model":
     * "models/...", ...}}}, which is its only form that counts a system instruction and tools; Vertex takes the fields
     * at the top level.
     */
    public static byte[] countTokensBody(ChatRequest request, String geminiApiModel) {
        GenerateContentRequest wire = toWire(request);
        com.fasterxml.jackson.databind.node.ObjectNode fields = JSON.valueToTree(new GenerateContentRequest(
                wire.contents(), wire.systemInstruction(), wire.tools(), null, null));
        com.fasterxml.jackson.databind.node.ObjectNode body = fields;
        if (geminiApiModel != null) {
            body = JSON.createObjectNode();
            fields.put("model", "models/" + geminiApiModel);
            body.set("generateContentRequest", fields);
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a Gemini request", e);
        }
    }

    private static Content systemInstruction(ChatRequest request) {
        List<Part> parts = new ArrayList<>();
        for (ContentPart part : request.system()) {
            if (part instanceof ContentPart.Text t && !t.text().isEmpty()) {
                parts.add(Part.text(t.text()));
            } else if (!(part instanceof ContentPart.Text)) {
                throw badRequest("Gemini takes only text in the system instruction");
            }
        }
        return parts.isEmpty() ? null : new Content(null, parts);
    }

    /** Every tool call id of the conversation's assistant messages, to the function it called. */
    private static Map<String, String> toolNamesById(List<ChatMessage> messages) {
        Map<String, String> names = new HashMap<>();
        for (ChatMessage message : messages) {
            if (message.role() == Role.ASSISTANT) {
                for (ContentPart part : message.content()) {
                    if (part instanceof ContentPart.ToolCall call && call.id() != null) {
                        names.put(call.id(), call.name());
                    }
                }
            }
        }
        return names;
    }

    private static List<Part> parts(ChatMessage message, Map<String, String> toolNames) {
        boolean model = message.role() == Role.ASSISTANT;
        List<Part> parts = new ArrayList<>();
        String pendingSignature = null;
        for (ContentPart part : message.content()) {
            Part wire = switch (part) {
                case ContentPart.Text t -> t.text().isEmpty() ? null : Part.text(t.text());
                case ContentPart.Image image -> image(image);
                case ContentPart.ToolCall call -> Part.call(call.name(), arguments(call));
                case ContentPart.ToolResult result -> {
                    parts.add(Part.response(toolName(result, toolNames), functionResponse(result)));
                    // images a tool returned follow its response in the same turn
                    for (ContentPart inner : result.content()) {
                        if (inner instanceof ContentPart.Image image) {
                            parts.add(image(image));
                        }
                    }
                    yield null;
                }
                case ContentPart.Reasoning reasoning -> {
                    // only Gemini's own reasoning can go back: a thought summary with its signature as a thought
                    // part, a bare signature on the part that follows it; other providers' reasoning is dropped
                    if (!model || reasoning.signature() == null) {
                        yield null;
                    }
                    if (reasoning.text() == null || reasoning.text().isEmpty()) {
                        pendingSignature = reasoning.signature();
                        yield null;
                    }
                    yield Part.thought(reasoning.text(), reasoning.signature());
                }
            };
            if (wire != null) {
                if (pendingSignature != null && !wire.isThought()) {
                    wire = wire.withThoughtSignature(pendingSignature);
                    pendingSignature = null;
                }
                parts.add(wire);
            }
        }
        if (pendingSignature != null && !parts.isEmpty() && parts.getLast().thoughtSignature() == null) {
            // a signature that came last (a stream's closing chunk) goes back on the part before it
            parts.set(parts.size() - 1, parts.getLast().withThoughtSignature(pendingSignature));
        }
        return parts;
    }

    private static Part image(ContentPart.Image image) {
        if (image.isInline()) {
            return Part.inline(image.mediaType() != null ? image.mediaType() : "image/jpeg", image.data());
        }
        String url = image.url();
        if (url == null || url.isBlank()) {
            throw badRequest("An image part has neither data nor a URL");
        }
        Matcher data = DATA_URL.matcher(url);
        if (data.matches()) {
            return Part.inline(data.group(1), data.group(2));
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("gs://") && !lower.startsWith("https://") && !lower.startsWith("http://")) {
            throw badRequest("Gemini fetches images only from gs://, https:// or data: URLs");
        }
        return Part.file(image.mediaType() != null ? image.mediaType() : mediaTypeOf(lower), url);
    }

    /** Gemini needs a media type for a file by URI; guessed from the extension where the caller gave none. */
    static String mediaTypeOf(String url) {
        String path = url.replaceFirst("[?#].*$", "");
        int dot = path.lastIndexOf('.');
        String ext = dot < 0 ? "" : path.substring(dot + 1);
        return switch (ext) {
            case "png" -> "image/png";
            case "webp" -> "image/webp";
            case "gif" -> "image/gif";
            case "heic" -> "image/heic";
            case "heif" -> "image/heif";
            case "pdf" -> "application/pdf";
            default -> "image/jpeg";
        };
    }

    private static JsonNode arguments(ContentPart.ToolCall call) {
        String text = call.arguments();
        if (text == null || text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode args = JSON.readTree(text);
            if (args != null && args.isObject()) {
                return args;
            }
        } catch (JsonProcessingException e) {
            // below
        }
        throw badRequest("The arguments of tool call " + call.name() + " are not a JSON object");
    }

    private static String toolName(ContentPart.ToolResult result, Map<String, String> toolNames) {
        String name = toolNames.get(result.toolCallId());
        if (name != null) {
            return name;
        }
        // our own ids carry the name: a result whose call was trimmed from the history still finds its function
        Matcher synthetic = SYNTHETIC_ID.matcher(String.valueOf(result.toolCallId()));
        if (synthetic.matches()) {
            return synthetic.group(1);
        }
        throw badRequest("Tool result " + result.toolCallId() + " answers no tool call of an earlier assistant "
                + "message; Gemini needs the function's name");
    }

    /**
     * Gemini wants a JSON object: a result that is one goes as it is, anything else under {@code output} (or
     * {@code error} for a failed call), the keys Google documents for this.
     */
    private static JsonNode functionResponse(ContentPart.ToolResult result) {
        String text = result.text();
        JsonNode parsed = null;
        try {
            parsed = text.isBlank() ? null : JSON.readTree(text);
        } catch (JsonProcessingException e) {
            // plain text
        }
        if (parsed != null && parsed.isObject() && !result.isError()) {
            return parsed;
        }
        ObjectNode wrapped = JSON.createObjectNode();
        wrapped.set(result.isError() ? "error" : "output",
                parsed != null && !parsed.isMissingNode() ? parsed : JSON.getNodeFactory().textNode(text));
        return wrapped;
    }

    private static List<Tool> tools(ChatRequest request) {
        if (request.tools().isEmpty()) {
            return null;
        }
        List<Tool.FunctionDeclaration> declarations = new ArrayList<>();
        for (ToolDefinition tool : request.tools()) {
            // full JSON Schema as the caller wrote it; the older `parameters` takes only Google's OpenAPI subset
            declarations.add(new Tool.FunctionDeclaration(tool.name(), tool.description(), null, tool.parameters()));
        }
        return List.of(new Tool(declarations));
    }

    private static ToolConfig toolConfig(ChatRequest request) {
        if (request.tools().isEmpty() || request.toolChoice() == null) {
            return null;
        }
        ToolConfig.FunctionCallingConfig config = switch (request.toolChoice()) {
            case ToolChoice.Auto auto -> new ToolConfig.FunctionCallingConfig("AUTO", null);
            case ToolChoice.None none -> new ToolConfig.FunctionCallingConfig("NONE", null);
            case ToolChoice.Required required -> new ToolConfig.FunctionCallingConfig("ANY", null);
            case ToolChoice.Named named -> new ToolConfig.FunctionCallingConfig("ANY", List.of(named.name()));
        };
        return new ToolConfig(config);
    }

    private static GenerationConfig generationConfig(ChatRequest request) {
        String mimeType = null;
        JsonNode schema = null;
        switch (request.responseFormat()) {
            case ResponseFormat.JsonSchema s -> {
                mimeType = "application/json";
                schema = s.schema();
            }
            case ResponseFormat.JsonObject o -> mimeType = "application/json";
            case null, default -> {
            }
        }
        GenerationConfig config = new GenerationConfig(request.maxTokens(), request.temperature(), request.topP(),
                request.topK(), request.stop().isEmpty() ? null : request.stop(), seed(request.seed()),
                request.presencePenalty(), request.frequencyPenalty(), mimeType, null, schema,
                thinking(request.reasoning(), request.maxTokens()));
        return config.equals(new GenerationConfig(null, null, null, null, null, null, null, null, null, null, null,
                null)) ? null : config;
    }

    /** Gemini's seed is 32 bits: a larger one keeps its low bits, so the same seed still means the same sample. */
    private static Integer seed(Long seed) {
        return seed == null ? null : (int) seed.longValue();
    }

    /**
     * An explicit budget as given; an effort as a budget out of the max tokens where there are some (Gemini's max
     * output counts the thinking), else a fixed budget per effort that every 2.5 model accepts; neither means
     * -1, "the model decides". {@code exclude} still lets the model think, only without thought summaries.
     */
    static GenerationConfig.ThinkingConfig thinking(ReasoningOptions reasoning, Integer maxTokens) {
        if (reasoning == null) {
            return null;
        }
        int budget;
        if (reasoning.budgetTokens() != null) {
            budget = reasoning.budgetTokens();
        } else if (reasoning.effort() == null) {
            budget = -1;
        } else if (maxTokens != null) {
            budget = reasoning.budgetOr(maxTokens);
        } else {
            budget = switch (reasoning.effort()) {
                case MINIMAL -> 512;
                case LOW -> 1024;
                case MEDIUM -> 8192;
                case HIGH -> 24576;
            };
        }
        return new GenerationConfig.ThinkingConfig(budget, reasoning.exclude() ? null : Boolean.TRUE);
    }

    // ---- response ----

    public static GenerateContentResponse decodeResponse(String json) throws JsonProcessingException {
        return JSON.readValue(json, GenerateContentResponse.class);
    }

    public static GenerateContentResponse decodeResponse(JsonNode json) throws JsonProcessingException {
        return JSON.treeToValue(json, GenerateContentResponse.class);
    }

    /** The answer in neutral terms; a blocked prompt or an answer without candidates fails classified. */
    public static ChatResponse fromWire(GenerateContentResponse response, String requestedModel) {
        GenerateContentResponse.Candidate candidate = response.firstCandidate();
        if (candidate == null) {
            if (response.promptFeedback() != null && response.promptFeedback().blockReason() != null) {
                throw GeminiErrors.blocked(response.promptFeedback());
            }
            throw UpstreamError.of(UpstreamErrorKind.MALFORMED_RESPONSE, "The provider's answer has no candidate");
        }
        List<ContentPart> content = new ArrayList<>();
        int calls = 0;
        List<Part> parts = candidate.content() == null || candidate.content().parts() == null ? List.of()
                : candidate.content().parts();
        for (Part part : parts) {
            if (part.isThought()) {
                content.add(new ContentPart.Reasoning(part.text() == null ? "" : part.text(), part.thoughtSignature(),
                        null));
                continue;
            }
            if (part.thoughtSignature() != null) {
                // the signature belongs to this part: it goes back right before it (see parts())
                content.add(new ContentPart.Reasoning("", part.thoughtSignature(), null));
            }
            if (part.functionCall() != null) {
                Part.FunctionCall call = part.functionCall();
                content.add(new ContentPart.ToolCall(toolCallId(calls++, call), call.name(), argumentsText(call)));
            } else if (part.text() != null) {
                if (!part.text().isEmpty()) {
                    content.add(ContentPart.Text.of(part.text()));
                }
            } else if (part.inlineData() != null) {
                content.add(ContentPart.Image.inline(part.inlineData().mimeType(), part.inlineData().data()));
            } else if (part.fileData() != null) {
                content.add(new ContentPart.Image(part.fileData().mimeType(), null, part.fileData().fileUri()));
            }
        }
        String nativeReason = candidate.finishReason();
        return new ChatResponse(response.responseId(),
                response.modelVersion() != null ? response.modelVersion() : requestedModel, content,
                finishReason(nativeReason, calls > 0), nativeReason, usage(response.usageMetadata()));
    }

    /** Gemini's id when it gives one, else {@code call_<index>_<name>}: the same answer always gets the same ids. */
    public static String toolCallId(int index, Part.FunctionCall call) {
        return call.id() != null && !call.id().isEmpty() ? call.id() : "call_" + index + "_" + call.name();
    }

    public static String argumentsText(Part.FunctionCall call) {
        return call.args() == null || call.args().isNull() ? "{}" : call.args().toString();
    }

    /**
     * Gemini's finish reasons: a natural stop that carries function calls is a tool-call stop; the safety family
     * (its image variants too) is a content filter; a broken function call, a missing thought signature or any other
     * or unknown reason is an error. Null when there is no reason yet.
     */
    public static FinishReason finishReason(String reason, boolean hasFunctionCall) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "STOP" -> hasFunctionCall ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            case "MAX_TOKENS" -> FinishReason.LENGTH;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "LANGUAGE", "IMAGE_SAFETY",
                 "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.ERROR;
        };
    }

    /**
     * Our usage from Gemini's: input is the prompt (cached tokens included, as ours) plus what built-in tools read;
     * output is the answer plus the thinking, which Gemini counts apart. Implicit caching has no write charge.
     */
    public static Usage usage(GenerateContentResponse.UsageMetadata usage) {
        if (usage == null) {
            return Usage.NONE;
        }
        int thoughts = n(usage.thoughtsTokenCount());
        return new Usage(n(usage.promptTokenCount()) + n(usage.toolUsePromptTokenCount()),
                n(usage.candidatesTokenCount()) + thoughts, n(usage.cachedContentTokenCount()), 0, thoughts);
    }

    private static int n(Integer value) {
        return value == null ? 0 : value;
    }

    private static UpstreamError badRequest(String message) {
        return new UpstreamError(UpstreamErrorKind.BAD_REQUEST, null, null, message, null);
    }
}
