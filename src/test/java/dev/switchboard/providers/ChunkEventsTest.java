package dev.switchboard.providers;

import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkEventsTest {

    /** Each read is a comma-separated list of events; "!" fails the step after the events before it. */
    private static Multi<String> events(Multi<String> reads, List<String> out, Runnable end) {
        return ChunkEvents.of(reads, out, read -> {
            for (String e : read.split(",")) {
                if (e.equals("!")) {
                    throw UpstreamError.of(UpstreamErrorKind.MALFORMED_RESPONSE, "bad event");
                }
                if (!e.isEmpty()) {
                    out.add(e);
                }
            }
        }, end);
    }

    @Test
    void everyReadsEventsGoOutInOrderThenTheEndStepsOnes() {
        List<String> out = new ArrayList<>();
        AssertSubscriber<String> sub = events(Multi.createFrom().items("a,b", "", "c"), out, () -> out.add("end"))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        sub.assertCompleted();
        assertThat(sub.getItems()).containsExactly("a", "b", "c", "end");
    }

    @Test
    void demandIsHonouredAndReadsAreAskedForOnlyWhenTheirEventsAreTaken() {
        List<String> out = new ArrayList<>();
        AtomicInteger reads = new AtomicInteger();
        Multi<String> source = Multi.createFrom().items("a,b,c", "d", "e").onItem().invoke(reads::incrementAndGet);
        AssertSubscriber<String> sub = events(source, out, () -> { })
                .subscribe().withSubscriber(AssertSubscriber.create(2));
        assertThat(sub.getItems()).containsExactly("a", "b");
        assertThat(reads).hasValue(1);
        sub.request(1);
        assertThat(sub.getItems()).containsExactly("a", "b", "c");
        assertThat(reads).as("the next read waits for demand").hasValue(1);
        sub.request(1);
        assertThat(sub.getItems()).containsExactly("a", "b", "c", "d");
        assertThat(reads).hasValue(2);
        sub.assertNotTerminated();
        sub.request(5);
        sub.assertCompleted();
        assertThat(sub.getItems()).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void aStepThatFailsPartWaySendsTheEventsBeforeItThenFailsAndCancelsTheReads() {
        List<String> out = new ArrayList<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        Multi<String> source = Multi.createFrom().items("a", "b,!,c", "d").onCancellation()
                .invoke(() -> cancelled.set(true));
        AssertSubscriber<String> sub = events(source, out, () -> ended.set(true))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        sub.assertFailedWith(UpstreamError.class, "bad event");
        assertThat(sub.getItems()).containsExactly("a", "b");
        assertThat(cancelled).isTrue();
        assertThat(ended).as("a failed stream has no end step").isFalse();
    }

    @Test
    void aFailingEndStepStillSendsWhatItMadeFirst() {
        List<String> out = new ArrayList<>();
        AssertSubscriber<String> sub = ChunkEvents.<String, String>of(Multi.createFrom().items("a"), out, out::add,
                        () -> {
                            out.add("last");
                            throw UpstreamError.of(UpstreamErrorKind.MALFORMED_RESPONSE, "cut short");
                        })
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        sub.assertFailedWith(UpstreamError.class, "cut short");
        assertThat(sub.getItems()).containsExactly("a", "last");
    }

    @Test
    void aReadFailureAfterTheAnswerIsWholeEndsTheStreamNormally() {
        List<String> out = new ArrayList<>();
        AtomicBoolean whole = new AtomicBoolean();
        Multi<String> broken = Multi.createBy().concatenating().streams(Multi.createFrom().items("a", "done"),
                Multi.createFrom().failure(new IOException("connection reset")));
        AssertSubscriber<String> sub = ChunkEvents.<String, String>of(broken, out, read -> {
                    out.add(read);
                    whole.set(read.equals("done"));
                }, () -> out.add("end"), failure -> whole.get())
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        sub.assertCompleted();
        assertThat(sub.getItems()).containsExactly("a", "done", "end");

        List<String> out2 = new ArrayList<>();
        AssertSubscriber<String> early = ChunkEvents.<String, String>of(Multi.createBy().concatenating().streams(
                        Multi.createFrom().items("a"), Multi.createFrom().failure(new IOException("connection reset"))),
                        out2, out2::add, () -> out2.add("end"), failure -> false)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        early.assertFailedWith(IOException.class, "connection reset");
        assertThat(early.getItems()).containsExactly("a");
    }

    @Test
    void cancellingStopsTheEventsAndCancelsTheReads() {
        List<String> out = new ArrayList<>();
        UnicastProcessor<String> reads = UnicastProcessor.create();
        AtomicBoolean cancelled = new AtomicBoolean();
        AssertSubscriber<String> sub = events(reads.onCancellation().invoke(() -> cancelled.set(true)), out, () -> { })
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        reads.onNext("a");
        sub.cancel();
        reads.onNext("b");
        assertThat(sub.getItems()).containsExactly("a");
        assertThat(cancelled).isTrue();
    }
}
