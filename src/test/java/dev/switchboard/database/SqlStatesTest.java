package dev.switchboard.database;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class SqlStatesTest {

    @Test
    void anUnreachableDatabaseIsFoundUnderTheWrappersOfThePoolAndHibernate() {
        SQLException refused = new SQLException("Connection to localhost:5432 refused.", "08001");
        assertThat(SqlStates.isUnavailable(new IllegalStateException("Reading hourly stats failed",
                new RuntimeException(refused)))).isTrue();
        assertThat(SqlStates.isUnavailable(new SQLException("FATAL: terminating connection due to administrator "
                + "command", "57P01"))).isTrue();
        assertThat(SqlStates.isUnavailable(new SQLException("Sorry, acquisition timeout!"))).isTrue();
    }

    @Test
    void badDataAndOtherFailuresAreNotAnOutage() {
        assertThat(SqlStates.isUnavailable(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(SqlStates.isUnavailable(new SQLException("could not serialize access", "40001"))).isFalse();
        assertThat(SqlStates.isUnavailable(new IllegalStateException("no SQL here"))).isFalse();
        assertThat(SqlStates.isUnavailable(null)).isFalse();
    }
}
