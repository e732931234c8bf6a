package dev.switchboard.proxy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.routing.EndpointHealth;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimulatorLauncher;
import dev.switchboard.testing.SimProfileOverrides;
import dev.switchboard.testing.SwitchboardTestProfile;
import dev.switchboard.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static dev.switchboard.proxy.ProxyTestSupport.KEY;
import static dev.switchboard.proxy.ProxyTestSupport.QUICK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The chaos suite as the official OpenAI and Anthropic SDKs see it: with a healthy backup a failing provider
 * (OpenAI-compatible or Bedrock) is invisible, streamed or not; alone, its failure reaches the SDK as the SDK's own
 * typed exception (rate limit, server error, or the stream's error event) carrying the gateway's words, never a
 * parse error of something the SDK could not read.
 */
@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class ProxySdkChaosTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    SimulatorLauncher simulator;

    @Inject
    EndpointHealth health;

    private OpenAIClient openAi;
    private AnthropicClient anthropic;
    private SimProfileOverrides profiles;

    @BeforeEach
    void setUp() {
        String base = root.toString().replaceAll("/$", "");
        openAi = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey(KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(base).apiKey(KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
        profiles = new SimProfileOverrides(ProxyTestSupport.sim(simulator).profiles());
        profiles.put("chaos-an", QUICK);
        health.reset();
    }

    @AfterEach
    void tearDown() {
        profiles.close();
        health.reset();
        openAi.close();
        anthropic.close();
    }

    @Test
    void withABackupEveryCallSucceedsThroughFailover() {
        SimProfile failing = QUICK.toBuilder().serverErrorRate(1).build();
        for (String[] primary : new String[][] {{TestCatalog.CHAOS, "chaos-oa"},
                {TestCatalog.CHAOS_BEDROCK, "chaos-br"}}) {
            profiles.put(primary[1], failing);
            String model = primary[0];

            ChatCompletion completion = openAi.chat().completions().create(openAiParams(model)).validate();
            assertThat(completion.choices().getFirst().message().content()).get().asString().isNotBlank();
            assertThat(completion._additionalProperties().get("provider"))
                    .isEqualTo(JsonValue.from(TestCatalog.ROUTE_ANTHROPIC));

            health.reset();
            try (var stream = openAi.chat().completions().createStreaming(openAiParams(model))) {
                List<ChatCompletionChunk> chunks = stream.stream().toList();
                String text = chunks.stream().flatMap(c -> c.choices().stream())
                        .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
                assertThat(text).as(model + " streamed through the OpenAI SDK").isNotBlank();
                assertThat(chunks.getFirst()._additionalProperties().get("provider"))
                        .isEqualTo(JsonValue.from(TestCatalog.ROUTE_ANTHROPIC));
            }

            health.reset();
            Message message = anthropic.messages().create(anthropicParams(model));
            assertThat(message.content().getFirst().text()).get().satisfies(t -> assertThat(t.text()).isNotBlank());

            health.reset();
            MessageAccumulator accumulator = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages()
                    .createStreaming(anthropicParams(model))) {
                stream.stream().forEach(accumulator::accumulate);
            }
            assertThat(accumulator.message().content().getFirst().text()).get()
                    .satisfies(t -> assertThat(t.text()).isNotBlank());
            health.reset();
        }
    }

    @Test
    void aloneTheFailureIsTheSdksTypedExceptionWithTheGatewaysWords() {
        profiles.put("chaos-solo", QUICK.toBuilder().rateLimitedRate(1).retryAfterSeconds(2).build());
        assertTyped(() -> openAi.chat().completions().create(openAiParams(TestCatalog.CHAOS_SOLO)),
                com.openai.errors.RateLimitException.class, "rate limiting");
        assertTyped(() -> drain(openAi.chat().completions().createStreaming(openAiParams(TestCatalog.CHAOS_SOLO))
                        .stream().toList()),
                com.openai.errors.RateLimitException.class, "rate limiting");
        assertTyped(() -> anthropic.messages().create(anthropicParams(TestCatalog.CHAOS_SOLO)),
                com.anthropic.errors.RateLimitException.class, "rate limiting");
        assertTyped(() -> drain(anthropic.messages().createStreaming(anthropicParams(TestCatalog.CHAOS_SOLO))
                        .stream().toList()),
                com.anthropic.errors.RateLimitException.class, "rate limiting");

        health.reset();
        profiles.put("chaos-br-solo", QUICK.toBuilder().serverErrorRate(1).build());
        assertTyped(() -> openAi.chat().completions().create(openAiParams(TestCatalog.CHAOS_BEDROCK_SOLO)),
                com.openai.errors.InternalServerException.class, "The provider of " + TestCatalog.CHAOS_BEDROCK_SOLO);
        health.reset();
        assertTyped(() -> anthropic.messages().create(anthropicParams(TestCatalog.CHAOS_BEDROCK_SOLO)),
                com.anthropic.errors.InternalServerException.class,
                "The provider of " + TestCatalog.CHAOS_BEDROCK_SOLO);

        // after the first byte only the stream's error event is left: the SDKs raise it as their SSE exception
        profiles.put("chaos-br-solo", QUICK.toBuilder().outputTokens(40).badChecksumRate(1).build());
        for (int i = 0; i < 2; i++) {
            health.reset();
            Throwable openAiError = catchThrowable(() -> drain(openAi.chat().completions()
                    .createStreaming(openAiParams(TestCatalog.CHAOS_BEDROCK_SOLO)).stream().toList()));
            assertThat(openAiError).as("OpenAI SDK, broken Bedrock frame").isInstanceOfAny(
                    com.openai.errors.SseException.class, com.openai.errors.InternalServerException.class)
                    .hasMessageContaining("event-stream frame");
            health.reset();
            Throwable anthropicError = catchThrowable(() -> drain(anthropic.messages()
                    .createStreaming(anthropicParams(TestCatalog.CHAOS_BEDROCK_SOLO)).stream().toList()));
            assertThat(anthropicError).as("Anthropic SDK, broken Bedrock frame").isInstanceOfAny(
                    com.anthropic.errors.SseException.class, com.anthropic.errors.InternalServerException.class)
                    .hasMessageContaining("event-stream frame");
        }
    }

    private static void assertTyped(ThrowingSupplier<?> call, Class<? extends Throwable> type, String words) {
        Throwable thrown = catchThrowable(call::get);
        assertThat(thrown).as("the SDK's exception").isInstanceOf(type).hasMessageContaining(words);
    }

    private static Object drain(List<?> events) {
        return events.size();
    }

    private static ChatCompletionCreateParams openAiParams(String model) {
        return ChatCompletionCreateParams.builder().model(model).maxCompletionTokens(64).addUserMessage("Hi").build();
    }

    private static MessageCreateParams anthropicParams(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage("Hi").build();
    }
}
