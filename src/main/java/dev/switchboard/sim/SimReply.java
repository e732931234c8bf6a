package dev.switchboard.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the simulated model answers, before any protocol shapes it: thinking tokens, text tokens or one tool call, the
 * finish reason and the output token count. The same {@link SimTurn} and {@link SimPlan} give the same reply. A turn
 * with a prefill answers as the providers do: only the text that follows the prefill, mid-sentence where the prefill
 * stopped mid-sentence, never the prefill again; the planned length counts the prefill's words as already written.
 */
public record SimReply(List<String> thinking, String thinkingSignature, List<String> text, ToolCall toolCall,
        Finish finish, int outputTokens) {

    public enum Finish {
        /** Natural end (OpenAI "stop", Anthropic "end_turn"). */
        STOP,
        /** Cut by the request's max tokens (OpenAI "length", Anthropic "max_tokens"). */
        LENGTH,
        /** Ends with a tool call (OpenAI "tool_calls", Anthropic "tool_use"). */
        TOOL_CALL
    }

    /**
     * One tool call.
     *
     * @param idBody random characters; each protocol adds its own prefix ({@code call_}, {@code toolu_01})
     * @param arguments the arguments as JSON text
     * @param fragments the arguments cut into the pieces a stream sends, one token each
     */
    public record ToolCall(String idBody, String name, String arguments, List<String> fragments) {
    }

    public String joinedText() {
        return String.join("", text);
    }

    public String joinedThinking() {
        return String.join("", thinking);
    }

    public static SimReply generate(SimTurn turn, SimPlan plan) {
        SplittableRandom random = plan.contentRandom();
        int left = turn.maxTokens() > 0 ? turn.maxTokens() : Integer.MAX_VALUE;
        List<String> thinking = List.of();
        String signature = null;
        if (turn.thinkingBudget() > 0) {
            int wanted = Math.min(turn.thinkingBudget(), Math.max(8, plan.outputTokens() * 3 / 4));
            thinking = SimText.tokens(random, Math.min(wanted, left));
            left -= thinking.size();
            signature = SimText.base62(random, 96);
        }
        if (turn.toolToCall() != null) {
            String idBody = SimText.base62(random, 24);
            String arguments = SimToolArguments.generate(turn.toolToCall().schema(), random).toString();
            List<String> fragments = SimText.fragments(arguments, 4);
            ToolCall call = new ToolCall(idBody, turn.toolToCall().name(), arguments, fragments);
            return new SimReply(thinking, signature, List.of(), call, Finish.TOOL_CALL,
                    thinking.size() + fragments.size());
        }
        int planned = plan.outputTokens();
        if (turn.prefill() != null && !turn.prefill().isBlank()) {
            // a prefill is the start of this very answer: what is left of the planned length comes after it
            planned = Math.max(1, planned - SimText.words(turn.prefill()));
        }
        int length = Math.min(planned, Math.max(0, left));
        List<String> text = new ArrayList<>(turn.prefill() != null && !turn.prefill().isBlank()
                ? SimText.continuation(random, length, turn.prefill()) : SimText.tokens(random, length));
        Finish finish = planned > left ? Finish.LENGTH : Finish.STOP;
        return new SimReply(thinking, signature, text, null, finish, thinking.size() + text.size());
    }
}
