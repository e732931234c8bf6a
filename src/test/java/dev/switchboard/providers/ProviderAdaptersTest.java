package dev.switchboard.providers;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ChatResponse;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SwitchboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The adapters as the app wires them (one per kind, on the app's Vert.x), calling the in-app simulated upstream. */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProviderAdaptersTest {

    @Inject
    ProviderAdapters adapters;

    @Inject
    SimulatorLauncher simulator;

    @Test
    void openAiAndAnthropicKindsCallTheSimulator() {
        String sim = simulator.server().baseUrl();
        ChatResponse openai = adapters.forKind(ProviderKind.OPENAI)
                .chat(target("groq", ProviderKind.OPENAI, sim + "/v1", "wiring-openai"), request("caller-name"), CallOptions.DEFAULTS)
                .await().atMost(Duration.ofSeconds(20));
        assertThat(openai.text()).isNotBlank();
        assertThat(openai.usage().outputTokens()).isPositive();

        List<ChatEvent> events = adapters.forKind(ProviderKind.ANTHROPIC)
                .stream(target("anthropic", ProviderKind.ANTHROPIC, sim, "wiring-anthropic"), request("caller-name"), CallOptions.DEFAULTS)
                .collect().asList().await().atMost(Duration.ofSeconds(20));
        assertThat(events.getFirst()).isInstanceOf(ChatEvent.Start.class);
        assertThat(events).anyMatch(ChatEvent.Stop.class::isInstance);
        // the target's upstream model id is what the provider saw, not the caller's name for it
        assertThat(simulator.server().runtime().counters().get("wiring-openai").received()).isEqualTo(1);
        assertThat(simulator.server().runtime().counters().get("wiring-anthropic").received()).isEqualTo(1);
        assertThat(simulator.server().runtime().counters().get("caller-name").received()).isZero();
    }

    private static ChatRequest request(String model) {
        return ChatRequest.builder(model).user("hello").maxTokens(32).build();
    }

    private static UpstreamTarget target(String slug, ProviderKind kind, String base, String model) {
        return new UpstreamTarget(slug, kind, base, model, null, new ProviderSettings(slug, Optional.of(base),
                Optional.of(SimConfig.DEFAULT_API_KEY), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), true));
    }
}
