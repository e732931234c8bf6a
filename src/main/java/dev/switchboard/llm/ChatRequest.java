package dev.switchboard.llm;

import java.util.List;
import java.util.Map;

/**
 * A chat request in our neutral form, whatever protocol the caller spoke. {@code model} is the upstream model id
 * once routing has chosen an endpoint. Null means "not given": the provider's default applies.
 */
public record ChatRequest(
        String model,
        List<ContentPart> system,
        List<ChatMessage> messages,
        List<ToolDefinition> tools,
        ToolChoice toolChoice,
        Integer maxTokens,
        Double temperature,
        Double topP,
        Integer topK,
        List<String> stop,
        Long seed,
        Double frequencyPenalty,
        Double presencePenalty,
        ResponseFormat responseFormat,
        ReasoningOptions reasoning,
        String user,
        Map<String, String> metadata) {

    public ChatRequest {
        system = system == null ? List.of() : List.copyOf(system);
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        stop = stop == null ? List.of() : List.copyOf(stop);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The same request for another upstream model id (what routing does per attempt). */
    public ChatRequest withModel(String upstreamModel) {
        return new ChatRequest(upstreamModel, system, messages, tools, toolChoice, maxTokens, temperature, topP, topK,
                stop, seed, frequencyPenalty, presencePenalty, responseFormat, reasoning, user, metadata);
    }

    /** The system prompt's text parts joined, for providers that take a single string. */
    public String systemText() {
        StringBuilder sb = new StringBuilder();
        for (ContentPart part : system) {
            if (part instanceof ContentPart.Text t) {
                if (!sb.isEmpty()) {
                    sb.append("\n\n");
                }
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    public static Builder builder(String model) {
        return new Builder(model);
    }

    /** For tests and adapters that assemble a request piece by piece. */
    public static final class Builder {
        private final String model;
        private List<ContentPart> system = List.of();
        private final java.util.ArrayList<ChatMessage> messages = new java.util.ArrayList<>();
        private List<ToolDefinition> tools = List.of();
        private ToolChoice toolChoice;
        private Integer maxTokens;
        private Double temperature;
        private Double topP;
        private Integer topK;
        private List<String> stop = List.of();
        private Long seed;
        private ResponseFormat responseFormat;
        private ReasoningOptions reasoning;

        private Builder(String model) {
            this.model = model;
        }

        public Builder system(String text) {
            this.system = List.of(ContentPart.Text.of(text));
            return this;
        }

        public Builder message(ChatMessage message) {
            messages.add(message);
            return this;
        }

        public Builder user(String text) {
            return message(ChatMessage.user(text));
        }

        public Builder assistant(String text) {
            return message(ChatMessage.assistant(text));
        }

        public Builder tools(List<ToolDefinition> tools, ToolChoice choice) {
            this.tools = tools;
            this.toolChoice = choice;
            return this;
        }

        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder stop(List<String> stop) {
            this.stop = stop;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder responseFormat(ResponseFormat format) {
            this.responseFormat = format;
            return this;
        }

        public Builder reasoning(ReasoningOptions reasoning) {
            this.reasoning = reasoning;
            return this;
        }

        public ChatRequest build() {
            return new ChatRequest(model, system, messages, tools, toolChoice, maxTokens, temperature, topP, topK,
                    stop, seed, null, null, responseFormat, reasoning, null, null);
        }
    }
}
