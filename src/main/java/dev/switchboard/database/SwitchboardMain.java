package dev.switchboard.database;

import dev.switchboard.usage.KeysCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Starts an embedded PostgreSQL before Quarkus when no datasource URL is configured, so that the first run needs
 * nothing installed. With {@code QUARKUS_DATASOURCE_JDBC_URL} (or {@code -Dquarkus.datasource.jdbc.url}) the app
 * uses that server and starts nothing.
 * <p>
 * {@code keys ...} runs the gateway key command ({@link KeysCommand}) instead of the server, on the same database:
 * when the app already runs on the embedded PostgreSQL, the command connects to it rather than start a second one.
 */
@QuarkusMain
public class SwitchboardMain {

    public static void main(String... args) {
        try {
            launch(args);
        } catch (EmbeddedDatabase.StartFailure e) {
            System.err.println("Switchboard cannot start: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void launch(String... args) {
        if (args.length > 0 && "keys".equals(args[0])) {
            KeysCommand.QUIET_RUN.forEach((k, v) -> {
                if (System.getProperty(k) == null) {
                    System.setProperty(k, v);
                }
            });
            if (!useRunningEmbeddedDatabase()) {
                EmbeddedDatabase.startIfNoDatasourceConfigured(System.getenv(), System.getProperties());
            }
            Quarkus.run(KeysCommand.class, args);
            return;
        }
        EmbeddedDatabase.startIfNoDatasourceConfigured(System.getenv(), System.getProperties());
        Quarkus.run(args);
    }

    /** Points the datasource at the embedded PostgreSQL of a running app, if one listens on its port. */
    private static boolean useRunningEmbeddedDatabase() {
        if (EmbeddedDatabase.datasourceConfigured(System.getenv(), System.getProperties())) {
            return false;
        }
        int port = EmbeddedDatabase.port(System.getenv(), System.getProperties());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        } catch (IOException nothingThere) {
            return false;
        }
        System.setProperty(EmbeddedDatabase.URL_PROPERTY, "jdbc:postgresql://localhost:" + port + "/postgres");
        System.setProperty("quarkus.datasource.username", "postgres");
        System.setProperty("quarkus.datasource.password", "");
        return true;
    }
}
