package dev.switchboard.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedDatabaseTest {

    @Test
    void aConfiguredDatasourceStartsNothing() {
        Properties props = new Properties();
        assertThat(EmbeddedDatabase.startIfNoDatasourceConfigured(
                Map.of("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://db:5432/x"), props)).isEmpty();
        assertThat(props).doesNotContainKey("quarkus.datasource.jdbc.url");
        props.setProperty("quarkus.datasource.jdbc.url", "jdbc:postgresql://db:5432/y");
        assertThat(EmbeddedDatabase.startIfNoDatasourceConfigured(Map.of(), props)).isEmpty();
        assertThat(props.getProperty("quarkus.datasource.jdbc.url")).isEqualTo("jdbc:postgresql://db:5432/y");
    }

    @Test
    void aDatasourceInTheUsualQuarkusFilesCountsToo(@TempDir Path dir) throws IOException {
        assertThat(EmbeddedDatabase.datasourceConfigured(Map.of(), new Properties(), dir)).isFalse();
        java.nio.file.Files.writeString(dir.resolve(".env"), "QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://db/x\n");
        assertThat(EmbeddedDatabase.datasourceConfigured(Map.of(), new Properties(), dir)).isTrue();
        java.nio.file.Files.delete(dir.resolve(".env"));
        java.nio.file.Files.createDirectories(dir.resolve("config"));
        java.nio.file.Files.writeString(dir.resolve("config/application.properties"),
                "%prod.quarkus.datasource.jdbc.url=jdbc:postgresql://db/y\n");
        assertThat(EmbeddedDatabase.datasourceConfigured(Map.of(), new Properties(), dir)).isTrue();
        assertThat(EmbeddedDatabase.datasourceConfigured(
                Map.of("_PROD_QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://db/z"), new Properties(),
                dir.resolve("elsewhere"))).isTrue();
    }

    @Test
    void dataSurvivesARestart(@TempDir Path dir) throws Exception {
        Properties props = embeddedAt(dir, freePort());
        try (EmbeddedPostgres pg = EmbeddedDatabase.startIfNoDatasourceConfigured(Map.of(), props).orElseThrow()) {
            String url = props.getProperty("quarkus.datasource.jdbc.url");
            assertThat(url).startsWith("jdbc:postgresql://localhost:");
            execute(url, "create table kept (v text); insert into kept values ('still here')");
        }
        Properties again = new Properties();
        again.setProperty("switchboard.embedded-db.dir", dir.toString());
        again.setProperty("switchboard.embedded-db.port", props.getProperty("switchboard.embedded-db.port"));
        try (EmbeddedPostgres pg = EmbeddedDatabase.startIfNoDatasourceConfigured(Map.of(), again).orElseThrow()) {
            assertThat(query(again.getProperty("quarkus.datasource.jdbc.url"), "select v from kept"))
                    .contains("still here");
        }
    }

    @Test
    void defaultDirectoryIsUnderTheUsersHome() {
        assertThat(EmbeddedDatabase.dataDirectory(Map.of(), new Properties()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".switchboard", "pg"));
        assertThat(EmbeddedDatabase.dataDirectory(Map.of("SWITCHBOARD_EMBEDDED_DB_DIR", "/srv/sb"), new Properties()))
                .isEqualTo(Path.of("/srv/sb"));
        Properties home = new Properties();
        home.setProperty("user.home", "/home/someone");
        assertThat(EmbeddedDatabase.dataDirectory(Map.of(), home))
                .isEqualTo(Path.of("/home/someone", ".switchboard", "pg"));
        assertThat(EmbeddedDatabase.dataDirectory(Map.of("SWITCHBOARD_HOME", "/var/lib/switchboard"), home))
                .isEqualTo(Path.of("/var/lib/switchboard", "pg"));
        // the explicit directory wins over the home
        assertThat(EmbeddedDatabase.dataDirectory(Map.of("SWITCHBOARD_HOME", "/var/lib/switchboard",
                "SWITCHBOARD_EMBEDDED_DB_DIR", "/srv/sb"), home)).isEqualTo(Path.of("/srv/sb"));
    }

    @Test
    void aSecondStartOnTheSameDirectorySaysWhatToChangeInOneLine(@TempDir Path dir) throws Exception {
        Properties first = embeddedAt(dir, freePort());
        try (EmbeddedPostgres pg = EmbeddedDatabase.startIfNoDatasourceConfigured(Map.of(), first).orElseThrow()) {
            Properties second = embeddedAt(dir, freePort());
            assertThatThrownBy(() -> EmbeddedDatabase.startIfNoDatasourceConfigured(Map.of(), second))
                    .isInstanceOf(EmbeddedDatabase.StartFailure.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("in use by another")
                    .hasMessageContaining("switchboard.embedded-db.dir")
                    .hasMessageContaining("switchboard.embedded-db.port")
                    .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
        }
    }

    @Test
    void aSecondStartOnTheSamePortRefusesInsteadOfUsingTheFirstOnesDatabase(@TempDir Path first,
                                                                             @TempDir Path second) throws Exception {
        int port = freePort();
        Properties one = embeddedAt(first, port);
        try (EmbeddedPostgres pg = EmbeddedDatabase.startIfNoDatasourceConfigured(Map.of(), one).orElseThrow()) {
            Properties two = embeddedAt(second, port);
            assertThatThrownBy(() -> EmbeddedDatabase.startIfNoDatasourceConfigured(Map.of(), two))
                    .isInstanceOf(EmbeddedDatabase.StartFailure.class)
                    .hasMessageContaining("Port " + port).hasMessageContaining(second.toString())
                    .hasMessageContaining("switchboard.embedded-db.port")
                    .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
            assertThat(two).doesNotContainKey("quarkus.datasource.jdbc.url");
        }
    }

    @Test
    void aPortThatIsNotANumberIsSaidPlainly() {
        Properties props = new Properties();
        props.setProperty("switchboard.embedded-db.port", "fifty");
        assertThatThrownBy(() -> EmbeddedDatabase.port(Map.of(), props))
                .isInstanceOf(EmbeddedDatabase.StartFailure.class).hasMessageContaining("'fifty'");
    }

    private static Properties embeddedAt(Path dir, int port) {
        Properties props = new Properties();
        props.setProperty("switchboard.embedded-db.dir", dir.toString());
        props.setProperty("switchboard.embedded-db.port", Integer.toString(port));
        return props;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Optional<String> query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }
}
