package dev.switchboard.llm;

/** Whether and which tools the model must call. */
public sealed interface ToolChoice {

    /** The model decides. */
    record Auto(boolean parallel) implements ToolChoice {
    }

    /** No tool calls. */
    record None() implements ToolChoice {
    }

    /** At least one tool call, the model picks which. */
    record Required(boolean parallel) implements ToolChoice {
    }

    /** This tool must be called. */
    record Named(String name) implements ToolChoice {
    }

    ToolChoice AUTO = new Auto(true);
}
