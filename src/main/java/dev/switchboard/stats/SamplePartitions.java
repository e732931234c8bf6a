package dev.switchboard.stats;

import dev.switchboard.proxy.SkipWhileDraining;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps one {@code samples} partition per UTC day ({@code samples_yyyymmdd}), from yesterday to three days ahead,
 * and drops whole partitions past the retention. Samples outside every partition land in {@code samples_default};
 * when a day's partition is created its rows there move into it.
 *
 * <p>Locks: creating a day builds the table on its own and ATTACHes it, which needs only SHARE UPDATE EXCLUSIVE
 * on {@code samples} (inserts into other days go on) and ACCESS EXCLUSIVE on the default partition for the moment
 * its rows move. Dropping a partition needs ACCESS EXCLUSIVE on {@code samples}, taken first so that lock order
 * matches the inserters'. A lock timeout keeps either from stalling writers: the next run tries again. Replicas
 * serialise on an advisory lock.
 */
@ApplicationScoped
public class SamplePartitions {

    private static final long LOCK_KEY = 0x5357_5041_5254_4e53L; // "SWPARTNS"
    private static final Pattern NAME = Pattern.compile("samples_(\\d{8})");
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final int DAYS_AHEAD = 3;

    @Inject
    DataSource dataSource;

    @Inject
    StatsConfig config;

    /** After Flyway (which runs before start-up events) and the catalog load. */
    void onStart(@Observes @Priority(20) StartupEvent event) {
        try {
            ensureAhead();
        } catch (RuntimeException e) {
            Log.warnf("Samples: could not create the day partitions, samples go to samples_default until the "
                    + "next maintenance run: %s", e.getMessage());
        }
    }

    /** Creates the missing partitions from yesterday to {@value #DAYS_AHEAD} days ahead; returns those created. */
    public List<String> ensureAhead() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<String> created = new ArrayList<>();
        for (LocalDate day = today.minusDays(1); !day.isAfter(today.plusDays(DAYS_AHEAD)); day = day.plusDays(1)) {
            if (ensure(day)) {
                created.add(nameOf(day));
            }
        }
        if (!created.isEmpty()) {
            Log.infof("Samples: created partitions %s", created);
        }
        return created;
    }

    /**
     * Creates the partition of one UTC day unless it exists, moving that day's rows out of the default partition in
     * the same transaction. Returns whether it created it.
     */
    public boolean ensure(LocalDate day) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                lock(c);
                s.execute("set local lock_timeout = '5s'");
                if (existing(c).contains(day)) {
                    return false;
                }
                String name = nameOf(day);
                String from = bound(day);
                String to = bound(day.plusDays(1));
                String range = "started_at >= " + from + " and started_at < " + to;
                s.execute("lock table samples in share update exclusive mode");
                s.execute("lock table samples_default in access exclusive mode");
                s.execute("create table " + name + " (like samples including defaults including constraints)");
                // Lets ATTACH skip scanning the new table to prove its rows fit the range.
                s.execute("alter table " + name + " add constraint " + name + "_range check (" + range + ")");
                int moved = s.executeUpdate("insert into " + name + " select * from samples_default where " + range);
                if (moved > 0) {
                    s.executeUpdate("delete from samples_default where " + range);
                    Log.infof("Samples: moved %d rows of %s from samples_default into %s", moved, day, name);
                }
                s.execute("alter table samples attach partition " + name + " for values from (" + from + ") to ("
                        + to + ")");
                return true;
            }
        });
    }

    /**
     * Drops the day partitions whose every row is older than {@code retention}, and deletes such rows from the
     * default partition. Rollups are left alone. Returns the partitions dropped.
     */
    public List<String> dropOlderThan(Duration retention) {
        Instant cutoff = Instant.now().minus(retention);
        return QuarkusTransaction.requiringNew().call(() -> {
            List<String> dropped = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                lock(c);
                s.execute("set local lock_timeout = '5s'");
                List<LocalDate> expired = existing(c).stream()
                        .filter(day -> !day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).isAfter(cutoff))
                        .toList();
                if (!expired.isEmpty()) {
                    s.execute("lock table samples in access exclusive mode");
                    for (LocalDate day : expired) {
                        s.execute("drop table " + nameOf(day));
                        dropped.add(nameOf(day));
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("delete from samples_default where started_at < ?")) {
                    ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                    int deleted = ps.executeUpdate();
                    if (deleted > 0) {
                        Log.infof("Samples: deleted %d rows older than %s from samples_default", deleted, cutoff);
                    }
                }
            }
            if (!dropped.isEmpty()) {
                Log.infof("Samples: dropped partitions %s (retention %s)", dropped, retention);
            }
            return dropped;
        });
    }

    /**
     * Creates what is missing ahead and applies the configured retention. Runs hourly rather than daily so that a
     * replica started just before midnight, or a run that lost a lock timeout, costs nothing; a run where no day
     * has turned changes nothing.
     */
    @Scheduled(every = "${switchboard.stats.maintenance-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SkipWhileDraining.class)
    public void maintain() {
        try {
            ensureAhead();
            dropOlderThan(config.sampleRetention());
        } catch (RuntimeException e) {
            Log.warnf("Samples: partition maintenance failed, retrying next run: %s", e.getMessage());
        }
    }

    /** The days that have a partition, oldest first. */
    public List<LocalDate> days() {
        try (Connection c = dataSource.getConnection()) {
            return List.copyOf(existing(c));
        } catch (SQLException e) {
            throw new IllegalStateException("Listing sample partitions failed: " + e.getMessage(), e);
        }
    }

    public static String nameOf(LocalDate day) {
        return "samples_" + DAY.format(day);
    }

    private static TreeSet<LocalDate> existing(Connection c) throws SQLException {
        TreeSet<LocalDate> days = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select child.relname from pg_inherits i
                join pg_class child on child.oid = i.inhrelid
                where i.inhparent = 'samples'::regclass""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Matcher m = NAME.matcher(rs.getString(1));
                if (m.matches()) {
                    days.add(LocalDate.parse(m.group(1), DAY));
                }
            }
        }
        return days;
    }

    private static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
            ps.setLong(1, LOCK_KEY);
            ps.execute();
        }
    }

    /** A day's start as a SQL literal; made from a LocalDate, so it cannot carry anything but digits. */
    private static String bound(LocalDate day) {
        return "'" + day + " 00:00:00+00'";
    }
}
