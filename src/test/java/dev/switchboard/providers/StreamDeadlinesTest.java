package dev.switchboard.providers;

import dev.switchboard.llm.ChatEvent;
import dev.switchboard.llm.FinishReason;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StreamDeadlinesTest {

    static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor();
    static final ChatEvent START = new ChatEvent.Start("id", "m");
    static final ChatEvent TEXT = new ChatEvent.TextDelta("hi");
    static final ChatEvent STOP = new ChatEvent.Stop(FinishReason.STOP, "stop");

    @AfterAll
    static void stop() {
        SCHEDULER.shutdownNow();
    }

    static Multi<ChatEvent> guarded(Multi<ChatEvent> events, long firstTokenMs, long totalMs) {
        return StreamDeadlines.apply(events, Duration.ofMillis(firstTokenMs), Duration.ofMillis(totalMs), SCHEDULER);
    }

    @Test
    void noContentBeforeTheFirstTokenDeadlineFailsAndCancelsTheUpstream() {
        AtomicBoolean cancelled = new AtomicBoolean();
        // a Start arrives, then nothing: Start is not a token
        Multi<ChatEvent> hanging = Multi.createBy().concatenating().streams(Multi.createFrom().item(START),
                Multi.createFrom().<ChatEvent>nothing()).onCancellation().invoke(() -> cancelled.set(true));
        AssertSubscriber<ChatEvent> sub = guarded(hanging, 100, 5000).subscribe().withSubscriber(AssertSubscriber.create(10));
        sub.awaitFailure(Duration.ofSeconds(2));
        assertThat(sub.getItems()).containsExactly(START);
        assertThat(sub.getFailure()).isInstanceOfSatisfying(UpstreamError.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
            assertThat(e.getMessage()).contains("first token");
        });
        assertThat(cancelled).isTrue();
    }

    @Test
    void aTokenInTimeDisarmsTheFirstTokenDeadline() {
        Multi<ChatEvent> slowAfterFirstToken = Multi.createBy().concatenating().streams(
                Multi.createFrom().items(START, TEXT),
                Multi.createFrom().item(STOP).onItem().call(x -> io.smallrye.mutiny.Uni.createFrom().voidItem()
                        .onItem().delayIt().by(Duration.ofMillis(300))));
        AssertSubscriber<ChatEvent> sub = guarded(slowAfterFirstToken, 100, 5000).subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        sub.awaitCompletion(Duration.ofSeconds(2));
        assertThat(sub.getItems()).containsExactly(START, TEXT, STOP);
    }

    @Test
    void theTotalDeadlineCutsALongStream() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Multi<ChatEvent> endless = Multi.createFrom().ticks().every(Duration.ofMillis(20))
                .onItem().transform(t -> (ChatEvent) new ChatEvent.TextDelta("t" + t))
                .onCancellation().invoke(() -> cancelled.set(true));
        AssertSubscriber<ChatEvent> sub = guarded(endless, 1000, 200).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        sub.awaitFailure(Duration.ofSeconds(2));
        assertThat(sub.getFailure()).isInstanceOfSatisfying(UpstreamError.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
            assertThat(e.getMessage()).contains("did not finish");
        });
        assertThat(sub.getItems()).isNotEmpty();
        assertThat(cancelled).isTrue();
    }

    @Test
    void failuresAndCompletionPassThroughOnce() {
        UpstreamError boom = UpstreamError.of(UpstreamErrorKind.SERVER_ERROR, "boom");
        AssertSubscriber<ChatEvent> failed = guarded(Multi.createBy().concatenating().streams(
                Multi.createFrom().item(TEXT), Multi.createFrom().failure(boom)), 100, 200)
                .subscribe().withSubscriber(AssertSubscriber.create(10));
        failed.awaitFailure(Duration.ofSeconds(1));
        assertThat(failed.getFailure()).isSameAs(boom);
        AssertSubscriber<ChatEvent> done = guarded(Multi.createFrom().items(START, TEXT, STOP), 50, 100)
                .subscribe().withSubscriber(AssertSubscriber.create(10));
        done.awaitCompletion(Duration.ofSeconds(1));
        // the timers were disarmed: nothing arrives after completion
        done.awaitItems(3, Duration.ofMillis(300));
        assertThat(done.getItems()).containsExactly(START, TEXT, STOP);
    }

    @Test
    void demandPassesThroughAndCancellationReachesTheUpstream() {
        AtomicLong requested = new AtomicLong();
        AtomicBoolean cancelled = new AtomicBoolean();
        Multi<ChatEvent> source = Multi.createFrom().items(START, TEXT, TEXT, TEXT, STOP)
                .onRequest().invoke(requested::addAndGet)
                .onCancellation().invoke(() -> cancelled.set(true));
        AssertSubscriber<ChatEvent> sub = guarded(source, 1000, 1000).subscribe().withSubscriber(AssertSubscriber.create(2));
        sub.awaitItems(2);
        assertThat(requested.get()).isEqualTo(2);
        sub.cancel();
        assertThat(cancelled).isTrue();
    }
}
