package dev.switchboard.sim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's answer to a prefill: only what follows it, mid-sentence, the prefill's words counted as written. */
class SimPrefillTest {

    private static final SimProfile FORTY = SimProfile.builder().outputTokens(40).outputTokensSpread(0).build();

    @Test
    void aPrefillIsContinuedNotRepeated() {
        SimPlan plan = new SimPlanner(3).plan("m", FORTY);
        String prefill = "The route is clear and the answer";
        SimReply reply = SimReply.generate(new SimTurn("m", 10, 0, null, 0, prefill), plan);
        assertThat(reply.text()).hasSize(40 - 7);
        assertThat(reply.outputTokens()).isEqualTo(33);
        assertThat(reply.joinedText()).doesNotContain(prefill);
        String first = reply.text().getFirst();
        assertThat(first).as("goes on after the last word, with its space, mid-sentence").startsWith(" ");
        assertThat(Character.isLowerCase(first.charAt(1))).isTrue();
        assertThat(reply.finish()).isEqualTo(SimReply.Finish.STOP);
    }

    @Test
    void aPrefillThatEndsASentenceStartsANewOne() {
        SimPlan plan = new SimPlanner(3).plan("m", FORTY);
        SimReply reply = SimReply.generate(new SimTurn("m", 10, 0, null, 0, "It works."), plan);
        assertThat(reply.text().getFirst()).matches(" [A-Z].*");
    }

    @Test
    void aPrefillLongerThanThePlanStillGetsAWordAndTheCapStillHolds() {
        SimPlan plan = new SimPlanner(3).plan("m", SimProfile.builder().outputTokens(3).outputTokensSpread(0).build());
        SimReply reply = SimReply.generate(new SimTurn("m", 10, 0, null, 0, "one two three four five"), plan);
        assertThat(reply.text()).hasSize(1);
        SimReply capped = SimReply.generate(new SimTurn("m", 10, 5, null, 0, "one"),
                new SimPlanner(3).plan("m", FORTY));
        assertThat(capped.text()).hasSize(5);
        assertThat(capped.finish()).isEqualTo(SimReply.Finish.LENGTH);
    }

    @Test
    void withoutAPrefillTheReplyIsAsBefore() {
        SimReply plain = SimReply.generate(new SimTurn("m", 10, 0, null, 0), new SimPlanner(3).plan("m", FORTY));
        SimReply none = SimReply.generate(new SimTurn("m", 10, 0, null, 0, null), new SimPlanner(3).plan("m", FORTY));
        assertThat(none).isEqualTo(plain);
        assertThat(plain.text()).hasSize(40);
        assertThat(Character.isUpperCase(plain.text().getFirst().charAt(0))).isTrue();
    }
}
