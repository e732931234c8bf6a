package dev.switchboard.providers.http;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision is the test's clock's, so the outcome does not depend on how fast the machine is. */
class IdleDeadlineTest {

    static final ScheduledThreadPoolExecutor SCHEDULER = new ScheduledThreadPoolExecutor(1);
    static final Duration IDLE = Duration.ofMillis(20);

    static {
        SCHEDULER.setRemoveOnCancelPolicy(true);
    }

    @AfterAll
    static void stop() {
        SCHEDULER.shutdownNow();
    }

    @Test
    void readsKeepTheBodyAliveAndOneTimerServesTheWholeBody() throws Exception {
        AtomicLong clock = new AtomicLong();
        UnicastProcessor<String> body = UnicastProcessor.create();
        AssertSubscriber<String> sub = IdleDeadline.apply(body, IDLE, SCHEDULER, clock::get).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        long fired = SCHEDULER.getCompletedTaskCount();
        for (int i = 0; i < 100; i++) {
            body.onNext("chunk" + i);
        }
        assertThat(SCHEDULER.getQueue()).as("reads arm no timers of their own").hasSizeLessThanOrEqualTo(1);
        // the timer fires (in real time) while the test's clock says no time has passed: it re-arms, no failure
        awaitCompleted(fired + 1);
        sub.assertNotTerminated();
        assertThat(SCHEDULER.getQueue()).as("re-armed once").hasSize(1);
        body.onComplete();
        sub.assertCompleted();
        assertThat(sub.getItems()).hasSize(100);
        assertThat(SCHEDULER.getQueue()).as("the timer goes with the body").isEmpty();
    }

    @Test
    void aBodyQuietForTheIdleTimeFailsWithATimeoutAndIsCancelled() {
        AtomicLong clock = new AtomicLong();
        AtomicBoolean cancelled = new AtomicBoolean();
        UnicastProcessor<String> body = UnicastProcessor.create();
        AssertSubscriber<String> sub = IdleDeadline.apply(body.onCancellation().invoke(() -> cancelled.set(true)),
                        IDLE, SCHEDULER, clock::get).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        body.onNext("head");
        clock.addAndGet(IDLE.toNanos());
        sub.awaitFailure(Duration.ofSeconds(10));
        assertThat(sub.getFailure()).isInstanceOfSatisfying(UpstreamError.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamErrorKind.TIMEOUT);
            assertThat(e.getMessage()).isEqualTo("The provider sent nothing for 20 ms");
        });
        assertThat(sub.getItems()).containsExactly("head");
        assertThat(cancelled).isTrue();
    }

    private static void awaitCompleted(long tasks) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (SCHEDULER.getCompletedTaskCount() < tasks && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(SCHEDULER.getCompletedTaskCount()).isGreaterThanOrEqualTo(tasks);
    }
}
