package io.pgmcp.db;

import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.PgMcpConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --validate-config --check-connections}: connects to each configured database once; a
 * database that cannot be reached is an error, a role with more power than reading needs is a
 * warning (see {@link RoleCheck}). Never includes a password.
 */
public final class ConnectionProbe {

    /** The errors and warnings of a probe. */
    public record Report(List<String> errors, List<String> warnings) {
    }

    private ConnectionProbe() {
    }

    public static Report check(PgMcpConfig config) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (DatabaseConfig db : config.databases()) {
            try (Connection connection = new PgConnectionFactory(db, config.server().queryTimeout()).open()) {
                for (String warning : RoleCheck.warnings(connection, db.accessPolicy().allowedSchemas())) {
                    warnings.add("databases." + db.name() + ": " + warning + "; pg-mcp needs only SELECT (run --print-grants "
                            + db.name() + " for a least-privilege role)");
                }
            } catch (SQLException e) {
                SqlFailure failure = SqlFailure.of(e, false);
                errors.add("databases." + db.name() + ": cannot connect to " + db.displayTarget()
                        + " (SQLSTATE " + failure.sqlState() + "): " + failure.message());
            }
        }
        return new Report(errors, warnings);
    }
}
