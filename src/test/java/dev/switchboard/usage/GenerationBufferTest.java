package dev.switchboard.usage;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GenerationBufferTest {

    static GenerationRecord generation(String id) {
        return new GenerationRecord(id, Instant.parse("2026-01-01T00:00:00Z"), "key_1", "a/b", "a/b", "p", 1L,
                "openai", false, "ok", 200, "stop", null, null, null, 10, List.of());
    }

    @Test
    void writesInBatchesAndFindsBeforeAndAfter() throws Exception {
        GenerationBuffer buffer = new GenerationBuffer(100, 3, 10);
        List<Integer> batches = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            assertThat(buffer.offer(generation("g" + i))).isTrue();
        }
        assertThat(buffer.find("g6")).isNotNull();
        GenerationBuffer.FlushResult r = buffer.flush(batch -> batches.add(batch.size()));
        assertThat(r.written()).isEqualTo(7);
        assertThat(batches).containsExactly(3, 3, 1);
        assertThat(buffer.queued()).isZero();
        assertThat(buffer.find("g6")).isNotNull(); // the recent cache
        assertThat(buffer.find("nope")).isNull();
    }

    @Test
    void aFailedBatchIsKeptAndRetriedFirstAndTheBoundCountsIt() {
        GenerationBuffer buffer = new GenerationBuffer(3, 10, 10);
        buffer.offer(generation("a"));
        buffer.offer(generation("b"));
        GenerationBuffer.FlushResult down = buffer.flush(batch -> {
            throw new SQLException("connection refused", "08001");
        });
        assertThat(down.failure() != null).isTrue();
        assertThat(buffer.queued()).isEqualTo(2);
        assertThat(buffer.find("a")).isNotNull();
        assertThat(buffer.offer(generation("c"))).isTrue();
        assertThat(buffer.offer(generation("d"))).isFalse();
        assertThat(buffer.dropped()).isEqualTo(1);
        List<String> order = new ArrayList<>();
        assertThat(buffer.flush(batch -> batch.forEach(g -> order.add(g.id()))).written()).isEqualTo(3);
        assertThat(order).containsExactly("a", "b", "c");
    }

    @Test
    void aRowTheDatabaseRefusesIsSetAsideAndNamedTheRestIsWritten() {
        GenerationBuffer buffer = new GenerationBuffer(10, 10, 10);
        buffer.offer(generation("good1"));
        buffer.offer(generation("bad"));
        buffer.offer(generation("good2"));
        List<String> written = new ArrayList<>();
        GenerationBuffer.FlushResult r = buffer.flush(batch -> {
            if (batch.stream().anyMatch(g -> g.id().equals("bad"))) {
                throw new SQLException("value too long", "22001");
            }
            batch.forEach(g -> written.add(g.id()));
        });
        assertThat(r.refused()).containsExactly("bad");
        assertThat(written).containsExactly("good1", "good2");
        assertThat(buffer.queued()).isZero();
        assertThat(buffer.rejected()).isEqualTo(1);
        assertThat(buffer.find("bad")).isNull();
    }
}
