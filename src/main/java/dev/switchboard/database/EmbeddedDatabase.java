package dev.switchboard.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The embedded default database: real PostgreSQL binaries (from Maven Central, via zonky) started on a data
 * directory that survives restarts. Used only when the operator configured no datasource.
 */
public final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

    static final String URL_PROPERTY = "quarkus.datasource.jdbc.url";
    static final String URL_ENV = "QUARKUS_DATASOURCE_JDBC_URL";
    static final String DIR_PROPERTY = "switchboard.embedded-db.dir";
    static final String DIR_ENV = "SWITCHBOARD_EMBEDDED_DB_DIR";
    static final String PORT_PROPERTY = "switchboard.embedded-db.port";
    static final String PORT_ENV = "SWITCHBOARD_EMBEDDED_DB_PORT";
    static final String HOME_PROPERTY = "switchboard.home";
    static final String HOME_ENV = "SWITCHBOARD_HOME";
    static final int DEFAULT_PORT = 54329;

    private EmbeddedDatabase() {
    }

    /**
     * Whether the operator named a database in any of the places Quarkus reads at run time: system properties, the
     * environment, {@code .env} and {@code config/application.properties} in the working directory (plain or for the
     * prod profile). Checked before Quarkus boots, so it reads those places itself.
     */
    static boolean datasourceConfigured(Map<String, String> env, Properties props) {
        return datasourceConfigured(env, props, Path.of(""));
    }

    static boolean datasourceConfigured(Map<String, String> env, Properties props, Path workingDir) {
        if (notBlank(env.get(URL_ENV)) || notBlank(env.get("_PROD_" + URL_ENV))
                || notBlank(props.getProperty(URL_PROPERTY)) || notBlank(props.getProperty("%prod." + URL_PROPERTY))) {
            return true;
        }
        Properties dotEnv = load(workingDir.resolve(".env"));
        if (notBlank(dotEnv.getProperty(URL_ENV)) || notBlank(dotEnv.getProperty("_PROD_" + URL_ENV))) {
            return true;
        }
        Properties file = load(workingDir.resolve("config").resolve("application.properties"));
        return notBlank(file.getProperty(URL_PROPERTY)) || notBlank(file.getProperty("%prod." + URL_PROPERTY));
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (var reader = Files.newBufferedReader(file)) {
                p.load(reader);
            } catch (IOException e) {
                LOG.warnf("Could not read %s: %s", file, e.getMessage());
            }
        }
        return p;
    }

    /** Starts the embedded server and points the datasource at it, unless one is configured; returns it if started. */
    public static java.util.Optional<EmbeddedPostgres> startIfNoDatasourceConfigured(Map<String, String> env,
                                                                                     Properties props) {
        if (datasourceConfigured(env, props)) {
            return java.util.Optional.empty();
        }
        Path dir = dataDirectory(env, props);
        int port = port(env, props);
        EmbeddedPostgres pg = start(dir, port);
        props.setProperty(URL_PROPERTY, pg.getJdbcUrl("postgres", "postgres"));
        props.setProperty("quarkus.datasource.username", "postgres");
        props.setProperty("quarkus.datasource.password", "");
        LOG.infof("No datasource configured: using the embedded PostgreSQL on port %d with data in %s "
                + "(set QUARKUS_DATASOURCE_JDBC_URL to use your own server)", port, dir);
        return java.util.Optional.of(pg);
    }

    static Path dataDirectory(Map<String, String> env, Properties props) {
        String configured = firstNonBlank(props.getProperty(DIR_PROPERTY), env.get(DIR_ENV));
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        String home = firstNonBlank(props.getProperty(HOME_PROPERTY), env.get(HOME_ENV));
        if (home != null) {
            return Path.of(home).toAbsolutePath().resolve("pg");
        }
        return Path.of(props.getProperty("user.home", System.getProperty("user.home")), ".switchboard", "pg");
    }

    static int port(Map<String, String> env, Properties props) {
        String configured = firstNonBlank(props.getProperty(PORT_PROPERTY), env.get(PORT_ENV));
        if (configured == null) {
            return DEFAULT_PORT;
        }
        try {
            return Integer.parseInt(configured.trim());
        } catch (NumberFormatException e) {
            throw new StartFailure("switchboard.embedded-db.port (SWITCHBOARD_EMBEDDED_DB_PORT) must be a port number, "
                    + "got '" + configured + "'.");
        }
    }

    private static EmbeddedPostgres start(Path dir, int port) {
        try {
            Files.createDirectories(dir);
            refuseTakenPort(dir, port);
            return ours(builder(dir, port).start(), dir, port);
        } catch (IllegalStateException e) {
            if (lockHeld(e)) {
                throw new StartFailure("The embedded PostgreSQL data directory " + dir + " is in use by another "
                        + "Switchboard (or 'keys' command) on this machine: stop that one, or give this instance its "
                        + "own. " + HOW_TO_CHANGE);
            }
            LOG.debugf(e, "Start of the embedded PostgreSQL");
            throw new StartFailure("Could not start the embedded PostgreSQL in " + dir + " on port " + port + ": "
                    + e.getMessage() + ". " + HOW_TO_CHANGE);
        } catch (IOException first) {
            // After a hard kill the data directory keeps a stale postmaster.pid and the first start fails; the
            // second one succeeds because pg_ctl then sees no live process behind it.
            Path pid = dir.resolve("postmaster.pid");
            if (Files.exists(pid)) {
                LOG.warnf("Embedded PostgreSQL did not start (%s); removing a stale %s and retrying once",
                        first.getMessage(), pid);
                try {
                    Files.deleteIfExists(pid);
                    return ours(builder(dir, port).start(), dir, port);
                } catch (IOException | IllegalStateException second) {
                    LOG.debugf(second, "Second start of the embedded PostgreSQL");
                }
            }
            LOG.debugf(first, "Start of the embedded PostgreSQL");
            throw new StartFailure("Could not start the embedded PostgreSQL in " + dir + " on port " + port + ": "
                    + first.getMessage() + ". Is the port taken? " + HOW_TO_CHANGE);
        }
    }

    /**
     * A new server whose port is taken fails to bind and exits, but zonky's readiness check then connects to whatever
     * listens there and reports success: this instance would silently use another one's database.
     */
    private static void refuseTakenPort(Path dir, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException taken) {
            throw new StartFailure(portInUse(dir, port));
        }
    }

    /** The same race, lost after the check above: the server that answered must be the one on our directory. */
    private static EmbeddedPostgres ours(EmbeddedPostgres pg, Path dir, int port) throws IOException {
        String served;
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("show data_directory")) {
            served = rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            pg.close();
            throw new IOException("the embedded PostgreSQL does not answer: " + e.getMessage(), e);
        }
        if (served == null || !Path.of(served).toRealPath().equals(dir.toRealPath())) {
            pg.close();
            throw new StartFailure(portInUse(dir, port));
        }
        return pg;
    }

    private static String portInUse(Path dir, int port) {
        return "Port " + port + " of the embedded PostgreSQL (data in " + dir + ") is in use by another program, "
                + "maybe another Switchboard's database: give this instance a port of its own. " + HOW_TO_CHANGE;
    }

    /**
     * zonky holds an exclusive lock on {@code <dir>/epg-lock} while its server runs: held by another process, it says
     * "could not lock"; held by this same JVM, the file channel throws OverlappingFileLockException.
     */
    private static boolean lockHeld(IllegalStateException e) {
        return e instanceof java.nio.channels.OverlappingFileLockException
                || (e.getMessage() != null && e.getMessage().startsWith("could not lock"));
    }

    private static final String HOW_TO_CHANGE = "Set switchboard.embedded-db.port / switchboard.embedded-db.dir "
            + "(SWITCHBOARD_EMBEDDED_DB_PORT, SWITCHBOARD_EMBEDDED_DB_DIR) to change port or directory, or "
            + "QUARKUS_DATASOURCE_JDBC_URL to use an existing server.";

    /** A start-up problem the operator can fix, said in one line: the launcher prints it and exits, no stack trace. */
    public static final class StartFailure extends RuntimeException {
        StartFailure(String message) {
            super(message, null, false, false);
        }
    }

    private static EmbeddedPostgres.Builder builder(Path dir, int port) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "100")
                .setServerConfig("timezone", "UTC");
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static String firstNonBlank(String a, String b) {
        return notBlank(a) ? a : notBlank(b) ? b : null;
    }
}
