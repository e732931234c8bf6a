package dev.switchboard.sim;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.CachePointBlock;
import software.amazon.awssdk.services.bedrockruntime.model.CachePointType;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ModelErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelStreamErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.SpecificToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Bedrock Converse protocol, with the official AWS SDK's BedrockRuntimeClient and BedrockRuntimeAsyncClient as
 * its clients: SigV4-signed by the SDK, endpoint overridden to the simulator, retries off.
 */
class BedrockSimProtocolTest {

    private static final String CLAUDE = "anthropic.claude-sonnet-4-20250514-v1:0";

    private static SimTestServer sim;
    private static BedrockRuntimeClient client;
    private static BedrockRuntimeAsyncClient async;

    @BeforeAll
    static void start() {
        sim = new SimTestServer();
        client = client(AwsBasicCredentials.create(SimConfig.DEFAULT_AWS_ACCESS_KEY_ID,
                SimConfig.DEFAULT_AWS_SECRET_ACCESS_KEY));
        async = BedrockRuntimeAsyncClient.builder()
                .endpointOverride(URI.create(sim.baseUrl))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        SimConfig.DEFAULT_AWS_ACCESS_KEY_ID, SimConfig.DEFAULT_AWS_SECRET_ACCESS_KEY)))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        async.close();
        sim.close();
    }

    private static BedrockRuntimeClient client(AwsCredentials credentials) {
        return BedrockRuntimeClient.builder()
                .endpointOverride(URI.create(sim.baseUrl))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()).apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

    private static ConverseRequest.Builder ask(String model) {
        return ConverseRequest.builder().modelId(model)
                .messages(user("What is the weather like in Paris?"))
                .inferenceConfig(c -> c.maxTokens(1024));
    }

    private static Message user(String text) {
        return Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(text)).build();
    }

    private static ToolConfiguration weatherTool(ToolChoice choice) {
        Document schema = Document.mapBuilder()
                .putString("type", "object")
                .putDocument("properties", Document.mapBuilder()
                        .putDocument("city", Document.mapBuilder().putString("type", "string").build())
                        .putDocument("unit", Document.mapBuilder().putString("type", "string")
                                .putList("enum", l -> l.addString("celsius").addString("fahrenheit")).build())
                        .build())
                .putList("required", l -> l.addString("city").addString("unit"))
                .build();
        ToolConfiguration.Builder config = ToolConfiguration.builder().tools(Tool.fromToolSpec(ToolSpecification.builder()
                .name("get_weather").description("Current weather of a city")
                .inputSchema(ToolInputSchema.fromJson(schema)).build()));
        return (choice == null ? config : config.toolChoice(choice)).build();
    }

    /** What a ConverseStream delivered, through the SDK's visitor. */
    private record Streamed(List<String> events, StringBuilder text, StringBuilder reasoning, StringBuilder toolInput,
                            List<String> stopReasons, List<Integer> outputTokens) {
        Streamed() {
            this(Collections.synchronizedList(new ArrayList<>()), new StringBuilder(), new StringBuilder(),
                    new StringBuilder(), new ArrayList<>(), new ArrayList<>());
        }
    }

    private static Streamed stream(ConverseStreamRequest request) {
        Streamed out = new Streamed();
        ConverseStreamResponseHandler.Visitor visitor = ConverseStreamResponseHandler.Visitor.builder()
                .onMessageStart(e -> out.events.add("messageStart"))
                .onContentBlockStart(e -> {
                    out.events.add("contentBlockStart");
                    out.toolInput.append(e.start().toolUse().name()).append(' ');
                })
                .onContentBlockDelta(e -> {
                    out.events.add("contentBlockDelta");
                    if (e.delta().text() != null) out.text.append(e.delta().text());
                    if (e.delta().toolUse() != null) out.toolInput.append(e.delta().toolUse().input());
                    if (e.delta().reasoningContent() != null && e.delta().reasoningContent().text() != null) {
                        out.reasoning.append(e.delta().reasoningContent().text());
                    }
                })
                .onContentBlockStop(e -> out.events.add("contentBlockStop"))
                .onMessageStop(e -> {
                    out.events.add("messageStop");
                    out.stopReasons.add(e.stopReasonAsString());
                })
                .onMetadata(e -> {
                    out.events.add("metadata");
                    out.outputTokens.add(e.usage().outputTokens());
                })
                .build();
        try {
            async.converseStream(request, ConverseStreamResponseHandler.builder().subscriber(visitor).build())
                    .get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static ConverseStreamRequest streamRequest(ConverseRequest request) {
        return ConverseStreamRequest.builder().modelId(request.modelId()).messages(request.messages())
                .system(request.system()).inferenceConfig(request.inferenceConfig()).toolConfig(request.toolConfig())
                .additionalModelRequestFields(request.additionalModelRequestFields()).build();
    }

    @Test
    void converseAnswersText() {
        ConverseResponse response = client.converse(ask("br-plain").build());

        assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(response.output().message().role()).isEqualTo(ConversationRole.ASSISTANT);
        String text = response.output().message().content().get(0).text();
        assertThat(text).matches("[A-Z].*[.!]");
        assertThat(response.usage().inputTokens()).isPositive();
        assertThat(response.usage().outputTokens()).isEqualTo(text.split(" ").length);
        assertThat(response.usage().totalTokens())
                .isEqualTo(response.usage().inputTokens() + response.usage().outputTokens());
        assertThat(response.metrics().latencyMs()).isNotNull();
        assertThat(response.responseMetadata().requestId()).isNotBlank();
        // counted just after the last byte went out: the client may read it first
        sim.awaitRequests("br-plain", c -> c.path("completed").asLong() == 1, Duration.ofSeconds(5));
    }

    @Test
    void modelIdsWithColonsAndSlashesTravelEncodedInThePath() {
        String profileArn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us." + CLAUDE;
        for (String model : List.of(CLAUDE, "us." + CLAUDE, profileArn)) {
            ConverseResponse response = client.converse(ask(model).build());
            assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
            sim.awaitRequests(model, c -> c.path("completed").asLong() == 1, Duration.ofSeconds(5));
        }
    }

    @Test
    void converseStreamHasTheRealEventSequence() {
        Streamed streamed = stream(streamRequest(ask("br-stream").build()));

        assertThat(streamed.events.getFirst()).isEqualTo("messageStart");
        assertThat(streamed.events.subList(1, streamed.events.size() - 3)).containsOnly("contentBlockDelta");
        assertThat(streamed.events.subList(streamed.events.size() - 3, streamed.events.size()))
                .containsExactly("contentBlockStop", "messageStop", "metadata");
        assertThat(streamed.stopReasons).containsExactly("end_turn");
        assertThat(streamed.text.toString()).matches("[A-Z].*[.!]");
        assertThat(streamed.outputTokens).containsExactly(streamed.text.toString().split(" ").length);
    }

    @Test
    void toolUseThenTextAfterTheToolResult() {
        ConverseRequest request = ask("br-tools").toolConfig(weatherTool(null)).build();
        ConverseResponse response = client.converse(request);

        assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
        ToolUseBlock toolUse = response.output().message().content().getFirst().toolUse();
        assertThat(toolUse.toolUseId()).startsWith("tooluse_");
        assertThat(toolUse.name()).isEqualTo("get_weather");
        Map<String, Document> input = toolUse.input().asMap();
        assertThat(input.get("city").isString()).isTrue();
        assertThat(input.get("unit").asString()).isIn("celsius", "fahrenheit");

        List<Message> conversation = new ArrayList<>(request.messages());
        conversation.add(response.output().message());
        conversation.add(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromToolResult(
                ToolResultBlock.builder().toolUseId(toolUse.toolUseId())
                        .content(ToolResultContentBlock.fromText("18 C, sunny")).build())).build());
        ConverseResponse answer = client.converse(request.toBuilder().messages(conversation).build());
        assertThat(answer.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(answer.output().message().content().getFirst().text()).isNotBlank();
    }

    @Test
    void streamedToolUseStartsTheBlockThenSendsItsInput() {
        ToolChoice named = ToolChoice.fromTool(SpecificToolChoice.builder().name("get_weather").build());
        Streamed streamed = stream(streamRequest(ask("br-tools-stream").toolConfig(weatherTool(named)).build()));

        assertThat(streamed.events.subList(0, 2)).containsExactly("messageStart", "contentBlockStart");
        assertThat(streamed.stopReasons).containsExactly("tool_use");
        String toolInput = streamed.toolInput.toString();
        assertThat(toolInput).startsWith("get_weather {");
        assertThat(SimRuntime.JSON.valueToTree(toolInput.substring("get_weather ".length())).isTextual()).isTrue();
        assertThat(toolInput).contains("\"city\"");
    }

    @Test
    void claudeThinkingComesFirstWithItsSignature() {
        Document thinking = Document.mapBuilder().putDocument("thinking", Document.mapBuilder()
                .putString("type", "enabled").putNumber("budget_tokens", 1024).build()).build();
        ConverseRequest request = ask("br-think").inferenceConfig(c -> c.maxTokens(4096))
                .additionalModelRequestFields(thinking).build();
        ConverseResponse response = client.converse(request);

        List<ContentBlock> content = response.output().message().content();
        assertThat(content).hasSize(2);
        assertThat(content.get(0).reasoningContent().reasoningText().text()).isNotBlank();
        assertThat(content.get(0).reasoningContent().reasoningText().signature()).isNotBlank();
        assertThat(content.get(1).text()).isNotBlank();

        Streamed streamed = stream(streamRequest(request.toBuilder().modelId("br-think-stream").build()));
        assertThat(streamed.reasoning.toString()).isNotBlank();
        assertThat(streamed.text.toString()).isNotBlank();
    }

    @Test
    void cachePointsWriteThenReadThePrefix() {
        String longSystem = "You answer questions about the weather. ".repeat(200);
        ConverseRequest request = ask("br-cache").system(SystemContentBlock.fromText(longSystem),
                SystemContentBlock.fromCachePoint(CachePointBlock.builder().type(CachePointType.DEFAULT).build()))
                .build();
        ConverseResponse first = client.converse(request);
        ConverseResponse second = client.converse(request);

        assertThat(first.usage().cacheWriteInputTokens()).isGreaterThan(1000);
        assertThat(first.usage().cacheReadInputTokens()).isZero();
        assertThat(second.usage().cacheReadInputTokens()).isEqualTo(first.usage().cacheWriteInputTokens());
        assertThat(second.usage().cacheWriteInputTokens()).isZero();
        assertThat(second.usage().totalTokens()).isEqualTo(second.usage().inputTokens()
                + second.usage().outputTokens() + second.usage().cacheReadInputTokens());
    }

    @Test
    void maxTokensCapsTheAnswer() {
        sim.profile("br-long", SimTestServer.FAST.toBuilder().outputTokens(300).build());
        ConverseResponse response = client.converse(ask("br-long").inferenceConfig(c -> c.maxTokens(7)).build());
        assertThat(response.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(response.usage().outputTokens()).isEqualTo(7);
    }

    @Test
    void conversationsAreValidatedAsBedrockDoes() {
        ConverseRequest twoUsers = ask("br-400").messages(user("Hello"), user("Hello again")).build();
        assertThatThrownBy(() -> client.converse(twoUsers)).isInstanceOfSatisfying(ValidationException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.getMessage()).contains("must alternate between user and assistant roles");
        });
        assertThat(sim.counters("br-400").rejected()).isEqualTo(1);
    }

    @Test
    void sessionCredentialsAreSignedWithTheirToken() {
        try (BedrockRuntimeClient temporary = client(AwsSessionCredentials.create(
                SimConfig.DEFAULT_AWS_ACCESS_KEY_ID, SimConfig.DEFAULT_AWS_SECRET_ACCESS_KEY, "session-token-1"))) {
            assertThat(temporary.converse(ask("br-session").build()).stopReason()).isEqualTo(StopReason.END_TURN);
        }
    }

    @Test
    void aWrongSecretIsAnInvalidSignature() {
        try (BedrockRuntimeClient wrong = client(AwsBasicCredentials.create(SimConfig.DEFAULT_AWS_ACCESS_KEY_ID,
                "wrongSecretAccessKey0000000000000000000"))) {
            assertThatThrownBy(() -> wrong.converse(ask("br-403").build()))
                    .isInstanceOfSatisfying(BedrockRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        assertThat(e.getMessage()).contains("The request signature we calculated does not match");
                    });
        }
        assertThat(sim.counters("br-403").rejected()).isEqualTo(1);
    }

    @Test
    void anUnknownAccessKeyIsAnUnrecognizedClient() {
        try (BedrockRuntimeClient unknown = client(AwsBasicCredentials.create("AKIDUNKNOWN000000000",
                SimConfig.DEFAULT_AWS_SECRET_ACCESS_KEY))) {
            assertThatThrownBy(() -> unknown.converse(ask("br-403-unknown").build()))
                    .isInstanceOfSatisfying(BedrockRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
                    });
        }
    }

    @Test
    void throttlingIsTheSdksThrottlingException() {
        sim.profile("br-429", SimTestServer.FAST.toBuilder().rateLimitedRate(1).build());
        assertThatThrownBy(() -> client.converse(ask("br-429").build()))
                .isInstanceOfSatisfying(ThrottlingException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.isThrottlingException()).isTrue();
                });
        assertThat(sim.counters("br-429").errors().rateLimited()).isEqualTo(1);
    }

    @Test
    void overloadAndUnavailabilityAreServiceUnavailable() {
        sim.profile("br-503", SimTestServer.FAST.toBuilder().overloadedRate(0.5).unavailableRate(0.5).build());
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> client.converse(ask("br-503").build()))
                    .isInstanceOfSatisfying(ServiceUnavailableException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(503));
        }
    }

    @Test
    void serverErrorIsInternalServerException() {
        sim.profile("br-500", SimTestServer.FAST.toBuilder().serverErrorRate(1).build());
        assertThatThrownBy(() -> client.converse(ask("br-500").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
    }

    @Test
    void aFailureMidAnswerIsAModelError() {
        sim.profile("br-424", SimTestServer.FAST.toBuilder().midStreamErrorRate(1).build());
        assertThatThrownBy(() -> client.converse(ask("br-424").build()))
                .isInstanceOfSatisfying(ModelErrorException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(424);
                    assertThat(e.originalStatusCode()).isEqualTo(529);
                });
    }

    @Test
    void anExceptionFrameMidStreamIsTheSdksModelStreamErrorException() {
        sim.profile("br-midstream", SimTestServer.FAST.toBuilder().midStreamErrorRate(1).build());
        assertThatThrownBy(() -> stream(streamRequest(ask("br-midstream").build())))
                .isInstanceOfSatisfying(ModelStreamErrorException.class, e -> {
                    assertThat(e.originalStatusCode()).isEqualTo(529);
                    assertThat(e.originalMessage()).isEqualTo("Overloaded");
                });
        assertThat(sim.counters("br-midstream").midStreamErrors()).isEqualTo(1);
    }

    @Test
    void aMalformedEventBreaksTheSdksParsing() {
        sim.profile("br-malformed", SimTestServer.FAST.toBuilder().malformedRate(1).build());
        assertThatThrownBy(() -> stream(streamRequest(ask("br-malformed").build())))
                .isInstanceOf(SdkClientException.class).hasMessageContaining("Unexpected end-of-input");
        assertThat(sim.counters("br-malformed").malformed()).isEqualTo(1);
    }

    @Test
    void aFrameCutShortAtTheEndLeavesTheStreamWithoutItsStop() {
        sim.profile("br-framing", SimTestServer.FAST.toBuilder().badFramingRate(1).build());
        // the SDK's decoder keeps the half frame as pending bytes and says nothing when the body ends: only the
        // missing messageStop and metadata show the stream was cut, which is what a gateway must notice
        Streamed cut = stream(streamRequest(ask("br-framing").build()));
        assertThat(cut.events()).contains("messageStart").doesNotContain("messageStop", "metadata");
        assertThat(cut.stopReasons()).isEmpty();
        assertThat(sim.counters("br-framing").badFraming()).isEqualTo(1);
        assertThat(sim.counters("br-framing").completed()).isZero();
    }

    @Test
    void aFrameCutInsideItsPreludeAlsoLeavesTheStreamWithoutItsStop() {
        sim.profile("br-prelude", SimTestServer.FAST.toBuilder().badFramingRate(1).badFramingCutBytes(5).build());
        Streamed cut = stream(streamRequest(ask("br-prelude").build()));
        assertThat(cut.events()).contains("messageStart").doesNotContain("messageStop", "metadata");
        assertThat(sim.counters("br-prelude").badFraming()).isEqualTo(1);
    }

    @Test
    void aFrameWithABadChecksumFailsTheSdksDecoder() {
        sim.profile("br-crc", SimTestServer.FAST.toBuilder().badChecksumRate(1).build());
        assertThatThrownBy(() -> stream(streamRequest(ask("br-crc").build())))
                .isInstanceOf(SdkClientException.class).hasStackTraceContaining("checksum");
        assertThat(sim.counters("br-crc").badChecksums()).isEqualTo(1);
    }

    @Test
    void rawRequestsWithoutSigV4GetAwsAuthErrors() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}";
        HttpResponse<String> none = sim.post("/model/br-raw/converse", Map.of("content-type", "application/json"),
                body);
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.headers().firstValue("x-amzn-ErrorType")).get().asString()
                .startsWith("MissingAuthenticationTokenException");
        assertThat(sim.json(none).path("message").asText()).isEqualTo("Missing Authentication Token");

        HttpResponse<String> basic = sim.post("/model/br-raw/converse", Map.of("authorization", "Basic dXNlcjpwYXNz"),
                body);
        assertThat(basic.statusCode()).isEqualTo(400);
        assertThat(basic.headers().firstValue("x-amzn-ErrorType")).get().asString()
                .startsWith("IncompleteSignatureException");
        assertThat(sim.counters("br-raw").rejected()).isEqualTo(2);
    }

    @Test
    void aBedrockApiKeyIsABearerToken() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}";
        HttpResponse<String> ok = sim.post("/model/br-bearer/converse",
                Map.of("authorization", "Bearer " + SimTestServer.KEY), body);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(sim.json(ok).path("stopReason").asText()).isEqualTo("end_turn");
        assertThat(ok.headers().firstValue("x-amzn-RequestId")).isPresent();

        HttpResponse<String> stream = sim.post("/model/br-bearer/converse-stream",
                Map.of("authorization", "Bearer " + SimTestServer.KEY), body);
        assertThat(stream.headers().firstValue("content-type")).contains("application/vnd.amazon.eventstream");

        HttpResponse<String> wrong = sim.post("/model/br-bearer/converse", Map.of("authorization", "Bearer nope"),
                body);
        assertThat(wrong.statusCode()).isEqualTo(403);
    }

    @Test
    void configuredAwsKeysReplaceTheDefaultOne() {
        SimTestServer own = new SimTestServer(SimConfig.defaults().withDefaultProfile(SimTestServer.FAST)
                .withAwsCredentials(SimulatorMain.awsKeys("AKIDOWN0000000000001:own/secret:with:colons")));
        try (BedrockRuntimeClient mine = BedrockRuntimeClient.builder().endpointOverride(URI.create(own.baseUrl))
                .region(Region.EU_WEST_1).overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        "AKIDOWN0000000000001", "own/secret:with:colons"))).build();
             BedrockRuntimeClient defaults = BedrockRuntimeClient.builder().endpointOverride(URI.create(own.baseUrl))
                     .region(Region.EU_WEST_1).overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()))
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                             SimConfig.DEFAULT_AWS_ACCESS_KEY_ID, SimConfig.DEFAULT_AWS_SECRET_ACCESS_KEY))).build()) {
            assertThat(mine.converse(ask("br-own").build()).stopReason()).isEqualTo(StopReason.END_TURN);
            assertThatThrownBy(() -> defaults.converse(ask("br-own").build()))
                    .isInstanceOfSatisfying(BedrockRuntimeException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
        } finally {
            own.close();
        }
    }
}
