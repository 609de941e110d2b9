package io.pgmcp.db;

import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.PgMcpConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** One connection attempt per configured database, for {@code --validate-config --check-connections}. */
public final class ConnectionProbe {

    private ConnectionProbe() {
    }

    /** Answers one error per database that cannot be reached; never includes a password. */
    public static List<String> check(PgMcpConfig config) {
        List<String> errors = new ArrayList<>();
        for (DatabaseConfig db : config.databases()) {
            try (Connection connection = new PgConnectionFactory(db, config.server().queryTimeout()).open();
                 Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            } catch (SQLException e) {
                SqlFailure failure = SqlFailure.of(e, false);
                errors.add("databases." + db.name() + ": cannot connect to " + db.displayTarget()
                        + " (SQLSTATE " + failure.sqlState() + "): " + failure.message());
            }
        }
        return errors;
    }
}
