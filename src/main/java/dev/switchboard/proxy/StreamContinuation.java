package dev.switchboard.proxy;

import dev.switchboard.catalog.CatalogEndpoint;
import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.Usage;
import dev.switchboard.providers.ProviderAdapter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Stream continuation, for one streamed request that asked for it ({@code provider.continue_on_stream_failure}):
 * when the upstream stream dies after text went to the caller, the next candidate that can continue a final assistant
 * message is asked to, with the text sent so far as that message (a prefill), and its answer goes on in the same
 * client stream. This class holds what that needs and decides nothing about the wire: the text the caller has seen,
 * whether it can still be continued, the continuation request, and the usage and cost of the attempts so far.
 *
 * <p>Only text continues. A tool call sent (its arguments cannot be resumed half-way) or reasoning as the last thing
 * sent (a prefill carries text, and reasoning cannot be handed over) leaves the stream to end with the protocol's error
 * event as without continuation. The continuation request is the caller's with the partial text appended as an
 * assistant message, without reasoning (providers refuse a prefill after which they would have to think first), and
 * with {@code max_tokens} lowered by the output already spent.
 */
final class StreamContinuation {

    /** Characters per token where a provider died before saying how many it produced (the usual estimate). */
    private static final int CHARS_PER_TOKEN = 4;

    private final StringBuilder sent = new StringBuilder();
    /** A tool call went out: no text prefill can carry on from there. */
    private boolean toolCallSent;
    /** The last content sent was text (not reasoning). */
    private boolean lastWasText;
    /** Characters of text the current attempt has sent, for its share of the output when it reported none. */
    private int attemptChars;

    private String interruptedProvider;
    private String lastError;
    private boolean resuming;
    private int continuations;
    private int outputSpent;
    private final List<Usage> usages = new ArrayList<>();
    private BigDecimal cost;

    /** Notes what went to the caller. */
    void sent(ChatEvent event) {
        switch (event) {
            case ChatEvent.TextDelta t when !t.text().isEmpty() -> {
                sent.append(t.text());
                attemptChars += t.text().length();
                lastWasText = true;
            }
            case ChatEvent.ToolCallStart s -> toolCallSent = true;
            case ChatEvent.ToolCallDelta d -> toolCallSent = true;
            case ChatEvent.ReasoningDelta r when r.isContent() -> lastWasText = false;
            default -> {
            }
        }
    }

    /**
     * The event as the caller gets it: a continuation's first text loses its leading whitespace when the text sent
     * so far ended in whitespace, because the prefill went without it (Anthropic and Converse refuse a final assistant
     * message that ends in whitespace) and the provider writes the space again.
     */
    ChatEvent joinable(ChatEvent event) {
        if (!resuming || attemptChars > 0 || !(event instanceof ChatEvent.TextDelta t) || sent.isEmpty()
                || !Character.isWhitespace(sent.charAt(sent.length() - 1))) {
            return event;
        }
        return new ChatEvent.TextDelta(t.text().stripLeading());
    }

    /** Whether the partial answer can go to another provider as a prefill. */
    boolean canContinue() {
        return !toolCallSent && lastWasText && !sent.toString().isBlank();
    }

    /** Why not, in words for the caller's error event; null when it can. */
    String whyNot() {
        if (toolCallSent) {
            return "a tool call had begun, and a tool call cannot be continued by another provider";
        }
        if (!lastWasText) {
            return "the answer stopped in its reasoning, which another provider cannot continue";
        }
        return canContinue() ? null : "no text had been sent";
    }

    /** Whether this endpoint can take the partial answer as a prefill and continue it. */
    static boolean capable(ProviderAdapter adapter, CatalogEndpoint endpoint) {
        return adapter.continuesPrefill(endpoint);
    }

    /**
     * The attempt that was streaming died (after the stream began): its usage and cost count towards the answer, and
     * from here on candidates are asked to continue.
     *
     * @param usage what the attempt reported, or null
     * @param cost  its cost at list prices, or null when unknown
     */
    void interrupted(String provider, String error, Usage usage, BigDecimal cost) {
        if (interruptedProvider == null) {
            interruptedProvider = provider;
        }
        lastError = error;
        spent(usage, cost);
        int output = usage != null && usage.outputTokens() > 0 ? usage.outputTokens()
                : (attemptChars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
        outputSpent += output;
        if (resuming && attemptChars > 0) {
            continuations++;
        }
        attemptChars = 0;
        resuming = true;
    }

    /** A continuation attempt failed before it sent anything: its usage counts, the text stays as it was. */
    void failedBeforeText(String error, Usage usage, BigDecimal cost) {
        lastError = error;
        spent(usage, cost);
        attemptChars = 0;
    }

    /** True once a stream died and continuation attempts are being made (or streaming). */
    boolean resuming() {
        return resuming;
    }

    /** True when the current attempt is a continuation that has already sent text (a further failure interrupts it). */
    boolean attemptSentText() {
        return attemptChars > 0;
    }

    /** True when a continuation has sent text into the stream. */
    boolean continued() {
        return continuations > 0 || resuming && attemptChars > 0;
    }

    String interruptedProvider() {
        return interruptedProvider;
    }

    /** The error of the last attempt that failed, for the caller's error event. */
    String lastError() {
        return lastError;
    }

    /**
     * The continuation request for {@code upstreamModel}: the caller's conversation, then the text sent so far as the
     * assistant's (partial) turn.
     */
    ChatRequest request(ChatRequest original, String upstreamModel) {
        List<ChatMessage> messages = new ArrayList<>(original.messages().size() + 1);
        messages.addAll(original.messages());
        messages.add(ChatMessage.assistant(sent.toString().stripTrailing()));
        Integer maxTokens = original.maxTokens() == null ? null : Math.max(1, original.maxTokens() - outputSpent);
        return new ChatRequest(upstreamModel, original.system(), messages, original.tools(), original.toolChoice(),
                maxTokens, original.temperature(), original.topP(), original.topK(), original.stop(),
                original.seed(), original.frequencyPenalty(), original.presencePenalty(), original.responseFormat(),
                null, original.user(), original.metadata());
    }

    /** The usage of the whole answer: every attempt that streamed into it, the finishing one's included. */
    Usage totalUsage(Usage last) {
        int input = 0;
        int output = 0;
        int cacheRead = 0;
        int cacheWrite = 0;
        int reasoning = 0;
        List<Usage> all = new ArrayList<>(usages);
        if (last != null) {
            all.add(last);
        }
        for (Usage u : all) {
            input += u.inputTokens();
            output += u.outputTokens();
            cacheRead += u.cacheReadTokens();
            cacheWrite += u.cacheWriteTokens();
            reasoning += u.reasoningTokens();
        }
        return new Usage(input, output, cacheRead, cacheWrite, reasoning);
    }

    /** The cost of the whole answer, or null when the finishing attempt's is unknown. */
    BigDecimal totalCost(BigDecimal last) {
        if (last == null) {
            return null;
        }
        return cost == null ? last : cost.add(last);
    }

    /** What the last event says when {@code finishedBy} completed the answer: who was interrupted, who finished. */
    ContinuationMark mark(String finishedBy) {
        return new ContinuationMark(interruptedProvider, finishedBy, continuations + 1);
    }

    private void spent(Usage usage, BigDecimal attemptCost) {
        if (usage != null) {
            usages.add(usage);
        }
        if (attemptCost != null) {
            cost = cost == null ? attemptCost : cost.add(attemptCost);
        }
    }
}
