package dev.switchboard.database;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts an embedded PostgreSQL before Quarkus when no datasource URL is configured, so that the first run needs
 * nothing installed. With {@code QUARKUS_DATASOURCE_JDBC_URL} (or {@code -Dquarkus.datasource.jdbc.url}) the app
 * uses that server and starts nothing.
 */
@QuarkusMain
public class SwitchboardMain {

    public static void main(String... args) {
        EmbeddedDatabase.startIfNoDatasourceConfigured(System.getenv(), System.getProperties());
        Quarkus.run(args);
    }
}
