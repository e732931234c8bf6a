package dev.switchboard.database;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseStateTest {

    private static BufferState writing(int queued) {
        return new BufferState("generations", false, queued, 100);
    }

    private static BufferState away(int queued) {
        return new BufferState("samples", true, queued, 100);
    }

    @Test
    void anOutageKeepsTheReplicaReadyEvenWhenRowsAreDropped() {
        assertThat(DatabaseState.of(true, List.of(writing(0), writing(99)))).isEqualTo(DatabaseState.UP);
        assertThat(DatabaseState.of(true, List.of(writing(0), away(0)))).isEqualTo(DatabaseState.BUFFERING);
        assertThat(DatabaseState.of(true, List.of(writing(0), away(79)))).isEqualTo(DatabaseState.BUFFERING);
        assertThat(DatabaseState.of(true, List.of(writing(0), away(80)))).isEqualTo(DatabaseState.DEGRADED);
        assertThat(DatabaseState.of(true, List.of(writing(0), away(100)))).isEqualTo(DatabaseState.DROPPING);
        // dropping is an alert, not a reason to leave the rotation: all replicas share the database and would all leave
        assertThat(List.of(DatabaseState.UP, DatabaseState.BUFFERING, DatabaseState.DEGRADED, DatabaseState.DROPPING))
                .allMatch(s -> s.ready);
    }

    @Test
    void aFullBufferDropsEvenWhileTheDatabaseAnswers() {
        // the database is reachable but does not keep up: rows are lost all the same
        assertThat(DatabaseState.of(true, List.of(writing(100), away(0)))).isEqualTo(DatabaseState.DROPPING);
        // a busy buffer with the database up is not "degraded": the next flush empties it
        assertThat(DatabaseState.of(true, List.of(writing(90)))).isEqualTo(DatabaseState.UP);
    }

    @Test
    void aDatabaseNeverReachedIsNotReadyWhateverTheBuffersSay() {
        assertThat(DatabaseState.of(false, List.of(writing(0)))).isEqualTo(DatabaseState.UNREACHED);
        assertThat(DatabaseState.UNREACHED.ready).isFalse();
    }
}
