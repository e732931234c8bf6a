package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.ResponseFormat;
import dev.switchboard.llm.ToolChoice;
import dev.switchboard.llm.ToolDefinition;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.openai.wire.ChatCompletionContentPart;
import dev.switchboard.providers.openai.wire.ChatCompletionMessage;
import dev.switchboard.providers.openai.wire.ChatCompletionMessageParam;
import dev.switchboard.providers.openai.wire.ChatCompletionMessageToolCall;
import dev.switchboard.providers.openai.wire.ChatCompletionRequest;
import dev.switchboard.providers.openai.wire.ChatCompletionResponse;
import dev.switchboard.providers.openai.wire.ChatCompletionTool;
import dev.switchboard.providers.openai.wire.CompletionUsage;
import dev.switchboard.providers.openai.wire.ResponseFormatParam;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Pure mapping between our neutral request/response and OpenAI Chat Completions JSON, for OpenAI and the hosts that
 * speak its dialect. What a host would refuse is decided by {@link OpenAiDialect}; nothing here does I/O.
 */
public final class OpenAiCodec {

    /** Our own mapper: the wire shape must not change with the application's global Jackson settings. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // two events run together (a lost SSE blank line) must fail, not pass as the first one alone
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private OpenAiCodec() {
    }

    // ---- request ----

    /**
     * The wire request for {@code model} (the upstream model id). Reasoning parts of earlier assistant turns are not
     * sent back: Chat Completions has no field for them and DeepSeek refuses {@code reasoning_content} in input.
     *
     * @throws UpstreamError BAD_REQUEST for content this dialect cannot carry (images in an assistant turn)
     */
    static ChatCompletionRequest toWire(ChatRequest request, String model, OpenAiDialect dialect, boolean stream) {
        return toWire(request, model, dialect, stream, false);
    }

    /**
     * As {@link #toWire(ChatRequest, String, OpenAiDialect, boolean)}; {@code prefill}: a final assistant message is
     * marked {@code prefix: true}, which Mistral and DeepSeek (beta) read as "continue this message".
     */
    static ChatCompletionRequest toWire(ChatRequest request, String model, OpenAiDialect dialect, boolean stream,
                                        boolean prefill) {
        List<ChatCompletionMessageParam> messages = new ArrayList<>();
        String system = request.systemText();
        if (!system.isEmpty()) {
            messages.add(ChatCompletionMessageParam.of("system", system));
        }
        for (ChatMessage message : request.messages()) {
            switch (message.role()) {
                case USER -> addUser(messages, message.content());
                case ASSISTANT -> messages.add(assistant(message.content()));
            }
        }
        if (prefill && !messages.isEmpty() && messages.getLast().role().equals("assistant")) {
            messages.set(messages.size() - 1, messages.getLast().asPrefix());
        }
        boolean hasTools = !request.tools().isEmpty();
        Integer maxTokens = request.maxTokens();
        ReasoningOptions reasoning = request.reasoning();
        return new ChatCompletionRequest(
                model,
                messages,
                hasTools ? request.tools().stream().map(OpenAiCodec::tool).toList() : null,
                hasTools ? toolChoice(request.toolChoice()) : null,
                hasTools ? parallelToolCalls(request.toolChoice()) : null,
                dialect.maxCompletionTokens ? null : maxTokens,
                dialect.maxCompletionTokens ? maxTokens : null,
                request.temperature(),
                request.topP(),
                request.stop().isEmpty() ? null : request.stop(),
                "seed".equals(dialect.seedField) ? request.seed() : null,
                "random_seed".equals(dialect.seedField) ? request.seed() : null,
                request.frequencyPenalty(),
                request.presencePenalty(),
                responseFormat(request.responseFormat()),
                dialect.reasoningEffort ? reasoningEffort(reasoning, dialect) : null,
                stream ? Boolean.TRUE : null,
                stream && dialect.streamOptions ? new ChatCompletionRequest.StreamOptions(true) : null,
                dialect.user ? request.user() : null);
    }

    static byte[] encode(ChatCompletionRequest request) {
        try {
            return JSON.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Chat Completions request could not be written", e);
        }
    }

    /**
     * Tool results become {@code tool} messages, which must directly follow the assistant turn that called the tools;
     * the rest of the user turn (and any images a tool returned, which a tool message cannot hold) follows them.
     */
    private static void addUser(List<ChatCompletionMessageParam> messages, List<ContentPart> content) {
        List<ChatCompletionContentPart> parts = new ArrayList<>();
        List<ChatCompletionContentPart> toolImages = new ArrayList<>();
        for (ContentPart part : content) {
            switch (part) {
                case ContentPart.ToolResult result -> {
                    String text = result.text();
                    messages.add(new ChatCompletionMessageParam("tool", result.isError() ? "Error: " + text : text,
                            null, result.toolCallId()));
                    for (ContentPart inner : result.content()) {
                        if (inner instanceof ContentPart.Image image) {
                            toolImages.add(ChatCompletionContentPart.image(imageUrl(image)));
                        }
                    }
                }
                case ContentPart.Text text -> parts.add(ChatCompletionContentPart.text(text.text()));
                case ContentPart.Image image -> parts.add(ChatCompletionContentPart.image(imageUrl(image)));
                case ContentPart.Reasoning ignored -> {
                    // a user turn has no reasoning
                }
                case ContentPart.ToolCall call -> throw badRequest("A user message cannot contain a tool call");
            }
        }
        List<ChatCompletionContentPart> all = new ArrayList<>(toolImages);
        all.addAll(parts);
        if (all.isEmpty()) {
            return;
        }
        // a single text part goes as a plain string: every host accepts that, not every host accepts part lists
        if (all.size() == 1 && "text".equals(all.getFirst().type())) {
            messages.add(ChatCompletionMessageParam.of("user", all.getFirst().text()));
        } else {
            messages.add(ChatCompletionMessageParam.of("user", all));
        }
    }

    private static ChatCompletionMessageParam assistant(List<ContentPart> content) {
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        List<ChatCompletionMessageToolCall> calls = new ArrayList<>();
        for (ContentPart part : content) {
            switch (part) {
                case ContentPart.Text t -> {
                    text.append(t.text());
                    hasText = true;
                }
                case ContentPart.ToolCall call -> calls.add(ChatCompletionMessageToolCall.of(call.id(), call.name(),
                        call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments()));
                case ContentPart.Reasoning ignored -> {
                    // not sent back: see toWire
                }
                case ContentPart.Image image ->
                        throw badRequest("OpenAI-compatible providers accept no images in assistant messages");
                case ContentPart.ToolResult result ->
                        throw badRequest("A tool result belongs in a user message, not an assistant message");
            }
        }
        // an assistant turn that only calls tools has no content (left out); one with neither keeps an empty string
        Object body = hasText ? text.toString() : calls.isEmpty() ? "" : null;
        return new ChatCompletionMessageParam("assistant", body, calls.isEmpty() ? null : calls, null);
    }

    static String imageUrl(ContentPart.Image image) {
        if (image.isInline()) {
            String type = image.mediaType() == null ? "image/png" : image.mediaType();
            return "data:" + type + ";base64," + image.data();
        }
        return image.url();
    }

    private static ChatCompletionTool tool(ToolDefinition tool) {
        return ChatCompletionTool.function(new ChatCompletionTool.FunctionDefinition(tool.name(), tool.description(),
                tool.parameters(), tool.strict() ? Boolean.TRUE : null));
    }

    private static Object toolChoice(ToolChoice choice) {
        return switch (choice) {
            case null -> null;
            case ToolChoice.Auto auto -> "auto";
            case ToolChoice.None none -> "none";
            case ToolChoice.Required required -> "required";
            case ToolChoice.Named named -> ChatCompletionRequest.NamedToolChoice.of(named.name());
        };
    }

    /** Sent only to turn parallel calls off: true is every host's default, and some reject the field. */
    private static Boolean parallelToolCalls(ToolChoice choice) {
        return switch (choice) {
            case ToolChoice.Auto auto when !auto.parallel() -> Boolean.FALSE;
            case ToolChoice.Required required when !required.parallel() -> Boolean.FALSE;
            case null, default -> null;
        };
    }

    private static ResponseFormatParam responseFormat(ResponseFormat format) {
        return switch (format) {
            case null -> null;
            case ResponseFormat.Text text -> null;
            case ResponseFormat.JsonObject json -> new ResponseFormatParam("json_object", null);
            case ResponseFormat.JsonSchema schema -> new ResponseFormatParam("json_schema",
                    new ResponseFormatParam.JsonSchema(schema.name() == null || schema.name().isBlank()
                            ? "response" : schema.name(), schema.schema(), schema.strict() ? Boolean.TRUE : null));
        };
    }

    /**
     * OpenAI takes an effort level, not a budget. A budget alone is turned into the nearest level: 0 asks for as
     * little thinking as the host allows; up to 2k tokens is low, up to 16k medium, more is high.
     */
    static String reasoningEffort(ReasoningOptions reasoning, OpenAiDialect dialect) {
        if (reasoning == null) {
            return null;
        }
        ReasoningOptions.Effort effort = reasoning.effort();
        if (effort == null && reasoning.budgetTokens() != null) {
            int budget = reasoning.budgetTokens();
            effort = budget <= 0 ? ReasoningOptions.Effort.MINIMAL
                    : budget <= 2048 ? ReasoningOptions.Effort.LOW
                    : budget <= 16384 ? ReasoningOptions.Effort.MEDIUM
                    : ReasoningOptions.Effort.HIGH;
        }
        if (effort == null) {
            return null;
        }
        if (effort == ReasoningOptions.Effort.MINIMAL && !dialect.minimalEffort) {
            effort = ReasoningOptions.Effort.LOW;
        }
        return effort.name().toLowerCase(Locale.ROOT);
    }

    // ---- response ----

    /** Reads a response body. @throws UpstreamError MALFORMED_RESPONSE when it is not a Chat Completions answer */
    static ChatCompletionResponse decodeResponse(JsonNode body) {
        try {
            return JSON.treeToValue(body, ChatCompletionResponse.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw malformed("The provider's answer is not a Chat Completions response");
        }
    }

    /** The whole answer in neutral form: the first choice (we never ask for more than one). */
    static ChatResponse fromWire(ChatCompletionResponse response) {
        if (response.choices() == null || response.choices().isEmpty() || response.choices().getFirst() == null) {
            throw malformed("The provider's answer has no choices");
        }
        ChatCompletionResponse.Choice choice = response.choices().getFirst();
        ChatCompletionMessage message = choice.message();
        List<ContentPart> parts = new ArrayList<>();
        if (message != null) {
            String reasoning = reasoningText(message.reasoningContent(), message.reasoning());
            if (!reasoning.isEmpty()) {
                parts.add(ContentPart.Reasoning.of(reasoning));
            }
            ContentText content = contentText(message.content());
            if (!content.reasoning().isEmpty()) {
                parts.add(ContentPart.Reasoning.of(content.reasoning()));
            }
            if (!content.text().isEmpty()) {
                parts.add(ContentPart.Text.of(content.text()));
            } else if (message.refusal() != null && !message.refusal().isEmpty()) {
                // a refusal is the model's answer, in words: callers of every protocol can show it as text
                parts.add(ContentPart.Text.of(message.refusal()));
            }
            if (message.toolCalls() != null) {
                for (ChatCompletionMessageToolCall call : message.toolCalls()) {
                    ChatCompletionMessageToolCall.Function fn = call.function();
                    parts.add(new ContentPart.ToolCall(call.id() == null || call.id().isEmpty() ? newCallId() : call.id(),
                            fn == null ? "" : fn.name(), fn == null ? "" : fn.argumentsText()));
                }
            }
            if (message.functionCall() != null) {
                parts.add(new ContentPart.ToolCall(newCallId(), message.functionCall().name(),
                        message.functionCall().argumentsText()));
            }
        }
        boolean calledTools = parts.stream().anyMatch(ContentPart.ToolCall.class::isInstance);
        return new ChatResponse(response.id(), response.model(), parts,
                finishReason(choice.finishReason(), calledTools), choice.finishReason(), usage(response.usage()));
    }

    /**
     * Normalises a finish reason. Besides OpenAI's own (stop, length, tool_calls, function_call, content_filter),
     * hosts say eos (vLLM, Together), model_length (Mistral), error (Mistral) and abort (vLLM); anything unknown is a
     * natural stop. Some hosts (Gemini's compatibility layer) say "stop" after tool calls: that is a tool-call stop.
     */
    static FinishReason finishReason(String nativeReason, boolean calledTools) {
        FinishReason reason = switch (nativeReason == null ? "" : nativeReason.toLowerCase(Locale.ROOT)) {
            case "length", "max_tokens", "model_length" -> FinishReason.LENGTH;
            case "tool_calls", "function_call", "tool_use" -> FinishReason.TOOL_CALLS;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            case "error", "abort" -> FinishReason.ERROR;
            default -> FinishReason.STOP;
        };
        return reason == FinishReason.STOP && calledTools ? FinishReason.TOOL_CALLS : reason;
    }

    static Usage usage(CompletionUsage usage) {
        if (usage == null) {
            return Usage.NONE;
        }
        int input = orZero(usage.promptTokens());
        int output = usage.completionTokens() != null ? usage.completionTokens()
                : usage.totalTokens() != null ? Math.max(0, usage.totalTokens() - input) : 0;
        Integer cached = usage.promptTokensDetails() != null ? usage.promptTokensDetails().cachedTokens() : null;
        if (cached == null) {
            cached = usage.promptCacheHitTokens();
        }
        Integer reasoning = usage.completionTokensDetails() != null
                ? usage.completionTokensDetails().reasoningTokens() : null;
        return new Usage(input, output, orZero(cached), 0, orZero(reasoning));
    }

    /** Reasoning text from whichever field the host uses ({@code reasoning_content} or {@code reasoning}). */
    static String reasoningText(JsonNode reasoningContent, JsonNode reasoning) {
        String text = plain(reasoningContent);
        return text.isEmpty() ? plain(reasoning) : text;
    }

    /** Text of a string field; an object or array (a host's structured variant) has none we can rely on. */
    private static String plain(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : "";
    }

    /** A message's content split into answer text and reasoning (Mistral's thinking parts). */
    record ContentText(String text, String reasoning) {
    }

    /** Content as OpenAI sends it (a string) or as a list of parts: text parts, and thinking parts on Mistral. */
    static ContentText contentText(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return new ContentText("", "");
        }
        if (content.isTextual()) {
            return new ContentText(content.textValue(), "");
        }
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                String type = part.path("type").asText("");
                if (part.isTextual()) {
                    text.append(part.textValue());
                } else if (type.equals("text")) {
                    text.append(part.path("text").asText(""));
                } else if (type.equals("thinking")) {
                    JsonNode thinking = part.path("thinking");
                    if (thinking.isTextual()) {
                        reasoning.append(thinking.textValue());
                    } else {
                        for (JsonNode inner : thinking) {
                            reasoning.append(inner.path("text").asText(""));
                        }
                    }
                }
            }
        }
        return new ContentText(text.toString(), reasoning.toString());
    }

    /** Some hosts send tool calls without ids; callers need one to send the result back. */
    static String newCallId() {
        return "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    static UpstreamError malformed(String message) {
        return UpstreamError.of(UpstreamErrorKind.MALFORMED_RESPONSE, message);
    }

    private static UpstreamError badRequest(String message) {
        return UpstreamError.of(UpstreamErrorKind.BAD_REQUEST, message);
    }
}
