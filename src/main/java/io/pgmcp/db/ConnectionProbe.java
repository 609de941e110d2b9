package io.pgmcp.db;

import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.PgMcpConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** One connection attempt per configured database, for {@code --validate-config --check-connections}. */
public final class ConnectionProbe {
    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private ConnectionProbe() {
    }

    /** Answers one error per database that cannot be reached; never includes a password. */
    public static List<String> check(PgMcpConfig config) {
        List<String> errors = new ArrayList<>();
        for (DatabaseConfig db : config.databases()) {
            try (Connection ignored = open(db)) {
                // reachable
            } catch (SQLException e) {
                errors.add("databases." + db.name() + ": cannot connect to " + db.displayTarget()
                        + " (SQLSTATE " + e.getSQLState() + "): " + e.getMessage());
            }
        }
        return errors;
    }

    static Connection open(DatabaseConfig db) throws SQLException {
        Properties props = new Properties();
        db.user().ifPresent(u -> props.setProperty("user", u));
        db.password().ifPresent(p -> props.setProperty("password", p.reveal()));
        props.setProperty("ApplicationName", "pg-mcp");
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        return DriverManager.getConnection(db.jdbcUrl(), props);
    }
}
