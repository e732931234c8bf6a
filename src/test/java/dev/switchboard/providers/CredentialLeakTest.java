package dev.switchboard.providers;

import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.providers.anthropic.AnthropicAdapter;
import dev.switchboard.providers.bedrock.BedrockAdapter;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.providers.openai.OpenAiAdapter;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimServer;
import dev.switchboard.testing.CapturedLogs;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credentials must never reach a log line or an error message. Every adapter is driven through its failure paths
 * (a wrong key, an accepted key with each fault) with every log record captured; the keys must appear nowhere.
 */
class CredentialLeakTest {

    static final String GOOD_KEY = "sk-sim-good-SECRET-4f2a9c7e1b";
    static final String WRONG_OPENAI_KEY = "sk-proj-WRONG-SECRET-9d8c7b6a5f4e3d2c1b0a";
    static final String WRONG_ANTHROPIC_KEY = "sk-ant-api03-WRONG-SECRET-0a1b2c3d4e5f6a7b8c9d";
    static final String AWS_KEY_ID = "AKIASECRETLEAKTEST01";
    static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY01";
    static final String WRONG_AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETWRONG9";
    static final List<String> SECRETS = List.of(GOOD_KEY, WRONG_OPENAI_KEY, WRONG_ANTHROPIC_KEY, AWS_SECRET,
            WRONG_AWS_SECRET, "SECRET");
    static final CallOptions OPTIONS = new CallOptions(Duration.ofSeconds(2), Duration.ofMillis(400),
            Duration.ofMillis(400), Duration.ofSeconds(5));

    static Vertx vertx;
    static SimServer sim;
    static CapturedLogs logs;

    @BeforeAll
    static void start() {
        logs = CapturedLogs.attach();
        vertx = Vertx.vertx();
        sim = new SimServer(vertx, SimConfig.defaults().withSeed(3).withApiKeys(Set.of(GOOD_KEY))
                .withAwsCredentials(java.util.Map.of(AWS_KEY_ID, AWS_SECRET))
                .withDefaultProfile(SimProfile.builder().ttftMs(2).tokensPerSecond(5000).outputTokens(10).build()));
        sim.start(0);
    }

    @AfterAll
    static void stop() {
        logs.detach();
        sim.stop();
        vertx.close();
    }

    @Test
    void noKeyInLogsOrErrors() {
        UpstreamHttp http = new UpstreamHttp(new io.vertx.mutiny.core.Vertx(vertx));
        List<String> surfaced = new ArrayList<>();
        record Case(ProviderAdapter adapter, ProviderKind kind, String base, String slug) {
        }
        List<Case> cases = List.of(
                new Case(new OpenAiAdapter(http), ProviderKind.OPENAI, sim.baseUrl() + "/v1", "openai"),
                new Case(new OpenAiAdapter(http), ProviderKind.OPENAI, sim.baseUrl() + "/openai", "azure"),
                new Case(new AnthropicAdapter(http), ProviderKind.ANTHROPIC, sim.baseUrl(), "anthropic"),
                new Case(new BedrockAdapter(http), ProviderKind.BEDROCK, sim.baseUrl(), "amazon-bedrock"));
        List<SimProfile> faults = List.of(
                SimProfile.builder().rateLimitedRate(1).build(), SimProfile.builder().serverErrorRate(1).build(),
                SimProfile.builder().overloadedRate(1).build(), SimProfile.builder().hangRate(1).build(),
                SimProfile.builder().malformedRate(1).build(), SimProfile.builder().abortRate(1).build(),
                SimProfile.builder().midStreamErrorRate(1).build());
        for (Case c : cases) {
            String wrong = switch (c.kind()) {
                case ANTHROPIC -> WRONG_ANTHROPIC_KEY;
                case BEDROCK -> WRONG_AWS_SECRET;
                default -> WRONG_OPENAI_KEY;
            };
            surfaced.add(c.toString());
            surfaced.addAll(attempt(c.adapter(), target(c.slug(), c.kind(), c.base(), "leak-wrong-" + c.slug(), wrong)));
            for (int i = 0; i < faults.size(); i++) {
                String model = "leak-" + c.slug() + "-" + i;
                sim.runtime().profiles().put(model, faults.get(i).toBuilder().ttftMs(2).tokensPerSecond(5000)
                        .outputTokens(10).build());
                surfaced.addAll(attempt(c.adapter(), target(c.slug(), c.kind(), c.base(), model, GOOD_KEY)));
            }
        }
        assertThat(surfaced).as("error messages surfaced").hasSizeGreaterThan(30);
        List<String> all = new ArrayList<>(surfaced);
        all.addAll(logs.lines());
        for (String secret : SECRETS) {
            assertThat(all).as("no text contains " + secret).noneMatch(text -> text.contains(secret));
        }
    }

    private static UpstreamTarget target(String slug, ProviderKind kind, String base, String model, String key) {
        // Bedrock signs with an access key pair: the "key" is then the secret (the good one, or a wrong one)
        boolean aws = kind == ProviderKind.BEDROCK;
        String secret = aws && key.equals(GOOD_KEY) ? AWS_SECRET : key;
        ProviderSettings settings = new ProviderSettings(slug, Optional.of(base),
                aws ? Optional.empty() : Optional.of(key), Optional.of("us-east-1"), Optional.empty(),
                Optional.empty(), aws ? Optional.of(AWS_KEY_ID) : Optional.empty(),
                aws ? Optional.of(secret) : Optional.empty(), Optional.empty(), true);
        return new UpstreamTarget(slug, kind, base, model, null, settings);
    }

    /** One call and one stream; what a caller or a log could see of each failure. */
    private static List<String> attempt(ProviderAdapter adapter, UpstreamTarget target) {
        List<String> seen = new ArrayList<>(List.of(target.toString(), target.settings().toString()));
        ChatRequest request = ChatRequest.builder(target.upstreamModel()).user("hi").maxTokens(16).build();
        for (boolean stream : List.of(false, true)) {
            try {
                if (stream) {
                    adapter.stream(target, request, OPTIONS).collect().asList().await().atMost(Duration.ofSeconds(10));
                } else {
                    adapter.chat(target, request, OPTIONS).await().atMost(Duration.ofSeconds(10));
                }
            } catch (UpstreamError e) {
                seen.add(e.getMessage() + " | " + e.providerMessage() + " | " + e);
            }
        }
        return seen;
    }
}
