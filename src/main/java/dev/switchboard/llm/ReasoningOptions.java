package dev.switchboard.llm;

/**
 * How much the model should think before it answers: an effort level (OpenAI's reasoning_effort) or a token budget
 * (Anthropic's and Gemini's thinking budget); adapters translate one into the other where they must.
 * {@code exclude} keeps the reasoning out of the answer while still letting the model reason.
 */
public record ReasoningOptions(Effort effort, Integer budgetTokens, boolean exclude) {

    public enum Effort {
        MINIMAL, LOW, MEDIUM, HIGH
    }

    /** A token budget for providers that want one: the given budget, or one derived from the effort. */
    public int budgetOr(int maxTokens) {
        if (budgetTokens != null) {
            return budgetTokens;
        }
        double share = switch (effort == null ? Effort.MEDIUM : effort) {
            case MINIMAL -> 0.1;
            case LOW -> 0.2;
            case MEDIUM -> 0.5;
            case HIGH -> 0.8;
        };
        return Math.max(1024, (int) (maxTokens * share));
    }
}
