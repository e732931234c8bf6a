package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The simulator's framework-free parts: plans, text, tool arguments, profiles. No server. */
class SimCoreTest {

    @Test
    void planSequencesArePerModelAndRepeatable() {
        SimPlanner one = new SimPlanner(7);
        SimPlanner two = new SimPlanner(7);
        SimProfile profile = SimProfile.DEFAULT;

        SimPlan a1 = one.plan("a", profile);
        one.plan("b", profile);
        SimPlan a2 = one.plan("a", profile);

        // the other planner sees model b first and never: a's sequence does not depend on b
        SimPlan b1 = two.plan("b", profile);
        assertThat(two.plan("a", profile)).isEqualTo(a1);
        assertThat(two.plan("a", profile)).isEqualTo(a2);
        assertThat(a1).isNotEqualTo(a2);
        assertThat(new SimPlanner(8).plan("a", profile)).isNotEqualTo(a1);
        assertThat(b1.contentSeed()).isNotEqualTo(a1.contentSeed());

        one.restart();
        assertThat(one.plan("a", profile)).isEqualTo(a1);
    }

    @Test
    void faultsFollowTheirRates() {
        SimProfile profile = SimProfile.builder().rateLimitedRate(0.1).overloadedRate(0.05).serverErrorRate(0.05)
                .hangRate(0.02).abortRate(0.1).build();
        SimPlanner planner = new SimPlanner(1);
        int n = 20_000;
        int[] counts = new int[SimFault.values().length];
        for (int i = 0; i < n; i++) {
            counts[planner.plan("m", profile).fault().ordinal()]++;
        }
        assertThat(counts[SimFault.RATE_LIMITED.ordinal()] / (double) n).isCloseTo(0.10, within(0.01));
        assertThat(counts[SimFault.OVERLOADED.ordinal()] / (double) n).isCloseTo(0.05, within(0.01));
        assertThat(counts[SimFault.SERVER_ERROR.ordinal()] / (double) n).isCloseTo(0.05, within(0.01));
        assertThat(counts[SimFault.HANG.ordinal()] / (double) n).isCloseTo(0.02, within(0.005));
        assertThat(counts[SimFault.UNAVAILABLE.ordinal()]).isZero();
        // stream faults hit the requests that survived the early ones: 10% of 78%
        assertThat(counts[SimFault.ABORT.ordinal()] / (double) n).isCloseTo(0.078, within(0.01));
    }

    @Test
    void ttftAndLengthAreLognormalAroundTheirMedians() {
        SimProfile profile = SimProfile.builder().ttftMs(500).ttftSpread(0.5).outputTokens(200)
                .outputTokensSpread(0.3).build();
        SimPlanner planner = new SimPlanner(3);
        long[] ttfts = new long[5001];
        int[] lengths = new int[5001];
        for (int i = 0; i < ttfts.length; i++) {
            SimPlan plan = planner.plan("m", profile);
            ttfts[i] = plan.ttftMs();
            lengths[i] = plan.outputTokens();
        }
        Arrays.sort(ttfts);
        Arrays.sort(lengths);
        assertThat((double) ttfts[2500]).isCloseTo(500, within(25.0));
        assertThat((double) lengths[2500]).isCloseTo(200, within(10.0));
        // sigma 0.5: the 84th percentile is about e^0.5 times the median
        assertThat(ttfts[4200] / (double) ttfts[2500]).isCloseTo(Math.exp(0.5), within(0.1));

        SimPlan fixed = new SimPlanner(3).plan("m", profile.toBuilder().ttftSpread(0).outputTokensSpread(0).build());
        assertThat(fixed.ttftMs()).isEqualTo(500);
        assertThat(fixed.outputTokens()).isEqualTo(200);
    }

    @Test
    void textIsDeterministicSentences() {
        List<String> tokens = SimText.tokens(new SplittableRandom(5), 60);
        assertThat(tokens).hasSize(60);
        assertThat(tokens).isEqualTo(SimText.tokens(new SplittableRandom(5), 60));
        assertThat(tokens.get(0)).matches("[A-Z][a-z]+[,.!]?");
        assertThat(tokens.subList(1, 60)).allSatisfy(t -> assertThat(t).matches(" [A-Za-z]+[,.!]?"));
        assertThat(String.join("", tokens)).endsWith(".").satisfiesAnyOf(
                s -> assertThat(s).endsWith("."), s -> assertThat(s).endsWith("!"));
        assertThat(SimText.estimateTokens(0)).isEqualTo(1);
        assertThat(SimText.estimateTokens(400)).isEqualTo(100);
        assertThat(SimText.estimateTokens(401)).isEqualTo(101);
    }

    @Test
    void replyIsCappedByMaxTokens() {
        SimPlan plan = new SimPlanner(1).plan("m", SimProfile.builder().outputTokens(50).outputTokensSpread(0).build());
        SimReply free = SimReply.generate(new SimTurn("m", 10, 0, null, 0), plan);
        SimReply capped = SimReply.generate(new SimTurn("m", 10, 20, null, 0), plan);
        assertThat(free.finish()).isEqualTo(SimReply.Finish.STOP);
        assertThat(free.outputTokens()).isEqualTo(50);
        assertThat(capped.finish()).isEqualTo(SimReply.Finish.LENGTH);
        assertThat(capped.text()).isEqualTo(free.text().subList(0, 20));

        SimReply thinking = SimReply.generate(new SimTurn("m", 10, 2000, null, 1024), plan);
        assertThat(thinking.thinking()).isNotEmpty();
        assertThat(thinking.thinkingSignature()).isNotBlank();
        assertThat(thinking.outputTokens()).isEqualTo(thinking.thinking().size() + thinking.text().size());
    }

    @Test
    void toolArgumentsFollowTheSchema() throws IOException {
        JsonNode schema = SimRuntime.JSON.readTree("""
                {"type":"object","properties":{
                  "city":{"type":"string"},
                  "unit":{"type":"string","enum":["celsius","fahrenheit"]},
                  "days":{"type":"integer","minimum":1,"maximum":3},
                  "tags":{"type":"array","items":{"type":"string"},"minItems":2},
                  "when":{"type":"string","format":"date"},
                  "filter":{"type":"object","properties":{"strict":{"type":"boolean"}},"required":["strict"]},
                  "optional":{"type":"string"}},
                 "required":["city","unit","days","tags","when","filter"]}""");
        JsonNode args = SimToolArguments.generate(schema, new SplittableRandom(9));
        assertThat(args.path("city").asText()).isNotBlank();
        assertThat(args.path("unit").asText()).isIn("celsius", "fahrenheit");
        assertThat(args.path("days").asInt()).isBetween(1, 3);
        assertThat(args.path("tags")).hasSize(2);
        assertThat(args.path("when").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(args.path("filter").path("strict").isBoolean()).isTrue();
        assertThat(args.has("optional")).isFalse();
        assertThat(SimToolArguments.generate(schema, new SplittableRandom(9))).isEqualTo(args);
        assertThat(SimToolArguments.generate(null, new SplittableRandom(9))).isEmpty();
    }

    @Test
    void streamFaultNeverHitsTheLastChunkWhenItMustLeaveSomethingOut() {
        SimProfile abort = SimProfile.builder().abortRate(1).build();
        SimPlanner planner = new SimPlanner(2);
        List<Integer> chunks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            chunks.add(planner.plan("m", abort).faultChunk(10));
        }
        assertThat(chunks).allSatisfy(c -> assertThat(c).isBetween(0, 8));
        assertThat(chunks).contains(0, 8);
    }

    @Test
    void profilesMergeOverTheDefaultAndRefuseNonsense() throws IOException {
        SimProfile base = SimProfile.builder().ttftMs(10).build();
        SimProfile merged = SimProfiles.merge(base, SimRuntime.JSON.readTree("{\"hangRate\":0.5}"));
        assertThat(merged.ttftMs()).isEqualTo(10);
        assertThat(merged.hangRate()).isEqualTo(0.5);

        assertThatThrownBy(() -> SimProfiles.merge(base, SimRuntime.JSON.readTree("{\"ttft\":1}")))
                .hasMessageContaining("unknown profile field 'ttft'").hasMessageContaining("ttftMs");
        assertThatThrownBy(() -> SimProfiles.merge(base, SimRuntime.JSON.readTree("{\"abortRate\":1.5}")))
                .hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> SimProfiles.merge(base,
                SimRuntime.JSON.readTree("{\"rateLimitedRate\":0.6,\"serverErrorRate\":0.6}")))
                .hasMessageContaining("must be <= 1");
        assertThatThrownBy(() -> SimProfiles.merge(base, SimRuntime.JSON.readTree("{\"ttftMs\":\"fast\"}")))
                .hasMessageContaining("must be a number");
    }

    @Test
    void profilesFileInYaml(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("profiles.yaml");
        Files.writeString(file, """
                "*":
                  ttftMs: 250
                  tokensPerSecond: 60
                gpt-4o:
                  rateLimitedRate: 0.02
                meta-llama/Llama-3.3-70B-Instruct-Turbo:
                  ttftMs: 90
                  tokensPerSecond: 300
                """);
        SimProfiles.Snapshot snapshot = SimProfiles.read(file, SimProfile.DEFAULT);
        assertThat(snapshot.defaultProfile().ttftMs()).isEqualTo(250);
        assertThat(snapshot.models().get("gpt-4o").tokensPerSecond()).isEqualTo(60);
        assertThat(snapshot.models().get("gpt-4o").rateLimitedRate()).isEqualTo(0.02);
        assertThat(snapshot.models().get("meta-llama/Llama-3.3-70B-Instruct-Turbo").ttftMs()).isEqualTo(90);

        Files.writeString(file, "gpt-4o:\n  tpm: 3\n");
        assertThatThrownBy(() -> SimProfiles.read(file, SimProfile.DEFAULT))
                .hasMessageContaining("profiles.yaml").hasMessageContaining("'gpt-4o'").hasMessageContaining("tpm");
    }
}
