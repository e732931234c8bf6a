package dev.switchboard.proxy;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.Role;
import dev.switchboard.llm.Usage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/** What a continuation goes on from: the text sent, whether it can, the request it makes, the sums it keeps. */
class StreamContinuationStateTest {

    @Test
    void textCanBeContinuedAndTheRequestEndsOnIt() {
        StreamContinuation c = new StreamContinuation();
        c.sent(new ChatEvent.Start("id", "m"));
        c.sent(new ChatEvent.TextDelta("Once"));
        c.sent(new ChatEvent.TextDelta(" upon a"));
        assertThat(c.canContinue()).isTrue();
        assertThat(c.whyNot()).isNull();

        ChatRequest original = ChatRequest.builder("caller/model").system("Be brief").user("Tell a story")
                .maxTokens(100).reasoning(new ReasoningOptions(null, 1024, false)).temperature(0.3).build();
        c.interrupted("first", "first: connection reset", new Usage(12, 40, 0, 0, 0), new BigDecimal("0.001"));
        ChatRequest next = c.request(original, "upstream-2");
        assertThat(next.model()).isEqualTo("upstream-2");
        assertThat(next.messages()).hasSize(2);
        ChatMessage last = next.messages().getLast();
        assertThat(last.role()).isEqualTo(Role.ASSISTANT);
        assertThat(last.content()).containsExactly(ContentPart.Text.of("Once upon a"));
        assertThat(next.maxTokens()).as("the caller's cap less the 40 tokens already spent").isEqualTo(60);
        assertThat(next.reasoning()).isNull();
        assertThat(next.systemText()).isEqualTo("Be brief");
        assertThat(next.temperature()).isEqualTo(0.3);
    }

    @Test
    void withoutReportedUsageTheSpentOutputIsEstimatedFromTheText() {
        StreamContinuation c = new StreamContinuation();
        c.sent(new ChatEvent.TextDelta("x".repeat(41)));
        c.interrupted("first", "e", null, null);
        ChatRequest next = c.request(ChatRequest.builder("m").user("Hi").maxTokens(20).build(), "u");
        assertThat(next.maxTokens()).isEqualTo(20 - 11);
        ChatRequest uncapped = c.request(ChatRequest.builder("m").user("Hi").build(), "u");
        assertThat(uncapped.maxTokens()).isNull();
    }

    @Test
    void aToolCallOrReasoningLastCannotBeContinued() {
        StreamContinuation tool = new StreamContinuation();
        tool.sent(new ChatEvent.TextDelta("Let me look"));
        tool.sent(new ChatEvent.ToolCallStart(0, "call_1", "search"));
        assertThat(tool.canContinue()).isFalse();
        assertThat(tool.whyNot()).contains("tool call");

        StreamContinuation thinking = new StreamContinuation();
        thinking.sent(new ChatEvent.ReasoningDelta("hmm", null, null));
        assertThat(thinking.canContinue()).isFalse();
        assertThat(thinking.whyNot()).contains("reasoning");

        StreamContinuation thoughtThenText = new StreamContinuation();
        thoughtThenText.sent(new ChatEvent.ReasoningDelta("hmm", null, null));
        thoughtThenText.sent(new ChatEvent.TextDelta("The answer"));
        assertThat(thoughtThenText.canContinue()).as("reasoning before the text is not handed on").isTrue();

        assertThat(new StreamContinuation().canContinue()).as("nothing sent").isFalse();
    }

    @Test
    void usageAndCostAreSummedOverTheAttemptsAndTheMarkNamesBothEnds() {
        StreamContinuation c = new StreamContinuation();
        c.sent(new ChatEvent.TextDelta("Part one"));
        c.interrupted("first", "first: reset", new Usage(10, 5, 2, 0, 0), new BigDecimal("0.002"));
        assertThat(c.resuming()).isTrue();
        assertThat(c.continued()).as("nothing continued yet").isFalse();
        c.failedBeforeText("second: 500", new Usage(14, 0, 0, 0, 0), null);
        c.sent(new ChatEvent.TextDelta(" and two"));
        assertThat(c.continued()).isTrue();

        Usage total = c.totalUsage(new Usage(16, 7, 0, 1, 0));
        assertThat(total).isEqualTo(new Usage(40, 12, 2, 1, 0));
        assertThat(c.totalCost(new BigDecimal("0.003"))).isEqualByComparingTo("0.005");
        assertThat(c.totalCost(null)).isNull();
        assertThat(c.mark("third")).isEqualTo(new ContinuationMark("first", "third", 1));
        assertThat(c.lastError()).isEqualTo("second: 500");
    }

    @Test
    void aPartialAnswerEndingInWhitespaceGoesWithoutItAndTheContinuationDoesNotDoubleIt() {
        StreamContinuation c = new StreamContinuation();
        c.sent(new ChatEvent.TextDelta("Hello "));
        assertThat(c.joinable(new ChatEvent.TextDelta(" not yet"))).as("not resuming: as it came")
                .isEqualTo(new ChatEvent.TextDelta(" not yet"));
        c.interrupted("first", "e", null, null);
        ChatRequest next = c.request(ChatRequest.builder("m").user("Hi").build(), "u");
        assertThat(next.messages().getLast().content()).containsExactly(ContentPart.Text.of("Hello"));
        ChatEvent first = c.joinable(new ChatEvent.TextDelta(" world"));
        assertThat(first).isEqualTo(new ChatEvent.TextDelta("world"));
        c.sent(first);
        assertThat(c.joinable(new ChatEvent.TextDelta(" again"))).isEqualTo(new ChatEvent.TextDelta(" again"));
    }
}
