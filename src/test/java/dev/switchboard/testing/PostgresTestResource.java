package dev.switchboard.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A real PostgreSQL for the test suite: the server named by {@code SWITCHBOARD_TEST_JDBC_URL} (a fresh database is
 * created on it for this run), or else an embedded one on a throw-away data directory. Never Docker.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgres embedded;

    @Override
    public Map<String, String> start() {
        String external = System.getenv("SWITCHBOARD_TEST_JDBC_URL");
        if (external != null && !external.isBlank()) {
            return freshDatabaseOn(external);
        }
        try {
            Path dir = Files.createTempDirectory("switchboard-test-pg");
            embedded = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
                    .setServerConfig("timezone", "UTC").setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off").start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.datasource.jdbc.url", embedded.getJdbcUrl("postgres", "postgres"),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "");
    }

    /** A database of its own per run, so runs never see each other's rows. */
    private static Map<String, String> freshDatabaseOn(String url) {
        String user = System.getenv().getOrDefault("SWITCHBOARD_TEST_DB_USER", "postgres");
        String database = "switchboard_test_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(url, user, "");
             Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database);
            s.execute("create database " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the test database on " + url + ": " + e.getMessage(), e);
        }
        String base = url.substring(0, url.lastIndexOf('/') + 1);
        return Map.of("quarkus.datasource.jdbc.url", base + database,
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", "");
    }

    @Override
    public void stop() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
