package dev.switchboard.providers.vertex;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.SimGoogleAuth;
import dev.switchboard.sim.SimServer;
import dev.switchboard.sim.SimServiceAccount;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The token cache against the simulator's token endpoint (Google's auth library signs real JWTs): one token per key
 * file until it nears expiry, refreshed on the worker it is given, never on the calling event loop, shared by
 * concurrent callers, and a failure not remembered.
 */
class VertexAccessTokensTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    static Vertx vertx;
    static SimServer sim;
    static SimServiceAccount account;
    static ExecutorService workers;

    Path keyFile;
    MovableClock clock;
    AtomicInteger refreshes;
    List<String> refreshThreads;
    VertexAccessTokens tokens;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        account = SimServiceAccount.generate("tokens@token-project.iam.gserviceaccount.com");
        sim = new SimServer(vertx, SimConfig.defaults().withGoogleServiceAccount(account));
        sim.start(0);
        workers = Executors.newFixedThreadPool(2, r -> new Thread(r, "test-worker"));
    }

    @AfterAll
    static void stop() {
        workers.shutdownNow();
        sim.stop();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void fresh() throws IOException {
        keyFile = Files.createTempFile(dir, "key", ".json");
        Files.writeString(keyFile, account.toKeyJson(sim.baseUrl() + "/token", "token-project"));
        clock = new MovableClock();
        refreshes = new AtomicInteger();
        refreshThreads = new ArrayList<>();
        Executor counting = task -> {
            refreshes.incrementAndGet();
            workers.execute(() -> {
                synchronized (refreshThreads) {
                    refreshThreads.add(Thread.currentThread().getName());
                }
                task.run();
            });
        };
        tokens = new VertexAccessTokens(counting, clock);
    }

    static SimGoogleAuth auth() {
        return sim.runtime().googleAuth();
    }

    VertexAccessTokens.Token token() {
        return tokens.token(keyFile.toString()).await().atMost(WAIT);
    }

    @Test
    void oneTokenUntilItNearsExpiry() {
        long before = auth().tokenRequests();
        VertexAccessTokens.Token first = token();

        assertThat(first.value()).startsWith("ya29.");
        assertThat(first.projectId()).isEqualTo("token-project");
        assertThat(first.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(59)),
                Instant.now().plus(Duration.ofMinutes(61)));
        assertThat(first.toString()).doesNotContain(first.value());
        for (int i = 0; i < 5; i++) {
            assertThat(token()).isEqualTo(first);
        }
        assertThat(auth().tokenRequests() - before).isEqualTo(1);
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void theRefreshRunsOnTheWorkerNeverOnTheEventLoop() {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<String> callingThread = new CompletableFuture<>();
        CompletableFuture<VertexAccessTokens.Token> got = new CompletableFuture<>();
        context.runOnContext(v -> {
            callingThread.complete(Thread.currentThread().getName());
            tokens.token(keyFile.toString()).subscribe().with(got::complete, got::completeExceptionally);
        });
        assertThat(got).succeedsWithin(WAIT);
        assertThat(callingThread.join()).contains("eventloop");
        assertThat(refreshThreads).containsExactly("test-worker");
    }

    @Test
    void nearExpiryTheOldTokenServesWhileANewOneIsFetched() {
        VertexAccessTokens.Token first = token();
        // four minutes left: inside the refresh margin, well above the minimum validity
        clock.advanceTo(first.expiresAt().minus(Duration.ofMinutes(4)));

        assertThat(token()).isEqualTo(first);
        // back to the present, or the new token (an hour from the real now) would look near expiry too
        clock.advanceTo(Instant.now());
        VertexAccessTokens.Token second = awaitNewToken(first);
        assertThat(second.expiresAt()).isAfter(first.expiresAt().minus(Duration.ofSeconds(1)));
        assertThat(refreshes).hasValue(2);
    }

    @Test
    void aTokenAboutToExpireIsNotHandedOut() {
        VertexAccessTokens.Token first = token();
        clock.advanceTo(first.expiresAt().minus(Duration.ofSeconds(10)));

        VertexAccessTokens.Token second = token();
        assertThat(second.value()).isNotEqualTo(first.value());
    }

    @Test
    void concurrentCallersShareOneRefresh() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        VertexAccessTokens gated = new VertexAccessTokens(task -> workers.execute(() -> {
            runs.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        }), clock);
        long before = auth().tokenRequests();
        List<CompletableFuture<VertexAccessTokens.Token>> waiting = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waiting.add(gated.token(keyFile.toString()).subscribeAsCompletionStage());
        }
        release.countDown();
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

        assertThat(waiting.stream().map(CompletableFuture::join).map(VertexAccessTokens.Token::value).distinct())
                .hasSize(1);
        assertThat(runs).hasValue(1);
        assertThat(auth().tokenRequests() - before).isEqualTo(1);
    }

    @Test
    void aFailureIsNotRememberedAndARotatedKeyIsReadAgain() throws IOException {
        SimServiceAccount unknown = SimServiceAccount.generate("stranger@token-project.iam.gserviceaccount.com");
        Files.writeString(keyFile, unknown.toKeyJson(sim.baseUrl() + "/token", "token-project"));
        Throwable refused = catchThrowable(this::token);
        assertThat(refused).isInstanceOfSatisfying(UpstreamError.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamErrorKind.AUTHENTICATION);
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.providerMessage()).isEqualTo("invalid_grant: Invalid grant: account not found");
            assertThat(e.getMessage()).doesNotContain("stranger@");
        });

        Files.writeString(keyFile, account.toKeyJson(sim.baseUrl() + "/token", "token-project"));
        Files.setLastModifiedTime(keyFile, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(token().value()).startsWith("ya29.");
    }

    @Test
    void anUnreachableTokenEndpointIsAConnectionError() throws IOException {
        Files.writeString(keyFile, account.toKeyJson("http://127.0.0.1:1/token", "token-project"));
        VertexAccessTokens direct = new VertexAccessTokens(workers, clock);
        Throwable failure = catchThrowable(() -> direct.token(keyFile.toString()).await().atMost(Duration.ofMinutes(1)));
        assertThat(failure).isInstanceOfSatisfying(UpstreamError.class,
                e -> assertThat(e.kind()).isEqualTo(UpstreamErrorKind.CONNECTION));
    }

    @Test
    void invalidatingForgetsTheToken() {
        VertexAccessTokens.Token first = token();
        tokens.invalidate(keyFile.toString());
        assertThat(token().value()).isNotEqualTo(first.value());
    }

    private VertexAccessTokens.Token awaitNewToken(VertexAccessTokens.Token old) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            VertexAccessTokens.Token now = token();
            if (!now.value().equals(old.value())) {
                return now;
            }
            // a short pause between polls; the deadline bounds the loop
            Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(5)).await().indefinitely();
        }
        throw new AssertionError("no new token within " + WAIT);
    }

    /** The system clock, moved forward on demand. */
    static final class MovableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advanceTo(Instant instant) {
            offset = Duration.between(Instant.now(), instant);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
