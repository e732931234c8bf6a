package dev.switchboard.database;

import java.sql.SQLException;

/** Reading an {@link SQLException}: may trying again later work? For the writers that batch off the hot path. */
public final class SqlStates {

    private SqlStates() {
    }

    /**
     * Connection trouble (SQLState class 08), resources (53), operator intervention (57), serialisation or deadlock
     * (40), or no state at all (a pool timeout). Anything else means this data is refused.
     */
    public static boolean isTransient(SQLException e) {
        String state = stateOf(e);
        return state == null || state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                || state.startsWith("40");
    }

    /**
     * Whether {@code failure} was caused by the database being out of reach (anywhere in its causes: the pool, the
     * driver or Hibernate may have wrapped it): connection trouble (08), resources (53), operator intervention (57,
     * e.g. a shutdown), or a pool that could not hand out a connection (no state). Not serialisation failures.
     */
    public static boolean isUnavailable(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 16; depth++) {
            if (t instanceof SQLException s) {
                String state = stateOf(s);
                return state == null || state.startsWith("08") || state.startsWith("53") || state.startsWith("57");
            }
            t = t.getCause();
        }
        return false;
    }

    /** A batch error may carry its state only on the chained exception of the statement that failed. */
    private static String stateOf(SQLException e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 8; depth++) {
            if (t instanceof SQLException s) {
                if (s.getSQLState() != null) {
                    return s.getSQLState();
                }
                t = s.getNextException() != null ? s.getNextException() : s.getCause();
            } else {
                t = t.getCause();
            }
        }
        return null;
    }
}
