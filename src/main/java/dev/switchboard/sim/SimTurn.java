package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a protocol read from a request, in the simulator's neutral terms: enough to shape the answer.
 *
 * @param model the upstream model id (the profile key)
 * @param inputTokens estimated prompt tokens
 * @param maxTokens the request's output cap, or 0 for none
 * @param toolToCall the tool the answer calls, or null to answer with text (the protocol applies the tool policy)
 * @param thinkingBudget thinking tokens allowed before the answer, or 0 for no thinking
 * @param prefill the text of a final assistant message the answer must continue (Anthropic's prefill, Converse's
 *        final assistant message, Mistral's and DeepSeek's {@code prefix: true}), or null for a new turn
 */
public record SimTurn(String model, int inputTokens, int maxTokens, Tool toolToCall, int thinkingBudget,
        String prefill) {

    public SimTurn(String model, int inputTokens, int maxTokens, Tool toolToCall, int thinkingBudget) {
        this(model, inputTokens, maxTokens, toolToCall, thinkingBudget, null);
    }

    /** A tool the caller offered: its name and the JSON schema of its arguments. */
    public record Tool(String name, JsonNode schema) {
    }
}
