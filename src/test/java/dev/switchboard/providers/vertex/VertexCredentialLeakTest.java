package dev.switchboard.providers.vertex;

import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.providers.CallOptions;
import dev.switchboard.providers.ProviderKind;
import dev.switchboard.providers.ProviderSettings;
import dev.switchboard.providers.UpstreamTarget;
import dev.switchboard.providers.http.UpstreamHttp;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimProfile;
import dev.switchboard.sim.SimServer;
import dev.switchboard.testing.CapturedLogs;
import dev.switchboard.sim.SimServiceAccount;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Vertex credential — an API key, a service account's private key, an access token it was given — reaches a log
 * line or an error message, on any failure path: a wrong key, an untrusted service account, and every fault with
 * good credentials, for Gemini and for Claude on Vertex.
 */
class VertexCredentialLeakTest {

    static final String GOOD_KEY = "AIzaSyGOOD-SECRET-4f2a9c7e1b0d3c5a7e9f";
    static final String WRONG_KEY = "AIzaSyWRONG-SECRET-9d8c7b6a5f4e3d2c1b0a";
    static final CallOptions OPTIONS = new CallOptions(Duration.ofSeconds(2), Duration.ofMillis(400),
            Duration.ofMillis(400), Duration.ofSeconds(5));

    @TempDir
    static Path dir;

    static Vertx vertx;
    static SimServer sim;
    static SimServiceAccount account;
    static SimServiceAccount impostor;
    static CapturedLogs logs;

    @BeforeAll
    static void start() {
        logs = CapturedLogs.attach();
        vertx = Vertx.vertx();
        account = SimServiceAccount.generate("leak@leak-project.iam.gserviceaccount.com");
        impostor = SimServiceAccount.generate(account.clientEmail());
        sim = new SimServer(vertx, SimConfig.defaults().withSeed(5).withApiKeys(Set.of(GOOD_KEY))
                .withGoogleServiceAccount(account)
                .withDefaultProfile(SimProfile.builder().ttftMs(2).tokensPerSecond(5000).outputTokens(10).build()));
        sim.start(0);
    }

    @AfterAll
    static void stop() {
        logs.detach();
        sim.stop();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void noCredentialInLogsOrErrors() throws IOException {
        Path goodFile = Files.writeString(dir.resolve("good.json"), account.toKeyJson(sim.baseUrl() + "/token", "p"));
        Path wrongFile = Files.writeString(dir.resolve("wrong.json"), impostor.toKeyJson(sim.baseUrl() + "/token",
                "p"));
        VertexAccessTokens tokens = new VertexAccessTokens(Infrastructure.getDefaultWorkerPool(), Clock.systemUTC());
        VertexAdapter adapter = new VertexAdapter(new UpstreamHttp(io.vertx.mutiny.core.Vertx.newInstance(vertx)),
                tokens);
        String accessToken = tokens.token(goodFile.toString()).await().atMost(Duration.ofSeconds(10)).value();

        List<String> surfaced = new ArrayList<>();
        surfaced.addAll(attempt(adapter, target("leak-wrong-key", Optional.of(WRONG_KEY), Optional.empty())));
        surfaced.addAll(attempt(adapter, target("leak-wrong-account", Optional.empty(),
                Optional.of(wrongFile.toString()))));
        surfaced.addAll(attempt(adapter, target("claude-leak-wrong-account", Optional.empty(),
                Optional.of(wrongFile.toString()))));
        List<SimProfile> faults = List.of(
                SimProfile.builder().rateLimitedRate(1).build(), SimProfile.builder().serverErrorRate(1).build(),
                SimProfile.builder().overloadedRate(1).build(), SimProfile.builder().hangRate(1).build(),
                SimProfile.builder().malformedRate(1).build(), SimProfile.builder().abortRate(1).build(),
                SimProfile.builder().midStreamErrorRate(1).build());
        for (int i = 0; i < faults.size(); i++) {
            SimProfile fault = faults.get(i).toBuilder().ttftMs(2).tokensPerSecond(5000).outputTokens(10).build();
            sim.runtime().profiles().put("leak-file-" + i, fault);
            sim.runtime().profiles().put("leak-key-" + i, fault);
            sim.runtime().profiles().put("claude-leak-" + i, fault);
            surfaced.addAll(attempt(adapter, target("claude-leak-" + i, Optional.empty(),
                    Optional.of(goodFile.toString()))));
            surfaced.addAll(attempt(adapter, target("leak-file-" + i, Optional.empty(),
                    Optional.of(goodFile.toString()))));
            surfaced.addAll(attempt(adapter, target("leak-key-" + i, Optional.of(GOOD_KEY), Optional.empty())));
        }

        assertThat(surfaced).as("error messages surfaced").hasSizeGreaterThan(30);
        List<String> all = new ArrayList<>(surfaced);
        all.addAll(logs.lines());
        List<String> secrets = List.of(GOOD_KEY, WRONG_KEY, "SECRET", accessToken, pemPiece(account),
                pemPiece(impostor));
        for (String secret : secrets) {
            assertThat(all).as("no text contains a credential").noneMatch(text -> text.contains(secret));
        }
    }

    /** A line from the middle of the private key's PEM. */
    private static String pemPiece(SimServiceAccount serviceAccount) {
        String json = serviceAccount.toKeyJson("http://x/token", "p");
        String pem = json.substring(json.indexOf("-----BEGIN PRIVATE KEY-----"));
        return pem.split("\\\\n")[5];
    }

    private static UpstreamTarget target(String model, Optional<String> key, Optional<String> file) {
        ProviderSettings settings = new ProviderSettings("google-vertex", Optional.of(sim.baseUrl()), key,
                Optional.empty(), Optional.empty(), file, Optional.empty(), Optional.empty(), Optional.empty(), true);
        return new UpstreamTarget("google-vertex", ProviderKind.VERTEX, sim.baseUrl(), model, "us-central1",
                settings);
    }

    /** One call and one stream; what a caller or a log could see of each failure. */
    private static List<String> attempt(VertexAdapter adapter, UpstreamTarget target) {
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
