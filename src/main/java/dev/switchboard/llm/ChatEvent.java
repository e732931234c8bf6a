package dev.switchboard.llm;

/**
 * One event of a streamed answer, in order: {@link Start}, then deltas, then {@link Stop}; {@link UsageReport} may
 * come before or after Stop, as providers differ. Consumers ignore event types they do not know. An upstream failure
 * mid-stream ends the stream with an {@link UpstreamError} failure, never with a Stop.
 */
public sealed interface ChatEvent {

    record Start(String id, String model) implements ChatEvent {
    }

    record TextDelta(String text) implements ChatEvent {
    }

    record ReasoningDelta(String text, String signature, String redacted) implements ChatEvent {
    }

    /** A tool call begins; {@code index} tells parallel calls apart in the deltas that follow. */
    record ToolCallStart(int index, String id, String name) implements ChatEvent {
    }

    record ToolCallDelta(int index, String argumentsDelta) implements ChatEvent {
    }

    record UsageReport(Usage usage) implements ChatEvent {
    }

    record Stop(FinishReason reason, String nativeReason) implements ChatEvent {
    }

    /** True for the events that carry generated content: what time-to-first-token waits for. */
    default boolean isContent() {
        return switch (this) {
            case TextDelta t -> !t.text().isEmpty();
            case ReasoningDelta r -> r.text() != null && !r.text().isEmpty() || r.redacted() != null;
            case ToolCallStart s -> true;
            case ToolCallDelta d -> !d.argumentsDelta().isEmpty();
            default -> false;
        };
    }
}
